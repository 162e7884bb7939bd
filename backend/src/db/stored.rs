//! The one mapping between the statuses and roles of `api_types` and their `text` columns
//! (kept as text, guarded by CHECK constraints): a row field of type `ActionStatus` is
//! read and written through [`Stored`], and a query compares a column with
//! `Stored(ActionStatus::Termine)`, never with a string literal.

use std::io::Write;
use std::str::FromStr;

use api_types as wire;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Nullable, Text};

/// An enum stored as its wire name.
pub trait StoredEnum:
    Copy + std::fmt::Debug + FromStr<Err = wire::UnknownVariant> + 'static
{
    /// The name in the column, the same as on the wire.
    fn stored_name(self) -> &'static str;
}

/// A [`StoredEnum`] as diesel reads and writes it: `#[diesel(deserialize_as = Stored<…>)]`
/// and `#[diesel(serialize_as = Stored<…>)]` on row fields, `Stored(value)` in queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Stored<T>(pub T);

impl<T: StoredEnum> ToSql<Text, Pg> for Stored<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        out.write_all(self.0.stored_name().as_bytes())?;
        Ok(IsNull::No)
    }
}

/// A value the CHECK constraint let through but the enum does not know is a server fault
/// (the schema and the code disagree): an error, not a panic.
impl<T: StoredEnum> FromSql<Text, Pg> for Stored<T> {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let text = std::str::from_utf8(value.as_bytes())?;
        Ok(Stored(text.parse()?))
    }
}

impl<T: StoredEnum> From<T> for Stored<T> {
    fn from(value: T) -> Self {
        Stored(value)
    }
}

/// A nullable [`StoredEnum`] as diesel reads it: `#[diesel(deserialize_as =
/// StoredOption<…>)]` on an `Option<…>` row field (`NULL` is `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromSqlRow)]
pub struct StoredOption<T>(pub Option<T>);

impl<T: StoredEnum> FromSql<Nullable<Text>, Pg> for StoredOption<T> {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        <Stored<T> as FromSql<Text, Pg>>::from_sql(value).map(|stored| StoredOption(Some(stored.0)))
    }

    fn from_nullable_sql(value: Option<PgValue<'_>>) -> deserialize::Result<Self> {
        value.map_or(Ok(StoredOption(None)), Self::from_sql)
    }
}

impl<T> From<StoredOption<T>> for Option<T> {
    fn from(stored: StoredOption<T>) -> Self {
        stored.0
    }
}

/// A value as its column takes it: a stored enum through [`Stored`], the rest as is.
pub trait Column {
    type Column;
    fn column(self) -> Self::Column;
}

macro_rules! column_as_itself {
    ($($t:ty),+) => {$(
        impl Column for $t {
            type Column = $t;
            fn column(self) -> Self {
                self
            }
        }
    )+};
}

column_as_itself!(i16, f64, String, Vec<i16>, chrono::NaiveDate);

impl<T: Column> Column for Option<T> {
    type Column = Option<T::Column>;
    fn column(self) -> Self::Column {
        self.map(Column::column)
    }
}

macro_rules! stored_enums {
    ($($name:ident),+ $(,)?) => {$(
        impl StoredEnum for wire::$name {
            fn stored_name(self) -> &'static str {
                self.as_str()
            }
        }

        impl Column for wire::$name {
            type Column = Stored<wire::$name>;
            fn column(self) -> Self::Column {
                Stored(self)
            }
        }

        impl From<Stored<wire::$name>> for wire::$name {
            fn from(stored: Stored<wire::$name>) -> Self {
                stored.0
            }
        }
    )+};
}

stored_enums!(
    ActionStatus,
    PlanStatus,
    ChangeRequestStatus,
    DeliveryStatus,
    Role,
    OrgRole,
    OrganisationKind,
    JournalKind,
    ActionHealth,
    BudgetService,
    BudgetDirection,
    Civility,
    Language,
    NotificationTopic,
    NotificationDelivery,
    SignInMethod,
);

/// Where a notification's e-mail stands (`notifications.email_status`); never on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailStatus {
    /// To send (again, after a failed attempt).
    Pending,
    Sent,
    /// Given up after the last attempt.
    Failed,
    /// Not sent: the account was deactivated, the message grew too old, or its recipient
    /// keeps this topic in the app.
    Skipped,
    /// Kept for the recipient's daily or weekly digest, due at `email_next_at`.
    Digest,
}

impl EmailStatus {
    const ALL: [EmailStatus; 5] = [
        Self::Pending,
        Self::Sent,
        Self::Failed,
        Self::Skipped,
        Self::Digest,
    ];
}

impl StoredEnum for EmailStatus {
    fn stored_name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::Digest => "digest",
        }
    }
}

impl FromStr for EmailStatus {
    type Err = wire::UnknownVariant;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.stored_name() == s)
            .ok_or_else(|| wire::UnknownVariant {
                kind: "EmailStatus",
                value: s.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_email_status_reads_back_as_itself() {
        for status in EmailStatus::ALL {
            assert_eq!(status.stored_name().parse(), Ok(status));
        }
        assert!("sending".parse::<EmailStatus>().is_err());
    }
}

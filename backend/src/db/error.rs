//! The error of data access. It says what happened to a statement — no row, a constraint
//! refused it, the database is out of reach — never what a client should be answered: that
//! translation is made once, in `impl From<DbError> for crate::error::ApiError`, with its
//! table from constraint names to problem codes.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// What a statement or a unit of data access failed with.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No row where the caller named one (an id of another CPAS is "not found" too): the
    /// kind of thing that was looked for, for the answer's detail.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A constraint of the schema refused the statement. `constraint` is its name in
    /// `migrations/`, the key of the translation table.
    #[error("{kind:?} on {constraint}: {message}")]
    Constraint {
        kind: ConstraintKind,
        constraint: String,
        message: String,
    },
    /// The database cannot be reached right now (pool timeout, connection lost).
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
    /// Anything else: a statement the schema should not allow to fail, a stored value the
    /// code does not know.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The kinds of constraint a statement can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintKind {
    Unique,
    ForeignKey,
    Check,
    NotNull,
}

/// The result of data access.
pub type DbResult<T> = Result<T, DbError>;

impl DbError {
    /// The name of the constraint that refused the statement, if one did.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            Self::Constraint { constraint, .. } => Some(constraint),
            _ => None,
        }
    }
}

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound("resource"),
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => Self::Unavailable(info.message().to_owned()),
            DieselError::DatabaseError(kind, info) => {
                let kind = match kind {
                    DatabaseErrorKind::UniqueViolation => ConstraintKind::Unique,
                    DatabaseErrorKind::ForeignKeyViolation => ConstraintKind::ForeignKey,
                    DatabaseErrorKind::CheckViolation => ConstraintKind::Check,
                    DatabaseErrorKind::NotNullViolation => ConstraintKind::NotNull,
                    _ => {
                        return Self::Internal(anyhow::Error::new(DieselError::DatabaseError(
                            kind, info,
                        )));
                    }
                };
                match info.constraint_name() {
                    Some(constraint) => Self::Constraint {
                        kind,
                        constraint: constraint.to_owned(),
                        message: info.message().to_owned(),
                    },
                    None => Self::Internal(anyhow::anyhow!(
                        "{kind:?} without a constraint name: {}",
                        info.message()
                    )),
                }
            }
            other => Self::Internal(other.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for DbError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(error.to_string())
    }
}

impl From<api_types::UnknownVariant> for DbError {
    /// A stored value the CHECK constraint let through but the code does not know: the
    /// schema and the code disagree, a server fault.
    fn from(error: api_types::UnknownVariant) -> Self {
        Self::Internal(error.into())
    }
}

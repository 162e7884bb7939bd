//! Typed identifiers: a `PlanId` can never be passed where an `ActionId` is wanted.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn new(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn get(self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Identifies a plan.
    PlanId
);
id_type!(
    /// Identifies a tenant (a CPAS).
    TenantId
);
id_type!(
    /// Identifies a user account.
    UserId
);
id_type!(
    /// Identifies an organisation.
    OrganisationId
);
id_type!(
    /// Identifies an action.
    ActionId
);
id_type!(
    /// Identifies a session (one sign-in of a person).
    SessionId
);

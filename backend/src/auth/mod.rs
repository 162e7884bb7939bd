//! Authentication: passwords, tokens, and the extractor that turns a bearer token into a
//! verified claim set. Who may do what is decided in [`crate::authz`], not here.

mod extractor;
pub mod oidc;
pub mod password;
pub mod second_factor;
pub mod tokens;
pub mod unsubscribe;

pub use extractor::{Authenticated, Person};

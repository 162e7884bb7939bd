//! Domain types that are parsed once at the edge and trusted afterwards.

mod ids;
mod text;

pub use ids::*;
pub use text::*;

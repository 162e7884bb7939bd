//! Domain types that are parsed once at the edge and trusted afterwards.

mod ids;

pub use ids::*;

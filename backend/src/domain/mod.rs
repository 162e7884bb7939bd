//! Domain types that are parsed once at the edge and trusted afterwards.

pub mod budget;
pub mod calendar;
pub mod council;
pub mod evidence;
pub mod follow_up;
mod ids;
pub mod periods;
mod region;
pub mod tasks;
pub mod text;
pub mod webhook_target;

pub use ids::*;
pub use region::*;
pub use text::*;

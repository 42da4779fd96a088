//! Language-neutral facts read from one file's syntax, for rules and the
//! project model to share.

pub mod calls;
pub mod env;
pub mod modules;

//! Language-neutral facts read from one file's syntax, for rules and the
//! project model to share.

pub mod bound_strings;
pub mod calls;
pub mod columns;
pub mod env;
pub mod flow;
pub mod function_names;
pub mod handlers;
pub mod keyed_strings;
pub mod log_calls;
pub mod modules;
pub mod routes;
pub mod rust_modules;
pub mod secret_formats;
pub mod sql_calls;
pub mod stubs;
pub mod tables;
pub mod units;
pub mod urls;

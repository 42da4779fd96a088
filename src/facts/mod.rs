//! Language-neutral facts read from one file's syntax, for rules and the
//! project model to share.

pub mod calls;
pub mod columns;
pub mod definitions;
pub mod env;
pub mod flow;
pub mod function_names;
pub mod handlers;
pub mod identifiers;
pub mod manifests;
pub mod module_loads;
pub mod modules;
pub mod route_registrations;
pub mod routes;
pub mod rust_modules;
pub mod scoped_calls;
pub mod sql_calls;
pub mod stubs;
pub mod tables;
pub mod units;
pub mod urls;

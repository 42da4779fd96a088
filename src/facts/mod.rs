//! Language-neutral facts read from one file's syntax, for rules and the
//! project model to share.

pub mod bound_strings;
pub mod calls;
pub mod column_reads;
pub mod columns;
pub mod definitions;
pub mod env;
pub mod flow;
pub mod function_bodies;
pub mod function_names;
pub mod handlers;
pub mod hosts;
pub mod http_clients;
pub mod identifiers;
pub mod keyed_strings;
pub mod log_calls;
pub mod manifests;
pub mod memo;
pub mod module_loads;
pub mod modules;
pub mod names;
pub mod orm;
pub mod orm_writes;
pub mod route_registrations;
pub mod route_text;
pub mod routes;
pub mod rust_modules;
pub mod schema_changes;
pub mod schema_columns;
pub mod scoped_calls;
pub mod secret_formats;
pub mod sql_calls;
pub mod stubs;
pub mod tables;
pub mod units;
pub mod urls;

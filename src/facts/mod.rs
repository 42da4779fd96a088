//! Language-neutral facts read from one file's syntax, for rules and the
//! project model to share.

pub mod calls;
pub mod columns;
pub mod env;
pub mod flow;
pub mod function_names;
pub mod handlers;
pub mod hosts;
pub mod modules;
pub mod orm;
pub mod orm_writes;
pub mod routes;
pub mod sql_calls;
pub mod stubs;
pub mod tables;
pub mod units;
pub mod urls;

//! plumbline: a static policy linter for integration-architecture rules.
//!
//! Everything the engine sees is a [`source::SourceFile`]; where it came from
//! (disk, the git index, an agent's proposed edit) is the front door's concern.

// Configuration errors carry their source text for miette's labels; they are
// built once per run on a cold path, so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod baseline;
pub mod cache;
pub mod changed;
pub mod cli;
pub mod config;
pub mod deferred;
pub mod engine;
pub mod facts;
pub mod finding;
pub mod fix;
pub mod fsutil;
pub mod globs;
pub mod hook;
pub mod lang;
pub mod prefilter;
pub mod project;
pub mod report;
pub mod roles;
pub mod rules;
pub mod schema;
pub mod scope;
pub mod source;
pub mod suppress;
pub mod testing;
pub mod timings;
pub mod walk;

pub use engine::{Engine, RunSummary};
pub use finding::{Finding, Severity};
pub use source::SourceFile;

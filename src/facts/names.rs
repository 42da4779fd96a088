//! Words of identifiers, shared by facts readers and rules: one snake_case
//! splitter (`accessToken` → `access_token`) and globs over names
//! (`save*IntegrationStatus`).

pub use crate::lang::tree::{snake_case, snake_case_glob, NameGlob};

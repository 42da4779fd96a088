//! Placeholder until the SQL reader lands.
use std::ops::Range;
pub struct SqlToken { pub span: Range<usize> }
pub struct SqlStatement { pub tokens: Vec<SqlToken>, pub span: Range<usize> }
pub fn parse_statements(_text: &str) -> Vec<SqlStatement> { Vec::new() }

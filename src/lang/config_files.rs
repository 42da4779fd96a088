//! Placeholder until the config scanners land.
use std::borrow::Cow;
use std::ops::Range;
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigFormat { Env, Json, Yaml, Toml }
pub struct ConfigScalar<'a> { pub span: Range<usize>, pub value_span: Range<usize>, pub value: Cow<'a, str>, pub is_key: bool }
pub fn scan(_format: ConfigFormat, _text: &str) -> Vec<ConfigScalar<'_>> { Vec::new() }

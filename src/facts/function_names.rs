//! Function-name globs as rules configure them, matched in camelCase and,
//! for Python, in snake_case.

use crate::lang::tree::{snake_case_glob, NameGlob};
use crate::lang::Family;
use crate::rules::OptionError;

/// Function-name globs with their snake_case forms for Python.
pub struct FunctionNames {
    camel: Vec<NameGlob>,
    snake: Vec<NameGlob>,
}

impl FunctionNames {
    pub fn new(option: &str, names: &[String]) -> Result<FunctionNames, OptionError> {
        if names.is_empty() {
            return Err(OptionError::new(option, "list at least one function name"));
        }
        for name in names {
            if name.chars().all(|c| c == '*') {
                return Err(OptionError::new(
                    option,
                    format!("`{name}` would match every function; name the functions"),
                ));
            }
            if !name
                .chars()
                .all(|c| c == '*' || c == '_' || c == '$' || c.is_alphanumeric())
            {
                return Err(OptionError::new(
                    option,
                    format!("`{name}` is not a function name glob (use letters, digits, `_`, `$` and `*`)"),
                ));
            }
        }
        Ok(FunctionNames {
            camel: names.iter().map(|n| NameGlob::new(n)).collect(),
            snake: names
                .iter()
                .map(|n| NameGlob::new(&snake_case_glob(n)))
                .collect(),
        })
    }

    /// Every glob's longest fixed piece, in both spellings; empty (no
    /// prefilter) when some glob has no fixed piece worth matching.
    pub fn literals(&self) -> Vec<String> {
        let literals: Vec<String> = self
            .camel
            .iter()
            .chain(&self.snake)
            .map(|g| g.longest_literal().to_string())
            .collect();
        if literals.iter().any(|l| l.len() < 3) {
            return Vec::new();
        }
        literals
    }

    /// Python names also match in snake_case, including an empty `*`
    /// (`save_integration_status` for `save*IntegrationStatus`), which the
    /// snake_case glob alone (`save_*_integration_status`) would miss.
    /// Leading `_`/`#` mark a name private, not different: `_saveGcpIntegrationStatus`
    /// and `#saveGcpIntegrationStatus` match like the bare name.
    pub fn is_match(&self, family: Family, name: &str) -> bool {
        let name = name.trim_start_matches(['_', '#']);
        if self.camel.iter().any(|g| g.is_match(name)) {
            return true;
        }
        family == Family::Python && {
            let camel = camel_case(name);
            self.snake.iter().any(|g| g.is_match(name))
                || self.camel.iter().any(|g| g.is_match(&camel))
        }
    }
}

/// `save_gcp_status` → `saveGcpStatus`; leading underscores are kept.
fn camel_case(name: &str) -> String {
    let body = name.trim_start_matches('_');
    let mut out = crate::source::slice(name, ..name.len() - body.len()).to_string();
    for (i, part) in body.split('_').filter(|p| !p.is_empty()).enumerate() {
        let mut chars = part.chars();
        if i > 0 {
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
            }
        }
        out.extend(chars);
    }
    out
}

//! Where a rule applies, set on any rule (built in or the project's) and
//! enforced by the engine before a rule's prefilter or check runs:
//!
//! - `paths`: globs over project paths; the rule reads only files under
//!   them.
//! - `exclude`: globs over project paths the rule never reads.
//! - `roles`: the file roles the rule reads (`production`, `test`,
//!   `fixture`, `docs`, `example`, `script`, `generated`, `vendored`, or
//!   `all`). A rule the project defines reads `production` and `script`
//!   files unless it says otherwise; a built-in rule reads every role and
//!   skips what its own `skip_roles` names.
//!
//! Globs are gitignore-style: a pattern without `/` matches a name at any
//! depth (`*.gen.ts`), one with `/` is anchored at the project root
//! (`apps/billing/**`), and a pattern matching a folder covers everything
//! below it.

use globset::GlobSet;

use crate::roles::Role;

/// The keys of a rule's table that the engine reads as its scope.
pub const SCOPE_KEYS: &[&str] = &["paths", "exclude", "roles"];

/// The roles a project-defined rule reads when it names none.
pub const DEFAULT_PROJECT_ROLES: &[Role] = &[Role::Production, Role::Script];

/// A compiled scope: which project paths a rule reads.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    paths: Option<GlobSet>,
    exclude: Option<GlobSet>,
    /// `None`: every role.
    roles: Option<Vec<Role>>,
}

impl Scope {
    /// Whether the rule reads the file at `project_path`.
    pub fn admits(&self, project_path: &str) -> bool {
        if let Some(roles) = &self.roles {
            if !roles.contains(&crate::roles::classify(project_path)) {
                return false;
            }
        }
        if let Some(exclude) = &self.exclude {
            if matches_or_under(exclude, project_path) {
                return false;
            }
        }
        match &self.paths {
            Some(paths) => matches_or_under(paths, project_path),
            None => true,
        }
    }

    /// Whether the scope lets every file through.
    pub fn is_everywhere(&self) -> bool {
        self.paths.is_none() && self.exclude.is_none() && self.roles.is_none()
    }

    /// Builds a scope from a rule's `paths`, `exclude` and `roles` values
    /// (each already checked with [`check_value`]); `default_roles` apply
    /// when `roles` is not set.
    pub fn build(
        paths: Option<&toml::Value>,
        exclude: Option<&toml::Value>,
        roles: Option<&toml::Value>,
        default_roles: Option<&[Role]>,
    ) -> Result<Scope, String> {
        let globs = |value: Option<&toml::Value>| -> Result<Option<GlobSet>, String> {
            let Some(value) = value else { return Ok(None) };
            let patterns = strings(value).map_err(|(message, _)| message)?;
            let anchored: Vec<String> = patterns.iter().map(|p| anchor(p)).collect();
            crate::config::build_globset(anchored.iter().map(String::as_str)).map(Some)
        };
        let roles = match roles {
            Some(value) => parse_roles(value).map_err(|(message, _)| message)?,
            None => default_roles.map(<[Role]>::to_vec),
        };
        Ok(Scope {
            paths: globs(paths)?,
            exclude: globs(exclude)?,
            roles,
        })
    }
}

/// Checks one scope key's value: the problem and, for a bad list item, its
/// index.
pub fn check_value(key: &str, value: &toml::Value) -> Result<(), (String, Option<usize>)> {
    match key {
        "roles" => parse_roles(value).map(|_| ()),
        _ => {
            let patterns = strings(value)?;
            for (index, pattern) in patterns.iter().enumerate() {
                crate::config::build_glob(&anchor(pattern)).map_err(|e| {
                    (
                        format!("`{key}` glob `{pattern}` is invalid: {e}"),
                        Some(index),
                    )
                })?;
            }
            Ok(())
        }
    }
}

fn strings(value: &toml::Value) -> Result<Vec<String>, (String, Option<usize>)> {
    let Some(items) = value.as_array() else {
        return Err(("expected a list of strings".to_string(), None));
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            item.as_str()
                .map(str::to_string)
                .ok_or_else(|| ("expected a string".to_string(), Some(index)))
        })
        .collect()
}

/// `roles = [...]`: `None` for `all`.
fn parse_roles(value: &toml::Value) -> Result<Option<Vec<Role>>, (String, Option<usize>)> {
    let names = strings(value)?;
    let mut roles = Vec::new();
    for (index, name) in names.iter().enumerate() {
        if name == "all" {
            return Ok(None);
        }
        let role = Role::from_name(name).ok_or_else(|| {
            (
                format!(
                    "unknown file role `{name}`; the roles are {}, or all",
                    Role::names()
                ),
                Some(index),
            )
        })?;
        roles.push(role);
    }
    Ok(Some(roles))
}

/// Gitignore-style anchoring: a pattern without `/` matches at any depth.
fn anchor(pattern: &str) -> String {
    let trimmed = pattern.trim_end_matches('/');
    if let Some(rooted) = trimmed.strip_prefix('/') {
        rooted.to_string()
    } else if trimmed.contains('/') {
        trimmed.trim_start_matches("./").to_string()
    } else {
        format!("**/{trimmed}")
    }
}

/// Whether the path or one of its folders matches.
fn matches_or_under(set: &GlobSet, project_path: &str) -> bool {
    if set.is_match(project_path) {
        return true;
    }
    let mut prefix = project_path;
    while let Some((parent, _)) = prefix.rsplit_once('/') {
        if set.is_match(parent) {
            return true;
        }
        prefix = parent;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> toml::Value {
        toml::Value::Array(items.iter().map(|s| toml::Value::from(*s)).collect())
    }

    #[test]
    fn paths_exclude_and_roles_combine() {
        let scope = Scope::build(
            Some(&list(&["apps/billing"])),
            Some(&list(&["*.gen.ts", "apps/billing/legacy/**"])),
            None,
            Some(DEFAULT_PROJECT_ROLES),
        )
        .unwrap();
        assert!(scope.admits("apps/billing/src/pay.ts"));
        assert!(!scope.admits("apps/web/src/pay.ts"));
        assert!(!scope.admits("apps/billing/src/api.gen.ts"));
        assert!(!scope.admits("apps/billing/legacy/old.ts"));
        assert!(!scope.admits("apps/billing/src/pay.test.ts"));
        assert!(scope.admits("apps/billing/scripts/backfill.ts"));
    }

    #[test]
    fn all_roles_and_errors() {
        let scope = Scope::build(
            None,
            None,
            Some(&list(&["all"])),
            Some(DEFAULT_PROJECT_ROLES),
        )
        .unwrap();
        assert!(scope.is_everywhere());
        assert!(scope.admits("tests/a.ts"));
        assert_eq!(
            check_value("roles", &list(&["production", "tests"]))
                .unwrap_err()
                .1,
            Some(1)
        );
        assert!(check_value("paths", &toml::Value::from("apps")).is_err());
        assert!(check_value("exclude", &list(&["a/{b"])).is_err());
    }
}

//! The `auth` field of a manifest: its `type`, its OAuth endpoints and the
//! environment variables it names.

use super::{Problem, Validation};
use crate::facts::identifiers::{env_reference, is_screaming_snake, looks_like_name};
use crate::facts::manifests::{is_env_var_key, Literal, Object, Value, ENDPOINT_KEYS};
use crate::finding::Fix;

impl<'r> Validation<'r> {
    pub(super) fn auth(&mut self) {
        let allowed = self.rule.auth_types.join(", ");
        let hint = format!("set `auth.type` to one of: {allowed}");
        let Some(value) = self.required(
            "auth",
            &format!("an object whose `type` is one of {allowed}"),
        ) else {
            return;
        };
        let auth = match value.object.as_ref() {
            Some(auth) => auth,
            None => {
                if let Literal::Str(_) | Literal::Other(_) = &value.literal {
                    self.problems.push(Problem::new(
                        value.span.clone(),
                        format!("`auth` of {} must be an object with a `type`", self.who),
                        "not an auth object",
                        hint,
                    ));
                }
                return;
            }
        };
        let auth_key = self
            .object
            .get("auth")
            .map_or(value.span.clone(), |p| p.key.clone());
        match auth.get("type") {
            None if !auth.open => self.problems.push(Problem::new(
                auth_key,
                format!("`auth` of {} has no `type`", self.who),
                "no `type`",
                hint.clone(),
            )),
            Some(prop) => {
                if let Some(ty) = prop.value.as_ref() {
                    match &ty.literal {
                        Literal::Str(s) if s.fixed && !self.rule.auth_types.contains(&s.value) => {
                            self.problems.push(Problem::new(
                                ty.span.clone(),
                                format!(
                                    "{} has auth type `{}`, which is not an allowed auth type",
                                    self.who, s.value
                                ),
                                "not an allowed auth type",
                                hint.clone(),
                            ))
                        }
                        Literal::Other(what) => self.problems.push(Problem::new(
                            ty.span.clone(),
                            format!("`auth.type` of {} must be a string, not {what}", self.who),
                            format!("{what}, not an auth type"),
                            hint.clone(),
                        )),
                        _ => {}
                    }
                }
            }
            None => {}
        }
        self.auth_fields(auth, 0);
    }

    /// Endpoint URLs and env-var names in the auth object and the objects
    /// nested in it (`auth: { oauth2: { tokenUrl } }`).
    fn auth_fields(&mut self, auth: &'r Object, depth: usize) {
        for prop in &auth.props {
            let Some(value) = prop.value.as_ref() else {
                continue;
            };
            if ENDPOINT_KEYS.contains(&prop.name.as_str()) {
                self.endpoint_url(&prop.name, value);
            } else if is_env_var_key(&prop.name) {
                self.env_var_name(&prop.name, value);
            } else if depth == 0 {
                if let Some(nested) = value.object.as_ref() {
                    self.auth_fields(nested, depth + 1);
                }
            }
        }
    }

    fn endpoint_url(&mut self, key: &str, value: &Value) {
        let Literal::Str(s) = &value.literal else {
            return;
        };
        let lower = s.fixed_prefix().to_ascii_lowercase();
        let not_https = if s.fixed {
            !lower.starts_with("https://")
        } else {
            lower.starts_with("http://")
        };
        if !not_https {
            return;
        }
        let label = if lower.starts_with("http://") {
            "plain `http://`"
        } else {
            "not an `https://` URL"
        };
        self.problems.push(Problem::new(
            s.span.clone(),
            format!("`{key}` of {} is not an https URL", self.who),
            label,
            format!("point `{key}` at the provider's `https://` endpoint: OAuth codes and tokens must never travel in clear text"),
        ));
    }

    fn env_var_name(&mut self, key: &str, value: &Value) {
        let hint = format!(
            "set `{key}` to the name of the environment variable (e.g. `{}`) and keep the value in the environment",
            example_env_var(self.manifest.id(), key)
        );
        if let Some(name) = &value.env_read {
            let mut problem = Problem::new(
                value.span.clone(),
                format!(
                    "`{key}` of {} reads the variable's value instead of naming it",
                    self.who
                ),
                format!("the value of `{name}`, not its name"),
                format!("write the variable's name as a string, `'{name}'`: the platform reads the value itself"),
            );
            problem.fix = Some(Fix {
                description: format!("name the variable: '{name}'"),
                span: value.span.clone(),
                replacement: format!("'{name}'"),
            });
            self.problems.push(problem);
            return;
        }
        match &value.literal {
            Literal::Str(s) if s.fixed => {
                if is_screaming_snake(&s.value) {
                    return;
                }
                if s.value.trim().is_empty() {
                    self.problems.push(Problem::new(
                        s.span.clone(),
                        format!("`{key}` of {} is empty", self.who),
                        "empty env var name",
                        hint,
                    ));
                } else if let Some(name) = env_reference(&s.value) {
                    self.problems.push(Problem::new(
                        s.span.clone(),
                        format!(
                            "`{key}` of {} is `{}`, a reference to the variable rather than its name",
                            self.who, s.value
                        ),
                        "not a bare variable name",
                        format!("write the bare name, `'{name}'`: the platform reads the value itself"),
                    ));
                } else if looks_like_name(&s.value) {
                    self.problems.push(Problem::new(
                        s.span.clone(),
                        format!(
                            "`{key}` of {} is `{}`, not a SCREAMING_SNAKE environment variable name",
                            self.who, s.value
                        ),
                        "not SCREAMING_SNAKE",
                        hint,
                    ));
                } else {
                    let mut problem = Problem::new(
                        s.span.clone(),
                        format!(
                            "`{key}` of {} holds a literal value: it must name an environment variable, never hold a secret",
                            self.who
                        ),
                        "literal value where an env var name belongs",
                        format!("{hint}; if this was a real credential, rotate it"),
                    );
                    problem.redact = Some(s.span.clone());
                    self.problems.push(problem);
                }
            }
            Literal::Other(what) => {
                let mut problem = Problem::new(
                    value.span.clone(),
                    format!(
                        "`{key}` of {} is {what}: it must name an environment variable, never hold a secret",
                        self.who
                    ),
                    "literal value where an env var name belongs",
                    hint,
                );
                problem.redact = Some(value.span.clone());
                self.problems.push(problem);
            }
            _ => {}
        }
    }
}

/// `SLACK_CLIENT_SECRET` for `clientSecretEnvVar` of manifest `slack`.
pub(super) fn example_env_var(id: Option<String>, key: &str) -> String {
    let base = key.trim_end_matches("EnvVar");
    let mut name = String::new();
    if let Some(id) = id {
        for c in id.chars() {
            name.push(if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            });
        }
        name.push('_');
    }
    let mut prev_lower = false;
    for c in base.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    name
}

//! The options of `oauth-url-construction` and their compilation into a
//! check.

use serde::Deserialize;

use super::endpoints::Endpoint;
use super::OauthUrlCheck;
use crate::config::build_globset;
use crate::roles::SkipRoles;
use crate::rules::{OptionDoc, OptionError};

pub(super) const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "owner",
        description: "\"gateway\" or \"app\": who runs OAuth flows",
    },
    OptionDoc {
        name: "allow",
        description: "globs over project paths and route paths of flows the app owns",
    },
    OptionDoc {
        name: "endpoints",
        description: "authorize endpoints: `host/path-prefix`, or a `/path` inside a URL",
    },
    OptionDoc {
        name: "functions",
        description: "names of functions and methods that build an authorize URL",
    },
    OptionDoc {
        name: "skip_roles",
        description:
            "file roles not read (test, fixture, docs, example, script, generated, vendored)",
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Options {
    owner: String,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    endpoints: Vec<String>,
    #[serde(default)]
    functions: Vec<String>,
    #[serde(default)]
    skip_roles: Vec<String>,
}

impl OauthUrlCheck {
    pub(super) fn new(options: Options) -> Result<OauthUrlCheck, OptionError> {
        let enabled = match options.owner.as_str() {
            "gateway" => true,
            "app" => false,
            other => {
                return Err(OptionError::new(
                    "owner",
                    format!("owner must be \"gateway\" or \"app\", not \"{other}\""),
                ))
            }
        };
        let allow = build_globset(options.allow.iter().map(String::as_str))
            .map_err(|e| OptionError::new("allow", e))?;
        let endpoints = options
            .endpoints
            .iter()
            .map(|entry| Endpoint::parse(entry).map_err(|e| OptionError::new("endpoints", e)))
            .collect::<Result<Vec<_>, _>>()?;
        for name in &options.functions {
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
            if !valid {
                return Err(OptionError::new(
                    "functions",
                    format!("`{name}` is not a function name"),
                ));
            }
        }
        let skip_roles =
            SkipRoles::parse(&options.skip_roles).map_err(|e| OptionError::new("skip_roles", e))?;
        Ok(OauthUrlCheck {
            enabled,
            allow,
            skip_roles,
            endpoints,
            functions: options.functions,
        })
    }
}

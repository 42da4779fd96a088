//! The options of `hardcoded-secret` and their compilation into a check.

use aho_corasick::AhoCorasick;
use serde::Deserialize;

use super::names::WordGlob;
use super::{SecretCheck, KEY_HEADER};
use crate::facts::secret_formats::{Format, FORMATS, FORMAT_IDS};
use crate::rules::{OptionDoc, OptionError};

pub(super) const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "names",
        description: "globs over identifier words naming credentials (`*_API_KEY`)",
    },
    OptionDoc {
        name: "ignore_names",
        description: "credential-like names that never hold a credential",
    },
    OptionDoc {
        name: "public_names",
        description: "names whose values ship to browsers by design: only known formats count",
    },
    OptionDoc {
        name: "formats",
        description: "ids of the built-in credential formats to look for",
    },
    OptionDoc {
        name: "prefixes",
        description: "extra token prefixes of your own providers",
    },
    OptionDoc {
        name: "min_length",
        description: "shortest credential-named value that can count as random",
    },
    OptionDoc {
        name: "test_paths",
        description: "globs of test and fixture files, never checked",
    },
    OptionDoc {
        name: "environment_files",
        description: "globs of the environment files themselves (`.env`), never checked",
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Options {
    pub(super) names: Vec<String>,
    #[serde(default)]
    pub(super) ignore_names: Vec<String>,
    #[serde(default)]
    pub(super) public_names: Vec<String>,
    #[serde(default)]
    pub(super) formats: Option<Vec<String>>,
    #[serde(default)]
    pub(super) prefixes: Vec<String>,
    #[serde(default = "default_min_length")]
    pub(super) min_length: usize,
    #[serde(default)]
    pub(super) test_paths: Vec<String>,
    #[serde(default)]
    pub(super) environment_files: Vec<String>,
}

fn default_min_length() -> usize {
    16
}

impl SecretCheck {
    pub(super) fn new(options: Options) -> Result<SecretCheck, OptionError> {
        let globs = |option: &str, patterns: &[String]| -> Result<Vec<WordGlob>, OptionError> {
            patterns
                .iter()
                .map(|p| {
                    WordGlob::new(p).ok_or_else(|| {
                        OptionError::new(option, format!("`{p}` names no identifier word"))
                    })
                })
                .collect()
        };
        let names = globs("names", &options.names)?;
        let ignore_names = globs("ignore_names", &options.ignore_names)?;
        let public_names = globs("public_names", &options.public_names)?;
        let formats: Vec<&'static Format> = match &options.formats {
            None => FORMATS.iter().collect(),
            Some(ids) => {
                let mut chosen = Vec::new();
                for id in ids {
                    let matching: Vec<&Format> = FORMATS.iter().filter(|f| f.id == id).collect();
                    if matching.is_empty() {
                        let known: Vec<&str> = FORMAT_IDS.to_vec();
                        return Err(OptionError::new(
                            "formats",
                            format!("`{id}` is not a known format (known: {})", known.join(", ")),
                        ));
                    }
                    chosen.extend(matching);
                }
                chosen
            }
        };
        let private_keys = options
            .formats
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|id| id == "private-key"));
        let mut prefixes = Vec::new();
        for prefix in &options.prefixes {
            if prefix.len() < 3 || prefix.chars().any(char::is_whitespace) {
                return Err(OptionError::new(
                    "prefixes",
                    format!("`{prefix}` is too short to mark a credential (at least 3 characters, no spaces)"),
                ));
            }
            prefixes.push(prefix.clone());
        }
        if options.min_length < 8 {
            return Err(OptionError::new(
                "min_length",
                "a value shorter than 8 characters cannot be told apart from a word",
            ));
        }
        let globset = |option: &str, patterns: &[String]| {
            crate::globs::LazyGlobSet::new(patterns.iter().map(String::as_str))
                .map_err(|e| OptionError::new(option, e))
        };
        let mut prefix_table: Vec<(String, Option<&'static Format>)> = formats
            .iter()
            .flat_map(|f| f.prefixes.iter().map(move |p| (p.to_string(), Some(*f))))
            .collect();
        prefix_table.extend(prefixes.iter().map(|p| (p.clone(), None)));
        // Leftmost-longest: at one place `sk-proj-` is tried, not `sk-`,
        // whose body could not hold the `-` anyway.
        let prefix_literals: Vec<String> = prefix_table.iter().map(|(p, _)| p.clone()).collect();
        let prefix_matcher = crate::deferred::deferred(move || {
            AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(prefix_literals)
                .ok()
        });
        let key_header = AhoCorasick::new([KEY_HEADER])
            .map_err(|e| OptionError::new("private_keys", e.to_string()))?;
        Ok(SecretCheck {
            prefix_table,
            prefix_matcher,
            key_header,
            names,
            ignore_names,
            public_names,
            formats,
            private_keys,
            prefixes,
            min_length: options.min_length,
            test_paths: globset("test_paths", &options.test_paths)?,
            environment_files: globset("environment_files", &options.environment_files)?,
        })
    }
}

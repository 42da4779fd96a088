//! The `env-read-outside` rule kind: environment variables read anywhere
//! but the module that owns them.

use serde::Deserialize;

use crate::facts::env;
use crate::facts::identifiers::NameGlob;
use crate::lang::{Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags reads of environment variables whose names match a glob, in
    /// every file but the allowed ones. Reads are `process.env.NAME`,
    /// `process.env["NAME"]`, `import.meta.env.NAME` and `const { NAME } =
    /// process.env` in TypeScript/JavaScript; `os.environ["NAME"]`,
    /// `os.environ.get("NAME")` and `os.getenv("NAME")` in Python (also
    /// through `from os import environ, getenv`); `std::env::var("NAME")`,
    /// `var_os`, `env!` and `option_env!` in Rust. A name built at run time
    /// (`process.env[key]`) is not a read of a known name and is not
    /// flagged.
    ///
    /// ## Why is this bad?
    /// A secret or setting read all over the code base escapes the one
    /// module that validates it, gives it a default and documents it; the
    /// next rename or rotation misses a reader.
    ///
    /// ## Example
    /// ```ts
    /// // apps/web/src/checkout.ts
    /// const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// import { config } from '@acme/config';
    /// const stripe = new Stripe(config.stripe.secretKey);
    /// ```
    ///
    /// ## Options
    /// - `names`: globs over variable names (`STRIPE_*`); `*` matches any
    ///   run of characters, matching is case-sensitive.
    /// - `allow`: gitignore-style globs over the project paths that may read
    ///   them (the config module). The rule's `exclude` scope does the same.
    pub struct EnvReadOutside;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "names",
        description: "Globs over the environment variable names (`STRIPE_*`).",
    },
    OptionDoc {
        name: "allow",
        description: "Gitignore-style globs over the project paths allowed to read them.",
    },
];

impl Kind for EnvReadOutside {
    fn id(&self) -> &'static str {
        "env-read-outside"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python, Family::Rust]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        if options.names.is_empty() {
            return Err(OptionError::new(
                "names",
                "list at least one variable name glob",
            ));
        }
        let allow = crate::scope::Scope::build(
            Some(&toml::Value::Array(
                options
                    .allow
                    .iter()
                    .map(|a| toml::Value::from(a.as_str()))
                    .collect(),
            )),
            None,
            None,
            None,
        )
        .map_err(|e| OptionError::new("allow", e))?;
        Ok(Box::new(EnvReadCheck {
            names: options.names.iter().map(|n| NameGlob::new(n)).collect(),
            allow: (!options.allow.is_empty()).then_some(allow),
        }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    names: Vec<String>,
    #[serde(default)]
    allow: Vec<String>,
}

struct EnvReadCheck {
    names: Vec<NameGlob>,
    /// Paths allowed to read (a scope that admits them).
    allow: Option<crate::scope::Scope>,
}

impl Check for EnvReadCheck {
    fn literals(&self) -> Vec<String> {
        vec!["env".to_string()]
    }

    fn required_literals(&self) -> Vec<Vec<String>> {
        let literals: Vec<String> = self
            .names
            .iter()
            .map(|g| g.longest_literal().to_string())
            .collect();
        if literals.iter().any(|l| l.len() < 3) {
            return Vec::new();
        }
        vec![literals]
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        if self.allow.as_ref().is_some_and(|a| a.admits(file.path())) {
            return;
        }
        for read in env::reads(file) {
            if self.names.iter().any(|g| g.is_match(&read.name)) {
                out.report(Report::at(read.span).var("name", read.name));
            }
        }
    }
}

#[cfg(test)]
mod tests;

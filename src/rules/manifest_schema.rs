//! The `manifest-schema` rule kind: integration manifests (`*.manifest.ts`
//! exporting `manifest`) read statically and checked against the
//! platform's schema. The manifest is read by [`crate::facts::manifests`];
//! this file decides.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;

use crate::facts::identifiers::{is_kebab_slug, kebab_slug};
use crate::facts::manifests::{self, Items, Literal, Manifest, ManifestFiles, Object, Value};
use crate::finding::Fix;
use crate::lang::{Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Reads the object a manifest file exports as `manifest` (files
    /// matching `files`, by default `*.manifest.ts` and `*.manifest.tsx`)
    /// without running it, and checks it against the integration schema:
    ///
    /// - `id` is present, a string, a lower-kebab slug (`google-drive`), and
    ///   unique across every manifest of the project;
    /// - `name` and `description` are present, non-empty strings;
    /// - `category` is one of `categories`;
    /// - `auth` is an object whose `type` is one of `auth_types`; its
    ///   `authorizeUrl` and `tokenUrl` (also `authorizationUrl`, `authUrl`,
    ///   `accessTokenUrl`, in `auth` or an object nested in it) are
    ///   `https://` URLs, and every `…EnvVar` key (`clientIdEnvVar`,
    ///   `clientSecretEnvVar`, `apiKeyEnvVar`) names an environment
    ///   variable in SCREAMING_SNAKE case: never a literal secret (which is
    ///   masked in every output and never printed), never `process.env.X`
    ///   or `'${X}'` (the value or a reference instead of the name);
    /// - `capabilities` is an array of values from `capabilities`;
    /// - `handler` defines every method of `handler_methods`, plus those
    ///   `capability_methods` requires for the capabilities the manifest
    ///   declares (`fetchDelta` for `sync`).
    ///
    /// Recognised exports: `export const manifest = {…}` (typed, `as const`,
    /// `satisfies …`), `export { local as manifest }`, `export default {…}`,
    /// and any of these wrapped in a call such as `defineManifest({…})`.
    /// Same-file constants are followed (`handler: slackHandler`,
    /// `auth: oauthConfig`, shorthand `handler,`, `...baseManifest`), as are
    /// same-file handler classes (`new SlackHandler()`, including methods a
    /// same-file base class defines).
    ///
    /// Each problem is one finding labelled on the offending value; the
    /// fields a manifest lacks make one finding on its name, and the
    /// methods its handler lacks one finding on the handler.
    ///
    /// What cannot be read is never guessed: a value imported from another
    /// module, built by a call, or spread in from an import is unknown, so
    /// the fields it might supply are not reported missing and its members
    /// are not checked. Template URLs are checked only when they spell an
    /// `http://` prefix. Files under test, fixture, example and template
    /// folders are skipped, and so is an exported object with none of
    /// `category`, `auth`, `capabilities` and `handler` unless its type or
    /// wrapper names a manifest or integration (it is some other kind of
    /// manifest).
    ///
    /// ## Why is this bad?
    /// The platform loads manifests at runtime: a malformed one fails the
    /// `verify` script at best, and at worst ships an integration that
    /// cannot connect, lands in the wrong catalogue section, never syncs
    /// incrementally, or talks OAuth over plain HTTP. A duplicated `id`
    /// makes one integration silently shadow another. A client secret
    /// pasted where an environment variable name belongs is a leaked
    /// credential in the repository.
    ///
    /// ## Example
    /// ```ts
    /// export const manifest = {
    ///   id: 'Slack_Bot',
    ///   name: 'Slack',
    ///   category: 'Chat',
    ///   auth: {
    ///     type: 'oauth2',
    ///     authorizeUrl: 'http://slack.com/oauth/v2/authorize',
    ///     tokenUrl: 'https://slack.com/api/oauth.v2.access',
    ///     clientIdEnvVar: 'SLACK_CLIENT_ID',
    ///     clientSecretEnvVar: '8f14e45fceea167a5a36dedd4bea2543',
    ///   },
    ///   capabilities: ['sync'],
    ///   handler: { testConnection, fetchFull },
    /// };
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// export const manifest = {
    ///   id: 'slack',
    ///   name: 'Slack',
    ///   description: 'Channels and messages from Slack workspaces',
    ///   category: 'Communication',
    ///   auth: {
    ///     type: 'oauth2',
    ///     authorizeUrl: 'https://slack.com/oauth/v2/authorize',
    ///     tokenUrl: 'https://slack.com/api/oauth.v2.access',
    ///     clientIdEnvVar: 'SLACK_CLIENT_ID',
    ///     clientSecretEnvVar: 'SLACK_CLIENT_SECRET',
    ///   },
    ///   capabilities: ['sync'],
    ///   handler: { testConnection, fetchFull, fetchDelta },
    /// } satisfies IntegrationManifest;
    /// ```
    ///
    /// ## Options
    /// - `files`: globs over project paths of manifest files (default
    ///   `["**/*.manifest.ts", "**/*.manifest.tsx"]`).
    /// - `categories`: the allowed `category` values, exact strings.
    /// - `auth_types`: the allowed `auth.type` values.
    /// - `capabilities`: the allowed `capabilities` entries.
    /// - `handler_methods`: methods every `handler` must define (default
    ///   `["testConnection", "fetchFull"]`).
    /// - `capability_methods`: a table from a capability to the methods it
    ///   requires of the handler (default `{ sync = ["fetchDelta"] }`).
    pub struct ManifestSchema;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "files",
        description: "globs over the project paths of manifest files",
    },
    OptionDoc {
        name: "categories",
        description: "allowed `category` values (exact strings)",
    },
    OptionDoc {
        name: "auth_types",
        description: "allowed `auth.type` values",
    },
    OptionDoc {
        name: "capabilities",
        description: "allowed entries of `capabilities`",
    },
    OptionDoc {
        name: "handler_methods",
        description: "methods every `handler` must define",
    },
    OptionDoc {
        name: "capability_methods",
        description: "capability → methods the handler must define when the manifest declares it",
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default = "manifests::default_files")]
    files: Vec<String>,
    #[serde(default = "data::default_categories")]
    categories: Vec<String>,
    #[serde(default = "data::default_auth_types")]
    auth_types: Vec<String>,
    #[serde(default = "data::default_capabilities")]
    capabilities: Vec<String>,
    #[serde(default = "data::default_handler_methods")]
    handler_methods: Vec<String>,
    #[serde(default = "data::default_capability_methods")]
    capability_methods: BTreeMap<String, Vec<String>>,
}

impl Kind for ManifestSchema {
    fn id(&self) -> &'static str {
        "manifest-schema"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        let files = ManifestFiles::new("files", &options.files)?;
        let values = |option: &str, list: &[String], what: &str| {
            if list.is_empty() {
                return Err(OptionError::new(
                    option,
                    format!("list at least one allowed {what}"),
                ));
            }
            if list.iter().any(|v| v.trim().is_empty()) {
                return Err(OptionError::new(
                    option,
                    format!("an allowed {what} cannot be empty"),
                ));
            }
            Ok(list.to_vec())
        };
        let categories = values("categories", &options.categories, "category")?;
        let auth_types = values("auth_types", &options.auth_types, "auth type")?;
        let capabilities = values("capabilities", &options.capabilities, "capability")?;
        for method in &options.handler_methods {
            check_method_name("handler_methods", method)?;
        }
        for (capability, methods) in &options.capability_methods {
            if !capabilities.contains(capability) {
                return Err(OptionError::new(
                    "capability_methods",
                    format!("`{capability}` is not one of the allowed `capabilities`"),
                ));
            }
            for method in methods {
                check_method_name("capability_methods", method)?;
            }
        }
        Ok(Box::new(ManifestSchemaCheck {
            files,
            categories,
            auth_types,
            capabilities,
            handler_methods: options.handler_methods,
            capability_methods: options.capability_methods,
        }))
    }
}

fn check_method_name(option: &str, name: &str) -> Result<(), OptionError> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    if valid {
        Ok(())
    } else {
        Err(OptionError::new(
            option,
            format!("`{name}` is not a method name"),
        ))
    }
}

struct ManifestSchemaCheck {
    files: ManifestFiles,
    categories: Vec<String>,
    auth_types: Vec<String>,
    capabilities: Vec<String>,
    handler_methods: Vec<String>,
    capability_methods: BTreeMap<String, Vec<String>>,
}

impl Check for ManifestSchemaCheck {
    fn literals(&self) -> Vec<String> {
        // Path triggers select the files; the literal only keeps the rule
        // from running on every file of the language.
        vec!["manifest".to_string()]
    }

    fn path_triggers(&self) -> Vec<String> {
        self.files.globs()
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        if !self.files.is_manifest(file.path()) {
            return;
        }
        let Some(manifest) = manifests::read(file) else {
            return;
        };
        let Some(object) = manifest.object.as_ref() else {
            return;
        };
        if !manifest.is_integration {
            return;
        }
        let mut problems = Vec::new();
        Validation {
            rule: self,
            manifest: &manifest,
            object,
            who: manifest_who(&manifest),
            problems: &mut problems,
            missing: Vec::new(),
        }
        .run(out);
        for problem in problems {
            out.report(problem.into_report());
        }
    }
}

/// One finding's worth: message sentence, help sentence, label.
struct Problem {
    span: Range<usize>,
    problem: String,
    hint: String,
    label: String,
    secondary: Vec<(Range<usize>, String)>,
    redact: Option<Range<usize>>,
    fix: Option<Fix>,
    elsewhere: Option<String>,
}

impl Problem {
    fn new(
        span: Range<usize>,
        problem: impl Into<String>,
        label: impl Into<String>,
        hint: impl Into<String>,
    ) -> Problem {
        Problem {
            span,
            problem: problem.into(),
            hint: hint.into(),
            label: label.into(),
            secondary: Vec::new(),
            redact: None,
            fix: None,
            elsewhere: None,
        }
    }

    fn secondary(mut self, span: Range<usize>, text: impl Into<String>) -> Problem {
        self.secondary.push((span, text.into()));
        self
    }

    fn into_report(self) -> Report {
        let mut report = Report::at(self.span)
            .var("problem", self.problem)
            .var("hint", self.hint)
            .label(self.label);
        for (span, text) in self.secondary {
            report = report.secondary(span, text);
        }
        if let Some(span) = self.redact {
            report = report.redact(span);
        }
        if let Some(fix) = self.fix {
            report = report.fix(fix);
        }
        if let Some(fact) = self.elsewhere {
            report = report.requires_elsewhere(fact);
        }
        report
    }
}

/// The project fact a manifest records for its `id`.
fn id_fact(id: &str) -> String {
    format!("manifest-id:{id}")
}

/// "manifest `slack`" when the id is a readable string, else "manifest".
fn manifest_who(manifest: &Manifest) -> String {
    match manifest.id() {
        Some(id) => format!("manifest `{id}`"),
        None => "manifest".to_string(),
    }
}

struct Validation<'r> {
    rule: &'r ManifestSchemaCheck,
    manifest: &'r Manifest,
    object: &'r Object,
    who: String,
    problems: &'r mut Vec<Problem>,
    /// Fields the manifest lacks, with what each should hold.
    missing: Vec<(String, String)>,
}

impl<'r> Validation<'r> {
    fn run(mut self, out: &mut Reporter<'_>) {
        self.id(out);
        self.text_field("name", "the name shown in the integration catalogue");
        self.text_field("description", "one sentence on what the integration does");
        self.category();
        self.auth();
        let capabilities = self.capabilities();
        self.handler(capabilities.as_deref());
        self.report_missing();
    }

    /// The property's value; a key the fully known object lacks is noted
    /// for the one "missing fields" finding. `None` also when the value
    /// cannot be read.
    fn required(&mut self, key: &str, hint: &str) -> Option<&'r Value> {
        let object = self.object;
        match object.get(key) {
            Some(prop) => prop.value.as_ref(),
            None => {
                if !self.object.open {
                    self.missing.push((key.to_string(), hint.to_string()));
                }
                None
            }
        }
    }

    /// Missing fields share the manifest's name as their span, so they
    /// make one finding.
    fn report_missing(&mut self) {
        let keys: Vec<String> = self.missing.iter().map(|(k, _)| format!("`{k}`")).collect();
        let Some(list) = join_list(&keys, "and") else {
            return;
        };
        let hint = match self.missing.as_slice() {
            [(key, hint)] => format!("add `{key}`: {hint}"),
            all => format!(
                "add the missing fields: {}",
                all.iter()
                    .map(|(k, h)| format!("`{k}` ({h})"))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        };
        self.problems.push(Problem::new(
            self.manifest.anchor.clone(),
            format!("{} is missing {list}", self.who),
            format!("no {}", join_list(&keys, "or").unwrap_or_default()),
            hint,
        ));
    }

    fn id(&mut self, out: &mut Reporter<'_>) {
        let Some(value) = self.required("id", "a unique lower-kebab slug such as `google-drive`")
        else {
            return;
        };
        match &value.literal {
            Literal::Str(s) if s.fixed => {
                if s.value.trim().is_empty() {
                    self.problems.push(Problem::new(
                        value.span.clone(),
                        "manifest has an empty `id`",
                        "empty id",
                        "set `id` to a unique lower-kebab slug such as `google-drive`",
                    ));
                    return;
                }
                if !is_kebab_slug(&s.value) {
                    let suggestion = kebab_slug(&s.value);
                    let hint = if suggestion.is_empty() {
                        "use a lower-kebab slug: lowercase letters and digits joined by single hyphens".to_string()
                    } else {
                        format!("use a lower-kebab slug: lowercase letters and digits joined by single hyphens, such as `{suggestion}`")
                    };
                    self.problems.push(Problem::new(
                        value.span.clone(),
                        format!("manifest id `{}` is not a lower-kebab slug", s.value),
                        "not a lower-kebab slug",
                        hint,
                    ));
                }
                let fact = id_fact(&s.value);
                out.fact(fact.clone());
                let mut duplicate = Problem::new(
                    value.span.clone(),
                    format!("manifest id `{}` is also used by another manifest", s.value),
                    "duplicate id",
                    "give every manifest its own `id`: the registry keys integrations by it, so one shadows the other",
                );
                duplicate.elsewhere = Some(fact);
                self.problems.push(duplicate);
            }
            Literal::Other(what) => self.problems.push(Problem::new(
                value.span.clone(),
                format!("manifest `id` must be a string, not {what}"),
                format!("{what}, not a string"),
                "set `id` to a unique lower-kebab slug such as `google-drive`",
            )),
            _ => {}
        }
    }

    fn text_field(&mut self, key: &str, hint: &str) {
        let Some(value) = self.required(key, &format!("a non-empty string, {hint}")) else {
            return;
        };
        match &value.literal {
            Literal::Str(s) if s.fixed && s.value.trim().is_empty() => {
                self.problems.push(Problem::new(
                    value.span.clone(),
                    format!("{} has an empty `{key}`", self.who),
                    format!("empty `{key}`"),
                    format!("set `{key}` to {hint}"),
                ))
            }
            Literal::Other(what) => self.problems.push(Problem::new(
                value.span.clone(),
                format!("`{key}` of {} must be a string, not {what}", self.who),
                format!("{what}, not a string"),
                format!("set `{key}` to {hint}"),
            )),
            _ => {}
        }
    }

    fn category(&mut self) {
        let allowed = self.rule.categories.join(", ");
        let hint = format!("use one of the allowed categories: {allowed}");
        let Some(value) = self.required("category", &format!("one of {allowed}")) else {
            return;
        };
        match &value.literal {
            Literal::Str(s) if s.fixed && !self.rule.categories.contains(&s.value) => {
                self.problems.push(Problem::new(
                    value.span.clone(),
                    format!(
                        "{} has category `{}`, which is not an allowed category",
                        self.who, s.value
                    ),
                    "not an allowed category",
                    hint,
                ));
            }
            Literal::Other(what) => self.problems.push(Problem::new(
                value.span.clone(),
                format!("`category` of {} must be a string, not {what}", self.who),
                format!("{what}, not a category"),
                hint,
            )),
            _ => {}
        }
    }

    /// The declared capabilities: `Some` when every entry is readable.
    fn capabilities(&mut self) -> Option<Vec<Declared>> {
        let allowed = self.rule.capabilities.join(", ");
        let hint = format!("capabilities may only be: {allowed}");
        let value = self.required("capabilities", &format!("an array of {allowed}"))?;
        let elements = match &value.items {
            Items::Array(elements) => elements,
            Items::NotArray(literal) => {
                if let Literal::Str(_) | Literal::Other(_) = literal {
                    self.problems.push(Problem::new(
                        value.span.clone(),
                        format!("`capabilities` of {} must be an array", self.who),
                        "not an array",
                        hint,
                    ));
                }
                return None;
            }
            Items::Unknown => return None,
        };
        let mut declared = Some(Vec::new());
        for element in elements {
            match &element.literal {
                Literal::Str(s) if s.fixed => {
                    if !self.rule.capabilities.contains(&s.value) {
                        self.problems.push(Problem::new(
                            element.span.clone(),
                            format!(
                                "{} has capability `{}`, which is not an allowed capability",
                                self.who, s.value
                            ),
                            "not an allowed capability",
                            hint.clone(),
                        ));
                    }
                    if let Some(d) = declared.as_mut() {
                        d.push((s.value.clone(), element.span.clone()));
                    }
                }
                Literal::Other(what) => {
                    self.problems.push(Problem::new(
                        element.span.clone(),
                        format!("a capability of {} is {what}, not a string", self.who),
                        "not a capability",
                        hint.clone(),
                    ));
                }
                _ => declared = None,
            }
        }
        declared
    }

    fn handler(&mut self, capabilities: Option<&[Declared]>) {
        let rule = self.rule;
        let methods = rule.handler_methods.join("`, `");
        let Some(value) = self.required(
            "handler",
            &format!("an object or class instance defining `{methods}`"),
        ) else {
            return;
        };
        let Some(handler) = value.members.as_ref() else {
            return;
        };
        if handler.open {
            return;
        }
        let mut required: Vec<(&str, Option<&Declared>)> = rule
            .handler_methods
            .iter()
            .map(|m| (m.as_str(), None))
            .collect();
        for capability in capabilities.unwrap_or_default() {
            if let Some(methods) = rule.capability_methods.get(&capability.0) {
                for method in methods {
                    if !required.iter().any(|(m, _)| *m == method.as_str()) {
                        required.push((method.as_str(), Some(capability)));
                    }
                }
            }
        }
        let missing: Vec<(&str, Option<&Declared>)> = required
            .into_iter()
            .filter(|(method, _)| !handler.names.iter().any(|n| n == method))
            .collect();
        if missing.is_empty() {
            return;
        }
        // Missing methods share the handler's span, so they make one finding.
        let quoted = |methods: Vec<&str>| -> Vec<String> {
            methods.into_iter().map(|m| format!("`{m}`")).collect()
        };
        let always = quoted(
            missing
                .iter()
                .filter(|(_, c)| c.is_none())
                .map(|(m, _)| *m)
                .collect(),
        );
        let by_capability = quoted(
            missing
                .iter()
                .filter(|(_, c)| c.is_some())
                .map(|(m, _)| *m)
                .collect(),
        );
        let mut capabilities: Vec<String> = Vec::new();
        for (_, capability) in &missing {
            if let Some((name, _)) = capability {
                let name = format!("`{name}`");
                if !capabilities.contains(&name) {
                    capabilities.push(name);
                }
            }
        }
        let capability_clause = join_list(&capabilities, "and").map(|c| {
            let noun = if capabilities.len() == 1 {
                "capability"
            } else {
                "capabilities"
            };
            format!("the {c} {noun}")
        });
        let problem = match (join_list(&always, "and"), join_list(&by_capability, "and")) {
            (Some(always), None) => format!("handler of {} does not define {always}", self.who),
            (None, Some(needed)) => format!(
                "handler of {} does not define {needed}, required by {}",
                self.who,
                capability_clause.clone().unwrap_or_default()
            ),
            (Some(always), Some(needed)) => format!(
                "handler of {} does not define {always}, nor {needed}, required by {}",
                self.who,
                capability_clause.clone().unwrap_or_default()
            ),
            (None, None) => return,
        };
        let all = quoted(missing.iter().map(|(m, _)| *m).collect());
        let all_list = join_list(&all, "and").unwrap_or_default();
        let hint = match &capability_clause {
            None => format!(
                "define {all_list} on the handler: the platform calls {} on every integration",
                if all.len() == 1 { "it" } else { "them" }
            ),
            Some(clause) => {
                format!("define {all_list} on the handler, or drop {clause} from the manifest")
            }
        };
        // An inline object spans many lines: label its key instead.
        let span = match (value.inline_object, self.object.get("handler")) {
            (true, Some(prop)) => prop.key.clone(),
            _ => value.span.clone(),
        };
        let mut problem = Problem::new(
            span,
            problem,
            format!("no {}", join_list(&all, "or").unwrap_or_default()),
            hint,
        );
        for (method, capability) in &missing {
            if let Some((name, span)) = capability {
                problem = problem.secondary(span.clone(), format!("`{name}` requires `{method}`"));
            }
        }
        if let Some(definition) = handler.defined_at.clone() {
            if definition.start > value.span.end || definition.end < value.span.start {
                problem = problem.secondary(definition, "handler defined here");
            }
        }
        self.problems.push(problem);
    }
}

/// A capability the manifest declares, with the span of its entry.
type Declared = (String, Range<usize>);

/// `a`, `a and b`, `a, b and c`.
fn join_list(items: &[String], conjunction: &str) -> Option<String> {
    match items {
        [] => None,
        [one] => Some(one.clone()),
        [init @ .., last] => Some(format!("{} {conjunction} {last}", init.join(", "))),
    }
}

mod auth;
mod data;

#[cfg(test)]
mod tests;

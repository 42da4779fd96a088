//! The `manifest-schema` rule kind: integration manifests (`*.manifest.ts`
//! exporting `manifest`) read statically and checked against the
//! platform's schema. The manifest is read by [`crate::facts::manifests`];
//! this file decides.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;

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

fn default_categories() -> Vec<String> {
    [
        "Cloud",
        "Identity & Access",
        "HR & People",
        "Development",
        "Communication",
        "Monitoring",
        "Infrastructure",
        "Security",
        "Productivity",
    ]
    .map(String::from)
    .to_vec()
}

fn default_auth_types() -> Vec<String> {
    ["oauth2", "api_key", "basic", "jwt", "custom"]
        .map(String::from)
        .to_vec()
}

fn default_capabilities() -> Vec<String> {
    ["sync", "webhook", "realtime", "write"]
        .map(String::from)
        .to_vec()
}

fn default_handler_methods() -> Vec<String> {
    ["testConnection", "fetchFull"].map(String::from).to_vec()
}

fn default_capability_methods() -> BTreeMap<String, Vec<String>> {
    BTreeMap::from([("sync".to_string(), vec!["fetchDelta".to_string()])])
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default = "manifests::default_files")]
    files: Vec<String>,
    #[serde(default = "default_categories")]
    categories: Vec<String>,
    #[serde(default = "default_auth_types")]
    auth_types: Vec<String>,
    #[serde(default = "default_capabilities")]
    capabilities: Vec<String>,
    #[serde(default = "default_handler_methods")]
    handler_methods: Vec<String>,
    #[serde(default = "default_capability_methods")]
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

    fn auth(&mut self) {
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
            if URL_KEYS.contains(&prop.name.as_str()) {
                self.endpoint_url(&prop.name, value);
            } else if prop.name.ends_with("EnvVar") {
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

/// Keys whose value is an OAuth endpoint that must be `https://`.
const URL_KEYS: &[&str] = &[
    "authorizeUrl",
    "authorizationUrl",
    "authUrl",
    "tokenUrl",
    "accessTokenUrl",
];

/// `^[a-z0-9]+(-[a-z0-9]+)*$`
pub(super) fn is_kebab_slug(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A lower-kebab form of an id: `Slack_Bot` and `slackBot` both become
/// `slack-bot`.
fn kebab_slug(id: &str) -> String {
    let mut out = String::new();
    let mut prev: Option<char> = None;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            let boundary = c.is_ascii_uppercase()
                && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            if boundary || (prev.is_none() && !out.is_empty()) {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            prev = Some(c);
        } else if !out.is_empty() {
            prev = None;
        }
    }
    out
}

/// `^[A-Z][A-Z0-9_]*$`
fn is_screaming_snake(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Whether a non-SCREAMING value still reads as a variable name written in
/// another case (`slack_client_id`, `slackClientSecret`), so printing it
/// leaks nothing. Anything else may be a credential and is never printed.
fn looks_like_name(value: &str) -> bool {
    if value.len() > 64
        || !value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
    {
        return false;
    }
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return false;
    }
    // Words split at `_` and lower→upper steps: each is letters, then
    // optionally digits, and no longer than a word gets.
    let mut words: Vec<String> = Vec::new();
    let mut prev: Option<char> = None;
    for c in value.chars() {
        let boundary =
            c == '_' || (c.is_ascii_uppercase() && prev.is_some_and(|p| p.is_ascii_lowercase()));
        if boundary || words.is_empty() {
            words.push(String::new());
        }
        if c != '_' {
            words.last_mut().expect("pushed").push(c);
        }
        prev = Some(c);
    }
    let word_ok = |w: &String| {
        let letters = w.trim_end_matches(|c: char| c.is_ascii_digit());
        !letters.is_empty()
            && letters.len() <= 14
            && letters.chars().all(|c| c.is_ascii_alphabetic())
            && w.len() - letters.len() <= 2
            && (letters.chars().skip(1).all(|c| c.is_ascii_lowercase())
                || letters.chars().all(|c| c.is_ascii_uppercase()))
    };
    words.iter().filter(|w| !w.is_empty()).all(word_ok) && (words.len() > 1 || value.len() <= 14)
}

/// The variable a shell or code reference names: `$X`, `${X}`,
/// `process.env.X`, `import.meta.env.X`.
fn env_reference(value: &str) -> Option<&str> {
    let name = if let Some(braced) = value.strip_prefix("${") {
        braced.strip_suffix('}')?
    } else if let Some(bare) = value.strip_prefix('$') {
        bare
    } else {
        value
            .strip_prefix("process.env.")
            .or_else(|| value.strip_prefix("import.meta.env."))?
    };
    is_screaming_snake(name).then_some(name)
}

/// `SLACK_CLIENT_SECRET` for `clientSecretEnvVar` of manifest `slack`.
fn example_env_var(id: Option<String>, key: &str) -> String {
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

#[cfg(test)]
mod tests;

//! The `manifest-schema` rule kind: integration manifests (`*.manifest.ts`
//! exporting `manifest`) read statically and checked against the
//! platform's schema. Also owns the static manifest reader that
//! `manifest-registration` shares.

use crate::lang::tree::NodeExt;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use globset::GlobSet;
use serde::Deserialize;
use tree_sitter::Node;

use crate::config::build_globset;
use crate::finding::Fix;
use crate::lang::tree::{named_children, text, StrLit, SUBSTITUTION};
use crate::lang::typescript as ts;
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

/// Manifest files when the rule names none: RULES.md's `*.manifest.ts(x)`.
pub(super) fn default_files() -> Vec<String> {
    vec![
        "**/*.manifest.ts".to_string(),
        "**/*.manifest.tsx".to_string(),
    ]
}

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
    #[serde(default = "default_files")]
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

/// Which files are manifests: the `files` globs, minus tests, fixtures,
/// examples and scaffolding templates (deliberately partial manifests).
pub(super) struct ManifestFiles {
    globs: Vec<String>,
    set: GlobSet,
}

impl ManifestFiles {
    pub(super) fn new(option: &str, globs: &[String]) -> Result<ManifestFiles, OptionError> {
        if globs.is_empty() {
            return Err(OptionError::new(option, "list at least one glob"));
        }
        let set = build_globset(globs.iter().map(String::as_str))
            .map_err(|e| OptionError::new(option, format!("invalid glob: {e}")))?;
        Ok(ManifestFiles {
            globs: globs.to_vec(),
            set,
        })
    }

    pub(super) fn globs(&self) -> Vec<String> {
        self.globs.clone()
    }

    pub(super) fn is_manifest(&self, path: &str) -> bool {
        self.set.is_match(path) && !is_sample_path(path)
    }
}

/// Tests, mocks, fixtures, examples and scaffolding templates hold partial
/// or deliberately broken manifests.
fn is_sample_path(path: &str) -> bool {
    crate::roles::is_test_path(path)
        || path.split('/').rev().skip(1).any(|segment| {
            matches!(
                segment,
                "fixtures"
                    | "__fixtures__"
                    | "examples"
                    | "example"
                    | "templates"
                    | "template"
                    | "__templates__"
            )
        })
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
        let Some(tree) = file.tree() else { return };
        let scope = Scope::of(tree.root_node(), file.text());
        let Some(manifest) = find_manifest(&scope, tree.root_node()) else {
            return;
        };
        let Some(object) = manifest.object.as_ref() else {
            return;
        };
        if !manifest.is_integration() {
            return;
        }
        let mut problems = Vec::new();
        Validation {
            rule: self,
            scope: &scope,
            manifest: &manifest,
            object,
            who: manifest_who(&scope, object),
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
fn manifest_who(scope: &Scope<'_>, object: &Obj<'_>) -> String {
    match manifest_id(scope, object) {
        Some(id) => format!("manifest `{id}`"),
        None => "manifest".to_string(),
    }
}

/// The manifest's `id` when it is a fixed, non-empty string.
pub(super) fn manifest_id(scope: &Scope<'_>, object: &Obj<'_>) -> Option<String> {
    let value = object.get("id")?.expr()?;
    match scope.literal(value) {
        Lit::Str(s) if s.is_static() && !s.value.trim().is_empty() => Some(s.value),
        _ => None,
    }
}

struct Validation<'r, 'a> {
    rule: &'r ManifestSchemaCheck,
    scope: &'r Scope<'a>,
    manifest: &'r ManifestDecl<'a>,
    object: &'r Obj<'a>,
    who: String,
    problems: &'r mut Vec<Problem>,
    /// Fields the manifest lacks, with what each should hold.
    missing: Vec<(String, String)>,
}

impl<'a> Validation<'_, 'a> {
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
    fn required(&mut self, key: &str, hint: &str) -> Option<Node<'a>> {
        match self.object.get(key) {
            Some(prop) => prop.expr(),
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
        match self.scope.literal(value) {
            Lit::Str(s) if s.is_static() => {
                if s.value.trim().is_empty() {
                    self.problems.push(Problem::new(
                        value.byte_range(),
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
                        value.byte_range(),
                        format!("manifest id `{}` is not a lower-kebab slug", s.value),
                        "not a lower-kebab slug",
                        hint,
                    ));
                }
                let fact = id_fact(&s.value);
                out.fact(fact.clone());
                let mut duplicate = Problem::new(
                    value.byte_range(),
                    format!("manifest id `{}` is also used by another manifest", s.value),
                    "duplicate id",
                    "give every manifest its own `id`: the registry keys integrations by it, so one shadows the other",
                );
                duplicate.elsewhere = Some(fact);
                self.problems.push(duplicate);
            }
            Lit::Other(what) => self.problems.push(Problem::new(
                value.byte_range(),
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
        match self.scope.literal(value) {
            Lit::Str(s) if s.is_static() && s.value.trim().is_empty() => {
                self.problems.push(Problem::new(
                    value.byte_range(),
                    format!("{} has an empty `{key}`", self.who),
                    format!("empty `{key}`"),
                    format!("set `{key}` to {hint}"),
                ))
            }
            Lit::Other(what) => self.problems.push(Problem::new(
                value.byte_range(),
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
        match self.scope.literal(value) {
            Lit::Str(s) if s.is_static() && !self.rule.categories.contains(&s.value) => {
                self.problems.push(Problem::new(
                    value.byte_range(),
                    format!(
                        "{} has category `{}`, which is not an allowed category",
                        self.who, s.value
                    ),
                    "not an allowed category",
                    hint,
                ));
            }
            Lit::Other(what) => self.problems.push(Problem::new(
                value.byte_range(),
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
        let auth = match self.scope.object(value) {
            Some(auth) => auth,
            None => {
                if let Lit::Str(_) | Lit::Other(_) = self.scope.literal(value) {
                    self.problems.push(Problem::new(
                        value.byte_range(),
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
            .map_or(value.byte_range(), |p| p.key.byte_range());
        match auth.get("type") {
            None if !auth.open => self.problems.push(Problem::new(
                auth_key,
                format!("`auth` of {} has no `type`", self.who),
                "no `type`",
                hint.clone(),
            )),
            Some(prop) => {
                if let Some(ty) = prop.expr() {
                    match self.scope.literal(ty) {
                        Lit::Str(s)
                            if s.is_static() && !self.rule.auth_types.contains(&s.value) =>
                        {
                            self.problems.push(Problem::new(
                                ty.byte_range(),
                                format!(
                                    "{} has auth type `{}`, which is not an allowed auth type",
                                    self.who, s.value
                                ),
                                "not an allowed auth type",
                                hint.clone(),
                            ))
                        }
                        Lit::Other(what) => self.problems.push(Problem::new(
                            ty.byte_range(),
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
        self.auth_fields(&auth, 0);
    }

    /// Endpoint URLs and env-var names in the auth object and the objects
    /// nested in it (`auth: { oauth2: { tokenUrl } }`).
    fn auth_fields(&mut self, auth: &Obj<'a>, depth: usize) {
        for prop in auth.props() {
            let Some(value) = prop.expr() else { continue };
            if URL_KEYS.contains(&prop.name.as_str()) {
                self.endpoint_url(&prop.name, value);
            } else if prop.name.ends_with("EnvVar") {
                self.env_var_name(&prop.name, value);
            } else if depth == 0 {
                if let Some(nested) = self.scope.object(value) {
                    self.auth_fields(&nested, depth + 1);
                }
            }
        }
    }

    fn endpoint_url(&mut self, key: &str, value: Node<'a>) {
        let Lit::Str(s) = self.scope.literal(value) else {
            return;
        };
        let head = s.value.split(SUBSTITUTION).next().unwrap_or_default();
        let lower = head.to_ascii_lowercase();
        let not_https = if s.is_static() {
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

    fn env_var_name(&mut self, key: &str, value: Node<'a>) {
        let hint = format!(
            "set `{key}` to the name of the environment variable (e.g. `{}`) and keep the value in the environment",
            example_env_var(self.manifest_id_hint(), key)
        );
        if let Some((name, _)) = env_read(value, self.scope.src) {
            let mut problem = Problem::new(
                value.byte_range(),
                format!(
                    "`{key}` of {} reads the variable's value instead of naming it",
                    self.who
                ),
                format!("the value of `{name}`, not its name"),
                format!("write the variable's name as a string, `'{name}'`: the platform reads the value itself"),
            );
            problem.fix = Some(Fix {
                description: format!("name the variable: '{name}'"),
                span: value.byte_range(),
                replacement: format!("'{name}'"),
            });
            self.problems.push(problem);
            return;
        }
        match self.scope.literal(value) {
            Lit::Str(s) if s.is_static() => {
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
            Lit::Other(what) => {
                let mut problem = Problem::new(
                    value.byte_range(),
                    format!(
                        "`{key}` of {} is {what}: it must name an environment variable, never hold a secret",
                        self.who
                    ),
                    "literal value where an env var name belongs",
                    hint,
                );
                problem.redact = Some(value.byte_range());
                self.problems.push(problem);
            }
            _ => {}
        }
    }

    fn manifest_id_hint(&self) -> Option<String> {
        manifest_id(self.scope, self.object)
    }

    /// The declared capabilities: `Some` when every entry is readable.
    fn capabilities(&mut self) -> Option<Vec<Declared>> {
        let allowed = self.rule.capabilities.join(", ");
        let hint = format!("capabilities may only be: {allowed}");
        let value = self.required("capabilities", &format!("an array of {allowed}"))?;
        let array = self.scope.follow(value).and_then(Target::expr)?;
        if array.kind_str() != "array" {
            if let Lit::Str(_) | Lit::Other(_) = self.scope.literal(array) {
                self.problems.push(Problem::new(
                    value.byte_range(),
                    format!("`capabilities` of {} must be an array", self.who),
                    "not an array",
                    hint,
                ));
            }
            return None;
        }
        let mut declared = Some(Vec::new());
        for element in named_children(array) {
            if element.kind_str() == "comment" {
                continue;
            }
            match self.scope.literal(element) {
                Lit::Str(s) if s.is_static() => {
                    if !self.rule.capabilities.contains(&s.value) {
                        self.problems.push(Problem::new(
                            element.byte_range(),
                            format!(
                                "{} has capability `{}`, which is not an allowed capability",
                                self.who, s.value
                            ),
                            "not an allowed capability",
                            hint.clone(),
                        ));
                    }
                    if let Some(d) = declared.as_mut() {
                        d.push((s.value, element.byte_range()));
                    }
                }
                Lit::Other(what) => {
                    self.problems.push(Problem::new(
                        element.byte_range(),
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
        let Some(handler) = self.scope.members(value) else {
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
        let span = match (
            ts::unwrap_expression(value).kind_str(),
            self.object.get("handler"),
        ) {
            ("object", Some(prop)) => prop.key.byte_range(),
            _ => value.byte_range(),
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
            if definition.start > value.end_byte() || definition.end < value.start_byte() {
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

/// `process.env.X`, `process.env['X']`, `import.meta.env.X`: the variable
/// read, with the node naming it.
fn env_read<'a>(node: Node<'a>, src: &str) -> Option<(String, Node<'a>)> {
    let node = ts::unwrap_expression(node);
    let (object, name) = match node.kind_str() {
        "member_expression" => {
            let property = node.field("property")?;
            (
                node.field("object")?,
                (text(property, src).to_string(), property),
            )
        }
        "subscript_expression" => {
            let index = node.field("index")?;
            let lit = ts::string_literal(index, src).filter(StrLit::is_static)?;
            (node.field("object")?, (lit.value, index))
        }
        _ => return None,
    };
    let object = text(object, src).replace(char::is_whitespace, "");
    matches!(object.as_str(), "process.env" | "import.meta.env").then_some(name)
}

// ---------------------------------------------------------------------------
// The static reader: same-file bindings, object literals, literals.
// ---------------------------------------------------------------------------

/// A top-level binding of the file.
#[derive(Clone, Copy)]
enum Binding<'a> {
    /// `const name = value`, with the declarator's name and type.
    Const {
        name: Node<'a>,
        value: Node<'a>,
        ty: Option<Node<'a>>,
    },
    Class(Node<'a>),
    /// `let`, functions, imports, enums: nothing to read.
    Opaque,
}

/// What the file's top level binds, for following same-file names.
pub(super) struct Scope<'a> {
    pub(super) src: &'a str,
    bindings: HashMap<&'a str, Binding<'a>>,
}

/// Following names stops here: cycles and absurd chains are unknown.
const MAX_DEPTH: usize = 12;

/// Where a value leads once names and wrappers are seen through.
#[derive(Clone, Copy)]
pub(super) enum Target<'a> {
    Expr(Node<'a>),
    Class(Node<'a>),
}

impl<'a> Target<'a> {
    fn expr(self) -> Option<Node<'a>> {
        match self {
            Target::Expr(n) => Some(n),
            Target::Class(_) => None,
        }
    }
}

/// A value read as a literal.
pub(super) enum Lit {
    Str(StrLit),
    /// A literal of another type: "a number", "an array", …
    Other(&'static str),
    Unknown,
}

impl<'a> Scope<'a> {
    pub(super) fn of(root: Node<'a>, src: &'a str) -> Scope<'a> {
        let mut bindings = HashMap::new();
        for statement in named_children(root) {
            let declaration = if statement.kind_str() == "export_statement" {
                match statement.field("declaration") {
                    Some(d) => d,
                    None => continue,
                }
            } else {
                statement
            };
            match declaration.kind_str() {
                "lexical_declaration" | "variable_declaration" => {
                    let is_const = declaration
                        .field("kind")
                        .is_some_and(|k| text(k, src) == "const");
                    for declarator in named_children(declaration) {
                        if declarator.kind_str() != "variable_declarator" {
                            continue;
                        }
                        let Some(name) = declarator
                            .field("name")
                            .filter(|n| n.kind_str() == "identifier")
                        else {
                            continue;
                        };
                        let binding = match (is_const, declarator.field("value")) {
                            (true, Some(value)) => Binding::Const {
                                name,
                                value,
                                ty: declarator.field("type"),
                            },
                            _ => Binding::Opaque,
                        };
                        bindings.insert(text(name, src), binding);
                    }
                }
                "class_declaration" | "abstract_class_declaration" => {
                    if let Some(name) = declaration.field("name") {
                        bindings.insert(text(name, src), Binding::Class(declaration));
                    }
                }
                "function_declaration" | "generator_function_declaration" | "enum_declaration" => {
                    if let Some(name) = declaration.field("name") {
                        bindings.insert(text(name, src), Binding::Opaque);
                    }
                }
                _ => {}
            }
        }
        Scope { src, bindings }
    }

    fn binding(&self, name: &str) -> Option<Binding<'a>> {
        self.bindings.get(name).copied()
    }

    /// Sees through parentheses, `as`/`satisfies`/`!` and same-file
    /// `const` names. `None` when a name leads out of the file.
    pub(super) fn follow(&self, node: Node<'a>) -> Option<Target<'a>> {
        let mut node = node;
        for _ in 0..MAX_DEPTH {
            node = ts::unwrap_expression(node);
            match node.kind_str() {
                "identifier" | "shorthand_property_identifier" => {
                    let name = text(node, self.src);
                    match self.binding(name)? {
                        Binding::Const { value, .. } => node = value,
                        Binding::Class(class) => return Some(Target::Class(class)),
                        Binding::Opaque => return None,
                    }
                }
                _ => return Some(Target::Expr(node)),
            }
        }
        None
    }

    /// A value as a literal, following same-file constants.
    pub(super) fn literal(&self, node: Node<'a>) -> Lit {
        let unwrapped = ts::unwrap_expression(node);
        if unwrapped.kind_str() == "identifier" && text(unwrapped, self.src) == "undefined" {
            return Lit::Other("undefined");
        }
        let Some(target) = self.follow(node) else {
            return Lit::Unknown;
        };
        let node = match target {
            Target::Expr(n) => n,
            Target::Class(_) => return Lit::Other("a class"),
        };
        match node.kind_str() {
            "string" | "template_string" | "binary_expression" => {
                ts::fold_string(node, self.src).map_or(Lit::Unknown, Lit::Str)
            }
            "number" => Lit::Other("a number"),
            "true" | "false" => Lit::Other("a boolean"),
            "null" => Lit::Other("null"),
            "undefined" => Lit::Other("undefined"),
            "object" => Lit::Other("an object"),
            "array" => Lit::Other("an array"),
            "arrow_function" | "function_expression" | "function" => Lit::Other("a function"),
            "class" => Lit::Other("a class"),
            _ => Lit::Unknown,
        }
    }

    /// The object literal a value is, read with its spreads.
    pub(super) fn object(&self, node: Node<'a>) -> Option<Obj<'a>> {
        self.object_at(node, 0)
    }

    fn object_at(&self, node: Node<'a>, depth: usize) -> Option<Obj<'a>> {
        let node = self.follow(node)?.expr()?;
        (node.kind_str() == "object").then(|| self.read_object(node, depth))
    }

    fn read_object(&self, node: Node<'a>, depth: usize) -> Obj<'a> {
        let mut object = Obj {
            props: Vec::new(),
            open: false,
        };
        for child in named_children(node) {
            match child.kind_str() {
                "pair" => {
                    let (Some(key), Some(value)) = (child.field("key"), child.field("value"))
                    else {
                        continue;
                    };
                    match key_name(key, self.src) {
                        Some(name) => object.set(name, key, PropValue::Expr(value)),
                        None => object.overridden(),
                    }
                }
                "shorthand_property_identifier" => {
                    object.set(
                        text(child, self.src).to_string(),
                        child,
                        PropValue::Expr(child),
                    );
                }
                "method_definition" => {
                    if let Some(key) = child.field("name") {
                        match key_name(key, self.src) {
                            Some(name) => object.set(name, key, PropValue::Method),
                            None => object.overridden(),
                        }
                    }
                }
                "spread_element" => {
                    let spread = child
                        .named_child(0)
                        .filter(|_| depth < MAX_DEPTH)
                        .and_then(|inner| self.object_at(inner, depth + 1));
                    match spread {
                        Some(inner) => {
                            if inner.open {
                                object.overridden();
                            }
                            for prop in inner.props {
                                object.set(prop.name, prop.key, prop.value);
                            }
                        }
                        None => object.overridden(),
                    }
                }
                _ => {}
            }
        }
        object
    }

    /// The members a handler value defines: an object literal, an instance
    /// of a same-file class (`new SlackHandler()`), or the class itself.
    /// `None` when the value cannot be read.
    pub(super) fn members(&self, node: Node<'a>) -> Option<Members> {
        let target = self.follow(node)?;
        let (node, defined_at) = match target {
            Target::Class(class) => (class, class.field("name")),
            Target::Expr(expr) => match expr.kind_str() {
                "object" => {
                    let object = self.read_object(expr, 0);
                    return Some(Members {
                        names: object.props.into_iter().map(|p| p.name).collect(),
                        open: object.open,
                        defined_at: self.binding_name(node).map(|n| n.byte_range()),
                    });
                }
                "new_expression" => {
                    let constructor = expr.field("constructor")?;
                    match self.follow(constructor)? {
                        Target::Class(class) => (class, class.field("name")),
                        Target::Expr(e) if e.kind_str() == "class" => (e, None),
                        Target::Expr(_) => return None,
                    }
                }
                "class" => (expr, None),
                _ => return None,
            },
        };
        let mut members = Members {
            names: Vec::new(),
            open: false,
            defined_at: defined_at.map(|n| n.byte_range()),
        };
        self.class_members(node, &mut members, 0);
        Some(members)
    }

    /// The declarator name a same-file name resolves through first
    /// (`handler: slackHandler` → `const slackHandler`).
    fn binding_name(&self, node: Node<'a>) -> Option<Node<'a>> {
        let node = ts::unwrap_expression(node);
        if !matches!(
            node.kind_str(),
            "identifier" | "shorthand_property_identifier"
        ) {
            return None;
        }
        match self.binding(text(node, self.src))? {
            Binding::Const { name, .. } => Some(name),
            _ => None,
        }
    }

    fn class_members(&self, class: Node<'a>, members: &mut Members, depth: usize) {
        for part in named_children(class) {
            if part.kind_str() != "class_heritage" {
                continue;
            }
            for clause in named_children(part) {
                if clause.kind_str() != "extends_clause" {
                    continue;
                }
                let base = clause
                    .field("value")
                    .filter(|_| depth < MAX_DEPTH)
                    .and_then(|v| self.follow(v));
                match base {
                    Some(Target::Class(base)) => self.class_members(base, members, depth + 1),
                    Some(Target::Expr(e)) if e.kind_str() == "class" => {
                        self.class_members(e, members, depth + 1)
                    }
                    _ => members.open = true,
                }
            }
        }
        let Some(body) = class.field("body") else {
            return;
        };
        for member in named_children(body) {
            match member.kind_str() {
                "method_definition" => {
                    if let Some(name) = member.field("name").and_then(|k| key_name(k, self.src)) {
                        if name == "constructor" {
                            parameter_properties(member, self.src, members);
                        }
                        members.names.push(name);
                    }
                }
                "method_signature" | "abstract_method_signature" | "public_field_definition" => {
                    match member.field("name").and_then(|k| key_name(k, self.src)) {
                        Some(name) => members.names.push(name),
                        None => members.open = true,
                    }
                }
                _ => {}
            }
        }
        // `this.fetchFull = …` in the constructor or elsewhere.
        crate::lang::tree::walk(body, |node| {
            if node.kind_str() == "assignment_expression" {
                let property = node
                    .field("left")
                    .filter(|l| {
                        l.kind_str() == "member_expression"
                            && l.field("object").is_some_and(|o| o.kind_str() == "this")
                    })
                    .and_then(|l| l.field("property"));
                if let Some(property) = property {
                    members.names.push(text(property, self.src).to_string());
                }
            }
            true
        });
    }
}

/// `constructor(private readonly fetchFull: Fetch)` declares a member.
fn parameter_properties(constructor: Node<'_>, src: &str, members: &mut Members) {
    let Some(parameters) = constructor.field("parameters") else {
        return;
    };
    for parameter in named_children(parameters) {
        let mut cursor = parameter.walk();
        let is_property = parameter.children(&mut cursor).any(|c| {
            matches!(
                c.kind_str(),
                "accessibility_modifier" | "override_modifier" | "readonly"
            )
        });
        let pattern = parameter
            .field("pattern")
            .filter(|p| p.kind_str() == "identifier");
        if let (true, Some(pattern)) = (is_property, pattern) {
            members.names.push(text(pattern, src).to_string());
        }
    }
}

/// A property key's name: identifiers, strings, numbers, static computed
/// keys. `None` for a computed key that could be anything.
fn key_name(key: Node<'_>, src: &str) -> Option<String> {
    match ts::property_key(key, src) {
        Some(name) => Some(name.into_owned()),
        None => ts::computed_key_string(key, src)
            .filter(StrLit::is_static)
            .map(|s| s.value),
    }
}

/// Members a handler defines.
pub(super) struct Members {
    names: Vec<String>,
    /// Some member may come from somewhere unreadable.
    open: bool,
    /// The handler's own name (class or const), for a secondary label.
    defined_at: Option<Range<usize>>,
}

/// An object literal's properties as the object ends up with them: later
/// keys override earlier ones, resolved spreads contribute theirs.
pub(super) struct Obj<'a> {
    props: Vec<Prop<'a>>,
    /// An unreadable spread or computed key may add any property.
    pub(super) open: bool,
}

pub(super) struct Prop<'a> {
    pub(super) name: String,
    pub(super) key: Node<'a>,
    value: PropValue<'a>,
}

#[derive(Clone, Copy)]
enum PropValue<'a> {
    Expr(Node<'a>),
    /// `name() {…}`: present, a function.
    Method,
    /// Present, but an unreadable spread after it may have replaced it.
    Overridden,
}

impl<'a> Prop<'a> {
    /// The value's expression, when it is known.
    pub(super) fn expr(&self) -> Option<Node<'a>> {
        match self.value {
            PropValue::Expr(n) => Some(n),
            PropValue::Method | PropValue::Overridden => None,
        }
    }
}

impl<'a> Obj<'a> {
    pub(super) fn get(&self, name: &str) -> Option<&Prop<'a>> {
        self.props.iter().find(|p| p.name == name)
    }

    pub(super) fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn props(&self) -> impl Iterator<Item = &Prop<'a>> {
        self.props.iter()
    }

    fn set(&mut self, name: String, key: Node<'a>, value: PropValue<'a>) {
        self.props.retain(|p| p.name != name);
        self.props.push(Prop { name, key, value });
    }

    /// Something unreadable comes next: every earlier value may be replaced.
    fn overridden(&mut self) {
        self.open = true;
        for prop in &mut self.props {
            prop.value = PropValue::Overridden;
        }
    }
}

/// How a file exports its manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ExportName {
    /// `export const manifest`, `export { x as manifest }`.
    Named,
    /// `export default …`.
    Default,
}

/// The manifest a file exports, read as far as possible.
pub(super) struct ManifestDecl<'a> {
    /// Where findings about the manifest as a whole are labelled: the
    /// declaration's name, or `export default`.
    pub(super) anchor: Range<usize>,
    pub(super) export: ExportName,
    /// `None` when the exported value is not an object this file spells.
    pub(super) object: Option<Obj<'a>>,
    /// Types and wrapper calls around the object (`satisfies
    /// IntegrationManifest`, `defineManifest(…)`).
    wrappers: String,
}

/// Keys only an integration manifest has; an exported `manifest` object
/// with none of them is some other kind of manifest.
const MARKER_KEYS: &[&str] = &["category", "auth", "capabilities", "handler"];

impl ManifestDecl<'_> {
    /// Whether the exported object is an integration manifest.
    pub(super) fn is_integration(&self) -> bool {
        let Some(object) = &self.object else {
            return self.export == ExportName::Named;
        };
        let wrappers = self.wrappers.to_ascii_lowercase();
        object.open
            || MARKER_KEYS.iter().any(|k| object.has(k))
            || wrappers.contains("manifest")
            || wrappers.contains("integration")
    }
}

/// Finds the exported manifest: the named export `manifest`, else a
/// default export.
pub(super) fn find_manifest<'a>(scope: &Scope<'a>, root: Node<'a>) -> Option<ManifestDecl<'a>> {
    let src = scope.src;
    let mut default = None;
    for statement in named_children(root) {
        if statement.kind_str() != "export_statement" || statement.field("source").is_some() {
            continue;
        }
        if let Some(declaration) = statement.field("declaration") {
            if !matches!(
                declaration.kind_str(),
                "lexical_declaration" | "variable_declaration"
            ) {
                continue;
            }
            for declarator in named_children(declaration) {
                let name = declarator.field("name");
                if name.is_some_and(|n| text(n, src) == "manifest") {
                    let name = name.expect("checked");
                    let value = declarator.field("value");
                    let ty = declarator.field("type");
                    return Some(read_manifest(
                        scope,
                        name.byte_range(),
                        ExportName::Named,
                        value,
                        ty,
                    ));
                }
            }
            continue;
        }
        let clause = named_children(statement)
            .into_iter()
            .find(|c| c.kind_str() == "export_clause");
        if let Some(clause) = clause {
            for specifier in named_children(clause) {
                let Some(local) = specifier.field("name") else {
                    continue;
                };
                let exported = specifier.field("alias").unwrap_or(local);
                if text(exported, src) != "manifest" {
                    continue;
                }
                return Some(match scope.binding(text(local, src)) {
                    Some(Binding::Const { name, value, ty }) => {
                        read_manifest(scope, name.byte_range(), ExportName::Named, Some(value), ty)
                    }
                    _ => read_manifest(scope, exported.byte_range(), ExportName::Named, None, None),
                });
            }
            continue;
        }
        if let Some(value) = statement.field("value") {
            let unwrapped = ts::unwrap_expression(value);
            let local = (unwrapped.kind_str() == "identifier")
                .then(|| scope.binding(text(unwrapped, src)))
                .flatten();
            let anchor = match local {
                Some(Binding::Const { name, .. }) => name.byte_range(),
                _ => statement.start_byte()..value.start_byte(),
            };
            let anchor = trim_span(src, anchor);
            default = Some(read_manifest(
                scope,
                anchor,
                ExportName::Default,
                Some(value),
                None,
            ));
        }
    }
    default
}

fn trim_span(src: &str, span: Range<usize>) -> Range<usize> {
    let piece = src.get(span.clone()).unwrap_or_default();
    let start = span.start + (piece.len() - piece.trim_start().len());
    start..span.start + piece.trim_end().len()
}

/// Reads the exported value down to its object literal, through same-file
/// names, type wrappers and one wrapper call (`defineManifest({…})`).
fn read_manifest<'a>(
    scope: &Scope<'a>,
    anchor: Range<usize>,
    export: ExportName,
    value: Option<Node<'a>>,
    ty: Option<Node<'a>>,
) -> ManifestDecl<'a> {
    let src = scope.src;
    let mut wrappers = ty.map(|t| text(t, src).to_string()).unwrap_or_default();
    let mut object = None;
    let mut current = value;
    let mut extra_arguments = false;
    for _ in 0..MAX_DEPTH {
        let Some(node) = current else { break };
        let unwrapped = ts::unwrap_expression(node);
        // The text around the inner value: types, `as const`, the callee.
        let outer = text(node, src);
        let inner = unwrapped.byte_range();
        wrappers.push(' ');
        wrappers.push_str(crate::source::slice(
            outer,
            ..inner.start - node.start_byte(),
        ));
        wrappers.push(' ');
        wrappers.push_str(crate::source::slice(outer, inner.end - node.start_byte()..));
        match unwrapped.kind_str() {
            "object" => {
                object = Some(scope.read_object(unwrapped, 0));
                break;
            }
            "identifier" => match scope.binding(text(unwrapped, src)) {
                Some(Binding::Const { value, ty, .. }) => {
                    if let Some(ty) = ty {
                        wrappers.push(' ');
                        wrappers.push_str(text(ty, src));
                    }
                    current = Some(value);
                }
                _ => break,
            },
            "call_expression" => {
                let Some(call) = ts::call(unwrapped) else {
                    break;
                };
                wrappers.push(' ');
                wrappers.push_str(text(call.name, src));
                extra_arguments = call.args.len() > 1;
                current = call
                    .args
                    .first()
                    .copied()
                    .filter(|a| ts::unwrap_expression(*a).kind_str() == "object");
            }
            _ => break,
        }
    }
    if let (Some(object), true) = (object.as_mut(), extra_arguments) {
        object.open = true;
    }
    ManifestDecl {
        anchor,
        export,
        object,
        wrappers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(files: &[(&str, &str)]) -> Vec<String> {
        crate::rules::lint_with_only("manifest-invalid", files)
            .iter()
            .map(|f| {
                let text = &f.source.text[f.span.clone()];
                format!("{}: {} [{}]", f.path(), f.message, text)
            })
            .collect()
    }

    fn one(text: &str) -> Vec<String> {
        findings(&[("src/integrations/x/x.manifest.ts", text)])
            .into_iter()
            .map(|f| f.split_once(": ").unwrap().1.to_string())
            .collect()
    }

    const HANDLER: &str =
        "handler: { async testConnection() {}, fetchFull: async () => [], fetchDelta() {} },";

    fn valid(extra: &str) -> String {
        format!(
            "export const manifest = {{ id: 'slack', name: 'Slack', description: 'Messages', \
             category: 'Communication', auth: {{ type: 'api_key' }}, capabilities: ['sync'], \
             {HANDLER} {extra} }};"
        )
    }

    #[test]
    fn a_valid_manifest_is_silent() {
        assert!(one(&valid("")).is_empty());
    }

    #[test]
    fn slugs() {
        assert!(is_kebab_slug("google-drive"));
        assert!(is_kebab_slug("s3"));
        assert!(!is_kebab_slug("Google-Drive"));
        assert!(!is_kebab_slug("google--drive"));
        assert!(!is_kebab_slug("google_drive"));
        assert!(!is_kebab_slug("-drive"));
        assert!(!is_kebab_slug(""));
        assert_eq!(kebab_slug("Slack_Bot"), "slack-bot");
        assert_eq!(kebab_slug("slackBot"), "slack-bot");
        assert_eq!(kebab_slug("Google Drive!"), "google-drive");
        assert_eq!(kebab_slug("AWS S3"), "aws-s3");
    }

    #[test]
    fn env_var_names_and_secrets() {
        assert!(is_screaming_snake("SLACK_CLIENT_ID"));
        assert!(is_screaming_snake("S3_KEY_2"));
        assert!(!is_screaming_snake("slack_client_id"));
        assert!(!is_screaming_snake("_SLACK"));
        assert!(looks_like_name("slack_client_id"));
        assert!(looks_like_name("slackClientSecret"));
        assert!(looks_like_name("Slack_Client_Id"));
        assert!(looks_like_name("clientSecret"));
        assert!(!looks_like_name("8f14e45fceea167a5a36dedd4bea2543"));
        assert!(!looks_like_name("sk_live_4eC39HqLyjWDarjtT1zdp7dc"));
        assert!(!looks_like_name("Iv1.8a61f9b3a7aba766"));
        assert!(!looks_like_name("abcdEFGhijkLMNop"));
        assert!(!looks_like_name("xoxb-123-456"));
        assert!(!looks_like_name("GOCSPX-abcDEF123"));
        assert!(!looks_like_name("a1b2c3d4e5f6"));
        assert_eq!(
            example_env_var(Some("google-drive".into()), "clientSecretEnvVar"),
            "GOOGLE_DRIVE_CLIENT_SECRET"
        );
        assert_eq!(example_env_var(None, "clientIdEnvVar"), "CLIENT_ID");
        assert_eq!(env_reference("${SLACK_ID}"), Some("SLACK_ID"));
        assert_eq!(env_reference("$SLACK_ID"), Some("SLACK_ID"));
        assert_eq!(env_reference("process.env.SLACK_ID"), Some("SLACK_ID"));
        assert_eq!(env_reference("$slack"), None);
        assert_eq!(env_reference("SLACK_ID"), None);
    }

    #[test]
    fn every_field_problem_is_its_own_finding() {
        let got = one(
            "export const manifest = { id: 'Slack_Bot', name: '', category: 'Chat', \
             auth: { type: 'oauth' }, capabilities: ['sync', 'polling', 3], handler: { testConnection() {} } };",
        );
        assert_eq!(
            got,
            vec![
                "manifest `Slack_Bot` is missing `description` [manifest]",
                "manifest id `Slack_Bot` is not a lower-kebab slug ['Slack_Bot']",
                "manifest `Slack_Bot` has an empty `name` ['']",
                "manifest `Slack_Bot` has category `Chat`, which is not an allowed category ['Chat']",
                "manifest `Slack_Bot` has auth type `oauth`, which is not an allowed auth type ['oauth']",
                "manifest `Slack_Bot` has capability `polling`, which is not an allowed capability ['polling']",
                "a capability of manifest `Slack_Bot` is a number, not a string [3]",
                "handler of manifest `Slack_Bot` does not define `fetchFull`, nor `fetchDelta`, required by the `sync` capability [handler]",
            ]
        );
    }

    #[test]
    fn missing_fields_are_labelled_on_the_declaration() {
        let got = one("export const manifest: IntegrationManifest = { id: 'x' };");
        assert_eq!(
            got,
            vec!["manifest `x` is missing `name`, `description`, `category`, `auth`, `capabilities` and `handler` [manifest]"]
        );
    }

    #[test]
    fn fetch_delta_is_required_by_sync_only() {
        let src = "class SlackHandler { async testConnection() {} fetchFull = async () => [] }\n\
                   export const manifest = { id: 'slack', name: 'S', description: 'd', category: 'Cloud', \
                   auth: { type: 'basic' }, capabilities: CAPS, handler: new SlackHandler() };\n\
                   const CAPS = ['sync', 'write'] as const;";
        assert_eq!(
            one(src),
            vec!["handler of manifest `slack` does not define `fetchDelta`, required by the `sync` capability [new SlackHandler()]"]
        );
        let webhook = src.replace("'sync', ", "");
        assert!(one(&webhook).is_empty());
        let bare = src.replace("async testConnection() {} fetchFull = async () => []", "");
        assert_eq!(
            one(&bare),
            vec!["handler of manifest `slack` does not define `testConnection` and `fetchFull`, nor `fetchDelta`, required by the `sync` capability [new SlackHandler()]"]
        );
    }

    #[test]
    fn same_file_names_spreads_and_classes_are_followed() {
        let src = "const base = { name: 'S', description: 'd', category: 'Cloud', capabilities: ['sync'] };\n\
                   const auth = { type: 'jwt' } as const;\n\
                   class Base { testConnection() {} }\n\
                   class Handler extends Base { constructor(private readonly fetchDelta: F) { super(); this.fetchFull = () => []; } }\n\
                   const handler = new Handler();\n\
                   const slackManifest = { ...base, id: 'slack', auth, handler } satisfies IntegrationManifest;\n\
                   export { slackManifest as manifest };";
        assert!(one(src).is_empty());
        let broken = src.replace("category: 'Cloud'", "category: 'cloud'");
        assert_eq!(
            one(&broken),
            vec![
                "manifest `slack` has category `cloud`, which is not an allowed category ['cloud']"
            ]
        );
    }

    #[test]
    fn unreadable_values_are_never_guessed() {
        let src = "import { base, handler } from './base';\n\
                   import { Category } from '../types';\n\
                   export const manifest = defineManifest({ ...base, id: ID, category: Category.Cloud, \
                   handler, capabilities: getCaps(), auth: { type: AUTH } });";
        assert!(one(src).is_empty());
        let imported_class = "import { BaseHandler } from './base';\n\
                   class H extends BaseHandler { testConnection() {} }\n\
                   export const manifest = { id: 'a', name: 'A', description: 'd', category: 'Cloud', \
                   auth: { type: 'custom' }, capabilities: ['sync'], handler: new H() };";
        assert!(one(imported_class).is_empty());
    }

    #[test]
    fn a_spread_after_a_key_may_replace_it() {
        let src = "import { overrides } from './o';\n\
                   export const manifest = { category: 'Chat', ...overrides };";
        assert!(one(src).is_empty());
    }

    #[test]
    fn oauth2_urls_and_env_vars() {
        let auth = "auth: { type: 'oauth2', authorizeUrl: 'http://a.example/authorize', \
                    tokenUrl: `https://${HOST}/token`, refreshUrl: 'http://x', \
                    clientIdEnvVar: 'slack_client_id', clientSecretEnvVar: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', \
                    apiKeyEnvVar: process.env.SLACK_KEY },";
        let got = one(&valid(auth));
        assert_eq!(
            got,
            vec![
                "`authorizeUrl` of manifest `slack` is not an https URL ['http://a.example/authorize']",
                "`clientIdEnvVar` of manifest `slack` is `slack_client_id`, not a SCREAMING_SNAKE environment variable name ['slack_client_id']",
                // The secret is masked in every excerpt.
                "`clientSecretEnvVar` of manifest `slack` holds a literal value: it must name an environment variable, never hold a secret [**********************************]",
                "`apiKeyEnvVar` of manifest `slack` reads the variable's value instead of naming it [process.env.SLACK_KEY]",
            ]
        );
        let fixed = crate::rules::lint_with_only(
            "manifest-invalid",
            &[(
                "a.manifest.ts",
                &valid("auth: { type: 'oauth2', clientIdEnvVar: process.env['SLACK_ID'] },"),
            )],
        );
        assert_eq!(fixed.len(), 1);
        assert_eq!(fixed[0].fix.as_ref().unwrap().replacement, "'SLACK_ID'");
        let http_template = one(&valid(
            "auth: { type: 'oauth2', tokenUrl: `http://${HOST}/token` },",
        ));
        assert_eq!(http_template.len(), 1);
    }

    #[test]
    fn duplicate_ids_across_files() {
        let a = valid("");
        let b = valid("").replace("name: 'Slack'", "name: 'Slack 2'");
        let got = findings(&[
            ("src/integrations/a/a.manifest.ts", &a),
            ("src/integrations/b/b.manifest.ts", &b),
            (
                "src/integrations/c/c.manifest.ts",
                &a.replace("'slack'", "'github'"),
            ),
        ]);
        assert_eq!(
            got,
            vec![
                "src/integrations/a/a.manifest.ts: manifest id `slack` is also used by another manifest ['slack']",
                "src/integrations/b/b.manifest.ts: manifest id `slack` is also used by another manifest ['slack']",
            ]
        );
    }

    #[test]
    fn only_integration_manifests_in_manifest_files() {
        // Not a manifest file.
        assert!(findings(&[(
            "src/config.ts",
            "export const manifest = { category: 'Chat' };"
        )])
        .is_empty());
        // Tests and templates hold partial manifests on purpose.
        assert!(findings(&[(
            "src/integrations/__tests__/bad.manifest.ts",
            "export const manifest = { category: 'Chat' };"
        )])
        .is_empty());
        assert!(findings(&[(
            "templates/integration/name.manifest.ts",
            "export const manifest = { id: '__ID__', category: 'Chat' };"
        )])
        .is_empty());
        // Some other kind of manifest.
        assert!(
            one("export const manifest = { name: 'web', version: '1.0.0', permissions: [] };")
                .is_empty()
        );
        // Typed as one: it is.
        assert_eq!(
            one("export const manifest: IntegrationManifest = { id: 'a', name: 'A', description: 'd' };"),
            vec!["manifest `a` is missing `category`, `auth`, `capabilities` and `handler` [manifest]"]
        );
        // A default export.
        assert_eq!(
            one("export default { id: 'a', name: 'A', description: 'd', category: 'Chat', auth: { type: 'basic' }, capabilities: [], handler: { testConnection() {}, fetchFull() {} } };"),
            vec!["manifest `a` has category `Chat`, which is not an allowed category ['Chat']"]
        );
        // A re-export reads nothing here.
        assert!(one("export { manifest } from './base';").is_empty());
    }

    #[test]
    fn options_are_validated() {
        let compile = |text: &str| ManifestSchema.compile(&toml::from_str(text).unwrap());
        assert!(compile("").is_ok());
        let option = |text: &str| compile(text).err().unwrap().option;
        assert_eq!(option("files = []").as_deref(), Some("files"));
        assert_eq!(option("files = ['a/{']").as_deref(), Some("files"));
        assert_eq!(option("categories = []").as_deref(), Some("categories"));
        assert_eq!(option("auth_types = ['']").as_deref(), Some("auth_types"));
        assert_eq!(
            option("handler_methods = ['fetch full']").as_deref(),
            Some("handler_methods")
        );
        assert_eq!(
            option("capability_methods = { poll = ['fetchDelta'] }").as_deref(),
            Some("capability_methods")
        );
    }
}

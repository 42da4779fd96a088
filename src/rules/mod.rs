//! Rule kinds (Rust code), rule instances (TOML data) and the reporter that
//! stamps a rule's metadata on every finding.
#![cfg_attr(not(test), deny(clippy::string_slice))]

mod cached_factory_result;
mod env_read_outside;
mod forbidden_call_in_scope;
mod forbidden_column_read;
mod forbidden_column_write;
mod forbidden_definition;
mod forbidden_dependency;
mod forbidden_host;
mod forbidden_route;
mod forbidden_table;
mod handler_must_call;
mod hardcoded_secret;
mod manifest_registration;
mod manifest_schema;
pub mod meta;
mod missing_required_call;
mod oauth_url_construction;
mod plaintext_column;
mod required_member;
mod sensitive_log_argument;
mod stub_body;
mod tree_sitter_query;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use crate::finding::{Condition, Finding, Fix, Item, ItemList, Label, Severity};
use crate::lang::{Family, ParsedFile};

pub use meta::{builtin_catalogue, builtin_rules, RuleMeta, BUILTIN_RULE_FILES};

/// Captures a kind's `///` documentation as a `&'static str` so that
/// `plumbline explain` and SARIF print the very text written above the type.
macro_rules! declare_kind {
    ($(#[doc = $doc:expr])* pub struct $name:ident;) => {
        $(#[doc = $doc])*
        pub struct $name;
        impl $name {
            pub const DOCS: &'static str = concat!($($doc, "\n"),*);
        }
    };
}
pub(crate) use declare_kind;

/// Every rule kind, one line each. A test fails when a file in `src/rules/`
/// is missing here.
pub const KINDS: &[&dyn Kind] = &[
    &forbidden_table::ForbiddenTable,
    &forbidden_column_write::ForbiddenColumnWrite,
    &forbidden_column_read::ForbiddenColumnRead,
    &forbidden_call_in_scope::ForbiddenCallInScope,
    &forbidden_definition::ForbiddenDefinition,
    &forbidden_dependency::ForbiddenDependency,
    &forbidden_host::ForbiddenHost,
    &forbidden_route::ForbiddenRoute,
    &oauth_url_construction::OauthUrlConstruction,
    &required_member::RequiredMember,
    &stub_body::StubBody,
    &tree_sitter_query::TreeSitterQuery,
    &manifest_schema::ManifestSchema,
    &manifest_registration::ManifestRegistration,
    &sensitive_log_argument::SensitiveLogArgument,
    &cached_factory_result::CachedFactoryResult,
    &plaintext_column::PlaintextColumn,
    &missing_required_call::MissingRequiredCall,
    &hardcoded_secret::HardcodedSecret,
    &env_read_outside::EnvReadOutside,
    &handler_must_call::HandlerMustCall,
];

pub fn kind(id: &str) -> Option<&'static dyn Kind> {
    KINDS.iter().copied().find(|k| k.id() == id)
}

/// One documented option of a kind.
pub struct OptionDoc {
    pub name: &'static str,
    pub description: &'static str,
}

/// A rule kind: code that checks one shape of problem, configured by the
/// options of a rule instance.
pub trait Kind: Sync {
    /// Kebab-case id, equal to the file stem with `-` for `_`.
    fn id(&self) -> &'static str;
    /// The `///` documentation of the kind (see [`declare_kind`]).
    fn docs(&self) -> &'static str;
    /// Language families the kind can read.
    fn families(&self) -> &'static [Family];
    fn options(&self) -> &'static [OptionDoc];
    /// Validates the options once and returns a ready-to-run check.
    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError>;
}

/// A compiled rule: what may trigger it and how to check a file.
pub trait Check: Send + Sync {
    /// Literals (matched ASCII case-insensitively) at least one of which a
    /// file must contain for this check to possibly fire.
    fn literals(&self) -> Vec<String>;
    /// Further literal groups the file must also match, one literal of each
    /// group (an AND of ORs with [`Check::literals`]), to keep common words
    /// from sending every file to the parser. Path triggers bypass them.
    fn required_literals(&self) -> Vec<Vec<String>> {
        Vec::new()
    }
    /// Globs on the project path that make a file need this check even
    /// without a literal.
    fn path_triggers(&self) -> Vec<String> {
        Vec::new()
    }
    /// Whether [`Check::literals`] match only as written, case included
    /// (identifiers such as an interface name), rather than ignoring ASCII
    /// case.
    fn literals_match_case(&self) -> bool {
        false
    }
    /// Where this check's literals must meet, beyond occurring in the file
    /// ([`crate::prefilter::Near`]): checked by the prefilter only where
    /// every literal group matched, and not for path triggers.
    fn near(&self) -> Option<crate::prefilter::Near> {
        None
    }
    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>);
    /// Whether this check's findings ask where routers are mounted across
    /// files: then the engine reads each file's mounts as it lints it, so
    /// the project model need not read the file again.
    fn asks_mounts(&self) -> bool {
        false
    }
}

/// A bad option value, named so the config error can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub option: Option<String>,
    pub message: String,
    /// Byte offset inside the option's string value where the problem is
    /// (a tree-sitter query's syntax error), for a precise label.
    pub offset: Option<usize>,
}

impl OptionError {
    pub fn new(option: &str, message: impl Into<String>) -> Self {
        OptionError {
            option: Some(option.to_string()),
            message: message.into(),
            offset: None,
        }
    }

    pub fn at_offset(mut self, offset: usize) -> Self {
        self.offset = Some(offset);
        self
    }
}

/// Deserializes a kind's option struct, turning serde's message into an
/// [`OptionError`] that names the field when it can.
pub fn parse_options<T: serde::de::DeserializeOwned>(
    options: &toml::Table,
) -> Result<T, OptionError> {
    T::deserialize(toml::Value::Table(options.clone())).map_err(|e| {
        let message = e.message().to_string();
        let option = options
            .keys()
            .find(|k| message.contains(&format!("`{k}`")))
            .cloned();
        OptionError {
            option,
            message,
            offset: None,
        }
    })
}

/// What a check reports: a span plus the variables its instance's message
/// template names; the engine adds the rest.
#[derive(Default)]
pub struct Report {
    span: Range<usize>,
    vars: Vec<(&'static str, String)>,
    label: Option<String>,
    labels: Vec<Label>,
    fix: Option<Fix>,
    conditions: Vec<Condition>,
    redact: Vec<Range<usize>>,
    /// The variable a list of items fills, and the items.
    items: Option<(&'static str, Vec<Item>)>,
}

impl Report {
    pub fn at(span: Range<usize>) -> Report {
        Report {
            span,
            ..Report::default()
        }
    }

    /// A value for `{name}` in the rule's message and help templates.
    pub fn var(mut self, name: &'static str, value: impl Into<String>) -> Report {
        self.vars.push((name, value.into()));
        self
    }

    /// Text of the primary label (defaults to the rendered message).
    pub fn label(mut self, text: impl Into<String>) -> Report {
        self.label = Some(text.into());
        self
    }

    pub fn secondary(mut self, span: Range<usize>, text: impl Into<String>) -> Report {
        self.labels.push(Label {
            span,
            message: text.into(),
        });
        self
    }

    pub fn fix(mut self, fix: Fix) -> Report {
        self.fix = Some(fix);
        self
    }

    /// One of the items the finding names in `{var}` (the label may name
    /// `{var}` too). The item is left out unless all its `conditions` hold
    /// in the join, and the finding falls when no item is left.
    pub fn item(
        mut self,
        var: &'static str,
        text: impl Into<String>,
        conditions: Vec<Condition>,
    ) -> Report {
        let item = Item {
            text: text.into(),
            conditions,
        };
        self.items
            .get_or_insert_with(|| (var, Vec::new()))
            .1
            .push(item);
        self
    }

    /// The finding is dropped if any file of the run records this fact.
    pub fn unless(mut self, fact: impl Into<String>) -> Report {
        self.conditions.push(Condition::Unless(fact.into()));
        self
    }

    /// The finding stands only if some file of the run records this fact.
    pub fn requires(mut self, fact: impl Into<String>) -> Report {
        self.conditions.push(Condition::Requires(fact.into()));
        self
    }

    /// The finding stands only if a file other than this one records this
    /// fact (e.g. a second manifest with the same id).
    pub fn requires_elsewhere(mut self, fact: impl Into<String>) -> Report {
        self.conditions
            .push(Condition::RequiresElsewhere(fact.into()));
        self
    }

    /// The finding stands only if `name`, as written in this file, names a
    /// definition called one of `targets` in some module of the project
    /// (followed through imports, aliases and re-exports).
    pub fn requires_name_is(mut self, name: impl Into<String>, targets: Vec<String>) -> Report {
        self.conditions
            .push(Condition::Project(crate::project::Query::NameIs {
                name: name.into(),
                targets,
            }));
        self
    }

    /// The finding stands only if the constant `name`, as written in this
    /// file and followed into the module defining it, passes `test`.
    pub fn requires_constant(
        mut self,
        name: impl Into<String>,
        test: crate::project::ValueTest,
    ) -> Report {
        self.conditions
            .push(Condition::Project(crate::project::Query::ConstantIs {
                name: name.into(),
                test,
            }));
        self
    }

    /// The finding stands only if `callee`, as written in this file, is a
    /// function (here or in another module) whose parameter `param` reaches
    /// `reach`.
    pub fn requires_helper(
        mut self,
        callee: impl Into<String>,
        param: usize,
        reach: crate::facts::flow::Reach,
    ) -> Report {
        self.conditions
            .push(Condition::Project(crate::project::Query::HelperReaches {
                callee: callee.into(),
                param,
                reach,
            }));
        self
    }

    /// The finding stands only if the project model answers `query`, asked
    /// from this file, with yes.
    pub fn requires_project(mut self, query: crate::project::Query) -> Report {
        self.conditions.push(Condition::Project(query));
        self
    }

    /// The finding stands only if some chain of mounts in the project
    /// gives `route` (registered on `router`) a full path `wanted` flags;
    /// the message then names that path.
    pub fn requires_mounted_route(
        mut self,
        router: &str,
        route: &str,
        wanted: crate::facts::routes::CallbackPaths,
    ) -> Report {
        self.conditions
            .push(Condition::Project(crate::project::Query::MountedRoute {
                router: router.to_string(),
                route: route.to_string(),
                wanted,
            }));
        self
    }

    /// The finding is dropped if any file builds a URL reaching `route`
    /// (recorded with [`crate::finding::route_reference_fact`]).
    pub fn unless_route_referenced(mut self, route: impl Into<String>) -> Report {
        self.conditions
            .push(Condition::UnlessRouteReferenced(route.into()));
        self
    }

    /// A secret in the source: no output shows these bytes (they are
    /// masked in every excerpt of the file).
    pub fn redact(mut self, span: Range<usize>) -> Report {
        self.redact.push(span);
        self
    }
}

/// Collects one rule's findings for one file.
pub struct Reporter<'a> {
    pub(crate) rule: &'a CompiledRule,
    pub(crate) file: &'a ParsedFile,
    pub(crate) findings: &'a mut Vec<Finding>,
    pub(crate) facts: &'a mut Vec<String>,
}

impl Reporter<'_> {
    pub fn report(&mut self, report: Report) {
        let meta = &self.rule.meta;
        let mut vars = report.vars;
        let mut conditions = report.conditions;
        let mut label = report.label.unwrap_or_default();
        let mut list = None;
        if let Some((var, items)) = report.items {
            let conditional = items.iter().any(|item| !item.conditions.is_empty());
            let value = match items.as_slice() {
                // One item: the finding is the one it would be alone.
                [only] => {
                    conditions.extend(only.conditions.iter().cloned());
                    only.text.clone()
                }
                _ if conditional => crate::finding::ITEMS_PLACEHOLDER.to_string(),
                _ => crate::finding::item_list_text(items.iter().map(|i| i.text.as_str())),
            };
            label = render_template(&label, &[(var, value.clone())]);
            vars.push((var, value));
            if conditional && items.len() > 1 {
                list = Some(items);
            }
        }
        let mut message = render_template(&meta.message, &vars);
        let mut help = render_template(&meta.help, &vars);
        if let Some(items) = list {
            let list = ItemList {
                items,
                message,
                help,
                label,
            };
            (message, help, label) = list.render(list.items.iter().map(|i| i.text.as_str()));
            conditions.push(Condition::Items(Box::new(list)));
        }
        let source = self.file.source.clone();
        let span = clamp(report.span, source.text.len());
        let start = source.position(span.start);
        let end = source.position(span.end);
        self.findings.push(Finding {
            rule: self.rule.id.clone(),
            severity: self.rule.severity,
            source,
            start,
            end,
            label,
            labels: report.labels,
            span,
            message,
            help,
            url: meta.url(),
            fix: report.fix,
            conditions,
            redact: report.redact,
        });
    }

    /// Records a project-wide fact (see [`Report::unless`]).
    pub fn fact(&mut self, key: impl Into<String>) {
        self.facts.push(key.into());
    }
}

fn clamp(span: Range<usize>, len: usize) -> Range<usize> {
    let start = span.start.min(len);
    start..span.end.clamp(start, len)
}

/// Replaces `{name}` placeholders; unknown names stay as written.
pub fn render_template(template: &str, vars: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(crate::source::slice(rest, ..open));
        let after = crate::source::slice(rest, open + 1..);
        match after.find('}') {
            Some(close) => {
                let name = crate::source::slice(after, ..close);
                match vars.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = crate::source::slice(after, close + 1..);
            }
            None => {
                out.push_str(crate::source::slice(rest, open..));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A rule ready to run: its metadata, effective severity and check.
pub struct CompiledRule {
    pub id: Arc<str>,
    pub meta: Arc<RuleMeta>,
    pub severity: Severity,
    pub families: &'static [Family],
    pub check: Box<dyn Check>,
    pub options: BTreeMap<String, toml::Value>,
    /// Where the engine lets the rule read (its `paths`, `exclude`, `roles`).
    pub scope: crate::scope::Scope,
}

impl CompiledRule {
    pub fn applies_to(&self, family: Family) -> bool {
        self.families.contains(&family)
    }

    /// Whether the rule reads a file of `family` at `project_path`.
    pub fn reads(&self, family: Family, project_path: &str) -> bool {
        self.applies_to(family) && self.scope.admits(project_path)
    }
}

/// Lints in-memory files with only `rule` enabled, joined as a run would
/// be (project facts applied): what the kinds' unit tests call.
#[cfg(test)]
pub(crate) fn lint_with_only(rule: &str, files: &[(&str, &str)]) -> Vec<Finding> {
    let overrides = crate::config::Overrides {
        select: vec![rule.to_string()],
        ignore: Vec::new(),
    };
    let rules = crate::config::RuleSet::compile(&[], &overrides).expect("built-in rules compile");
    let outcomes = files
        .iter()
        .map(|(path, text)| {
            crate::engine::lint_source(
                &rules,
                Arc::new(crate::source::SourceFile::in_memory(path, *text)),
            )
        })
        .collect();
    let mut model = crate::project::ProjectModel::new(None);
    for (path, text) in files {
        model.add_text(path, Arc::from(*text));
    }
    crate::engine::join_outcomes_with(outcomes, &mut crate::engine::RunSummary::default(), model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_known_vars_only() {
        let vars = [("table", "t".to_string())];
        assert_eq!(render_template("`{table}` {x} {", &vars), "`t` {x} {");
    }
}

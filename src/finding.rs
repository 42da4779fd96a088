//! The one `Finding` type every output format is built from.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::source::SourceFile;

/// How bad a finding is. Ordered so that `Error > Warning > Info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A secondary span with its own text, e.g. the handler of a dead route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub span: Range<usize>,
    pub message: String,
}

/// A machine-applicable replacement of one byte range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub description: String,
    pub span: Range<usize>,
    pub replacement: String,
}

/// One rule violation at one place.
///
/// Rules never build this directly: they report a span and message variables
/// and the engine stamps in the rule's id, severity, help and docs url, so no
/// output format can disagree with the rule's own metadata.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Arc<str>,
    pub severity: Severity,
    pub source: Arc<SourceFile>,
    pub span: Range<usize>,
    pub start: Position,
    pub end: Position,
    pub message: String,
    /// Text of the primary label; defaults to the message when empty.
    pub label: String,
    pub labels: Vec<Label>,
    pub help: String,
    pub url: String,
    pub fix: Option<Fix>,
    /// Project-wide facts that decide whether this finding stands (e.g. a
    /// trait in another file that gives the missing member a real default
    /// body cancels it). Empty for a finding one file decides alone.
    pub conditions: Vec<Condition>,
    /// Byte ranges of secrets in the source that no output may show.
    pub redact: Vec<Range<usize>>,
}

/// A project-wide fact a finding depends on; the join after the per-file
/// pass keeps or drops the finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Condition {
    /// Dropped when any file records this fact.
    Unless(String),
    /// Kept only when some file records this fact.
    Requires(String),
    /// Kept only when a file other than the finding's own records this fact.
    RequiresElsewhere(String),
    /// Dropped when any file records a route reference (see
    /// [`route_reference_fact`]) whose path ends with this route path,
    /// segment by segment; `*` segments on either side match any segment.
    UnlessRouteReferenced(String),
    /// The finding names several items (the members a class lacks), each
    /// standing or falling with its own conditions: the join keeps the
    /// items whose conditions hold, names only those, and drops the finding
    /// when none is left (see [`Finding::keep_items`]).
    Items(Box<ItemList>),
    /// Decided by the project model (names resolved through imports and
    /// re-exports across files); see [`crate::project::Query`].
    Project(crate::project::Query),
}

/// What stands in a finding's texts for the list of its items until the
/// join knows which items stay.
pub const ITEMS_PLACEHOLDER: &str = "\u{1}items\u{1}";

/// How many items a finding names before it says how many more there are:
/// a contract of thousands of members gives one readable finding per
/// class, not thousands.
pub const SHOWN_ITEMS: usize = 8;

/// The items of one finding, with the finding's texts to fill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemList {
    pub items: Vec<Item>,
    /// The message, help and label, with [`ITEMS_PLACEHOLDER`] where the
    /// list goes.
    pub message: String,
    pub help: String,
    pub label: String,
}

/// One item a finding names, and the conditions it stands on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub text: String,
    pub conditions: Vec<Condition>,
}

impl ItemList {
    /// The message, help and label naming `items`.
    pub fn render<'a>(&self, items: impl IntoIterator<Item = &'a str>) -> (String, String, String) {
        let list = item_list_text(items);
        let fill = |text: &str| text.replace(ITEMS_PLACEHOLDER, &list);
        (fill(&self.message), fill(&self.help), fill(&self.label))
    }
}

/// `a`, `a, b and c`, or the first [`SHOWN_ITEMS`] and `and N more`.
pub fn item_list_text<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.into_iter().collect();
    let shown = &items[..items.len().min(SHOWN_ITEMS)];
    let more = items.len() - shown.len();
    match (shown, more) {
        ([], _) => String::new(),
        ([only], 0) => (*only).to_string(),
        ([init @ .., last], 0) => format!("{} and {last}", init.join(", ")),
        (shown, more) => format!("{} and {more} more", shown.join(", ")),
    }
}

/// Prefix of the facts that record a URL path some code points at.
pub const ROUTE_REFERENCE: &str = "route-ref:";

/// The fact recording that code builds a URL pointing at `path`.
pub fn route_reference_fact(path: &str) -> String {
    format!("{ROUTE_REFERENCE}{path}")
}

/// Whether a referenced URL path reaches a route: the reference ends with
/// the route's segments (a router may be mounted under a prefix the route
/// does not spell), `*` segments matching anything.
pub fn route_path_matches(reference: &str, route: &str) -> bool {
    let segments = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty())
            .map(|s| s.to_ascii_lowercase())
            .collect()
    };
    let reference = segments(reference);
    let route = segments(route);
    if route.is_empty() || route.len() > reference.len() {
        return false;
    }
    reference[reference.len() - route.len()..]
        .iter()
        .zip(&route)
        .all(|(a, b)| a == b || a == "*" || b == "*")
}

impl Finding {
    /// Whether facts of other files decide this finding.
    pub fn is_conditional(&self) -> bool {
        !self.conditions.is_empty()
    }

    /// Whether other files' recorded facts (not only the project model,
    /// which reads the few files it needs) decide this finding.
    pub fn needs_project_facts(&self) -> bool {
        self.conditions
            .iter()
            .any(|c| !matches!(c, Condition::Project(_)))
    }

    pub fn path(&self) -> &str {
        self.source.display_path()
    }

    /// Keeps the items whose own conditions all `hold` (see
    /// [`Condition::Items`]) and names only those in the texts. False when
    /// no item is left, so the finding falls.
    pub fn keep_items(&mut self, hold: impl Fn(&Condition) -> bool) -> bool {
        let Some(list) = self.conditions.iter_mut().find_map(|c| match c {
            Condition::Items(list) => Some(list),
            _ => None,
        }) else {
            return true;
        };
        let before = list.items.len();
        list.items.retain(|item| item.conditions.iter().all(&hold));
        if list.items.is_empty() {
            return false;
        }
        if list.items.len() < before {
            let (message, help, label) = list.render(list.items.iter().map(|i| i.text.as_str()));
            (self.message, self.help, self.label) = (message, help, label);
        }
        true
    }

    /// The flagged code with whitespace collapsed: stable across edits that
    /// only move it, so it can key baselines and before/after comparisons.
    pub fn normalized_snippet(&self) -> String {
        let text = self.source.text.get(self.span.clone()).unwrap_or_default();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The key findings are sorted by: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, usize) {
        (
            self.path(),
            self.start.line,
            self.start.column,
            &self.rule,
            self.span.end,
        )
    }
}

//! The `forbidden-column-read` rule kind: columns that should not be read,
//! found in query-builder column lists and filters and in SQL that reads
//! them.

use crate::lang::tree::NodeExt;
use std::collections::HashSet;
use std::ops::Range;

use serde::Deserialize;
use tree_sitter::Node;

use crate::facts::columns::{
    py_is_query, py_key, py_row_keys, sql_written_columns, ts_is_query, ts_key, ts_row_keys,
    ColumnGlobs, Key, WRITE_METHODS,
};
use crate::facts::sql_calls::{is_sql_call, ts_embedded_sql};
use crate::lang::sql::{self, SqlStatement, SqlTokenKind};
use crate::lang::tree::{named_children, text, walk, StrLit, SUBSTITUTION};
use crate::lang::{python as py, typescript as ts, Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags reads of columns that should not be read. In
    /// TypeScript/JavaScript and Python it looks at:
    ///
    /// - column lists given to `.select(…)`: every column of a PostgREST
    ///   select string (`'id, integration_gcp_status'`), including columns
    ///   of embedded resources (`organizations(integration_gcp_status)`),
    ///   renamed ones (`status:integration_gcp_status`), casts and JSON
    ///   paths; supabase-py's `.select("a", "b")` and knex's
    ///   `.select('a', 'b')` alike;
    /// - filters and ordering on a query that starts with `.from('t')`
    ///   (supabase-js) or `.table("t")` / `.from_("t")` (supabase-py): the
    ///   column named by the first argument of `.eq`, `.neq`, `.gt`, `.gte`,
    ///   `.lt`, `.lte`, `.like`, `.ilike`, `.is`, `.in`, `.contains`,
    ///   `.containedBy`, `.overlaps`, `.textSearch`, `.not`, `.filter`,
    ///   `.order` and friends (Python's `is_`, `in_`, `contained_by`, …), the
    ///   keys of `.match({…})`, and the columns of an `.or('a.eq.x,b.is.null')`
    ///   filter string;
    /// - SQL (`.sql` files, SQL in `` sql`…` `` templates or `.query('…')`, and
    ///   Python `execute("…")`/`text("…")`): column names in `select`
    ///   statements and views, in `where`/`returning` clauses of `update`,
    ///   `delete` and `insert … select`, in policies and in plpgsql bodies.
    ///
    /// A string counts when it is a literal, a template literal or f-string
    /// (substitutions stand for any text, so `` `integration_${p}_status` ``
    /// matches), or a constant of the same file; `.select(COLUMNS.join(','))`
    /// over a constant array is read too. One finding per mention, labelled
    /// on the column name inside the string.
    ///
    /// Not flagged: writes (the keys of `.update/.insert/.upsert`, SQL `set`
    /// targets, `insert` column lists and new columns, which
    /// `forbidden-column-write` reports) and any mention of a column in a
    /// query or statement that also writes that column; schema changes
    /// (`alter table`, `drop`, `create index`, `comment on`, `grant`, table
    /// and function definitions); reads in a SQL file that also drops the
    /// column (a migration moving its data out); `.select('*')`; comments
    /// and prose.
    ///
    /// ## Why is this bad?
    /// A column that mirrors state owned by another system is stale the
    /// moment it is written. Code that reads it shows users a copy that may
    /// be wrong, and keeps the column (and its writers) alive.
    ///
    /// ## Example
    /// ```ts
    /// const { data } = await supabase
    ///   .from('accounts')
    ///   .select('id, legacy_sync_status')
    ///   .eq('legacy_sync_status', 'done');
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// const status = await api.get(`/v1/accounts/${id}/sync`);
    /// ```
    ///
    /// ## Options
    /// - `columns`: globs over column names; `*` matches any run of
    ///   characters, so `legacy_*_status` matches `legacy_sync_status` but not
    ///   `legacy_status`. Matching ignores ASCII case.
    pub struct ForbiddenColumnRead;
}

const OPTIONS: &[OptionDoc] = &[OptionDoc {
    name: "columns",
    description:
        "Globs over the column names that must not be read (`*` matches any run of characters).",
}];

impl Kind for ForbiddenColumnRead {
    fn id(&self) -> &'static str {
        "forbidden-column-read"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python, Family::Sql]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        Ok(Box::new(ForbiddenColumnReadCheck {
            columns: ColumnGlobs::new("columns", &options.columns)?,
        }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    columns: Vec<String>,
}

struct ForbiddenColumnReadCheck {
    columns: ColumnGlobs,
}

/// A column named in code: its name for matching (substitutions as `x`),
/// as written for the message, and where to put the label.
struct Mention {
    name: String,
    display: String,
    span: Range<usize>,
}

impl Check for ForbiddenColumnReadCheck {
    fn literals(&self) -> Vec<String> {
        self.columns.literals()
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let src = file.text();
        let mentions = match file.language.family() {
            Family::Js => {
                let Some(tree) = file.tree() else { return };
                ts_read_columns(tree.root_node(), src, &self.columns)
            }
            Family::Python => {
                let Some(tree) = file.tree() else { return };
                py_read_columns(tree.root_node(), src, &self.columns)
            }
            Family::Sql => {
                // A migration that drops a column may read it first to move
                // its data out: that read is part of the fix.
                let dropped = sql_dropped_columns(file.sql(), src);
                file.sql()
                    .iter()
                    .flat_map(|statement| sql_read_columns(statement, src))
                    .filter(|(_, name)| !dropped.contains(&name.to_ascii_lowercase()))
                    .map(|(span, name)| Mention {
                        display: name.clone(),
                        name,
                        span,
                    })
                    .collect()
            }
            _ => return,
        };
        let mut seen = HashSet::new();
        for mention in mentions {
            if self.columns.is_match(&mention.name) && seen.insert(mention.span.clone()) {
                out.report(
                    Report::at(mention.span)
                        .var("column", mention.display)
                        .label("read here"),
                );
            }
        }
    }
}

/// supabase-js filters whose first argument is a column.
const JS_FILTERS: &[&str] = &[
    "eq",
    "neq",
    "gt",
    "gte",
    "lt",
    "lte",
    "like",
    "ilike",
    "likeAllOf",
    "likeAnyOf",
    "ilikeAllOf",
    "ilikeAnyOf",
    "is",
    "in",
    "contains",
    "containedBy",
    "overlaps",
    "rangeGt",
    "rangeGte",
    "rangeLt",
    "rangeLte",
    "rangeAdjacent",
    "textSearch",
    "not",
    "filter",
    "order",
];

/// supabase-py's names for the same filters.
const PY_FILTERS: &[&str] = &[
    "eq",
    "neq",
    "gt",
    "gte",
    "lt",
    "lte",
    "like",
    "ilike",
    "like_all_of",
    "like_any_of",
    "ilike_all_of",
    "ilike_any_of",
    "is_",
    "in_",
    "contains",
    "contained_by",
    "overlaps",
    "range_gt",
    "range_gte",
    "range_lt",
    "range_lte",
    "range_adjacent",
    "text_search",
    "filter",
    "order",
];

/// How deep constants are followed.
const MAX_HOPS: usize = 3;

// ---- strings -------------------------------------------------------------------

/// A string an argument stands for, and where a finding inside it goes.
struct Resolved {
    lit: StrLit,
    /// The identifier the string came from (`COLUMNS`), when it is a
    /// constant: findings are labelled there, since the literal may be far.
    via: Option<Range<usize>>,
}

impl Resolved {
    /// The mention of `value[range]` of the string.
    fn mention(&self, range: Range<usize>, src: &str) -> Mention {
        let name: String =
            crate::source::slice(&self.lit.value, range.clone()).replace(SUBSTITUTION, "x");
        let span = match &self.via {
            Some(via) => via.clone(),
            None => lit_span(&self.lit, range.clone()),
        };
        let display = if crate::source::slice(&self.lit.value, range.clone()).contains(SUBSTITUTION)
        {
            src.get(lit_span(&self.lit, range))
                .unwrap_or(&name)
                .to_string()
        } else {
            name.clone()
        };
        Mention {
            name,
            display,
            span,
        }
    }
}

/// File span of `lit.value[range]`, also when it spans substitutions (then
/// from the first piece to the end of the last substitution or piece).
fn lit_span(lit: &StrLit, range: Range<usize>) -> Range<usize> {
    if range.is_empty() {
        return lit.span.clone();
    }
    let single = lit.file_span(range.clone());
    if single != lit.span {
        return single;
    }
    let bytes = lit.value.as_bytes();
    let start = lit.file_span(range.start..range.start + 1).start;
    let last = range.end - 1;
    let end = if bytes.get(last) == Some(&(SUBSTITUTION as u8)) {
        // The piece after a substitution starts right after its `}`.
        let next = lit.pieces.partition_point(|&(v, _)| v <= last);
        lit.pieces.get(next).map_or(lit.span.end, |&(_, f)| f)
    } else {
        lit.file_span(last..range.end).end
    };
    if start < end && lit.span.start <= start && end <= lit.span.end {
        start..end
    } else {
        lit.span.clone()
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || c == SUBSTITUTION
}

/// Byte ranges of the columns a PostgREST select string reads: every name
/// that is not an alias (`alias:`), an embedded resource or function
/// (`name(`), a foreign-key hint (`!hint`), a cast type (`::type`), a JSON
/// key (`->key`) or an aggregate (`.sum()`). `None` when the string is not a
/// column list at all (it holds characters a select list never has).
fn select_list_columns(value: &str) -> Option<Vec<Range<usize>>> {
    let allowed = |c: char| is_ident_char(c) || c.is_whitespace() || ",()!:.*->\"".contains(c);
    if !value.chars().all(allowed) {
        return None;
    }
    let tokens = select_tokens(value);
    let mut out = Vec::new();
    for range in &tokens {
        if range.is_empty() {
            continue;
        }
        let prev = before(value, range.start);
        let next = after(value, range.end);
        let skip = next.starts_with('(')
            || (next.starts_with(':') && !next.starts_with("::"))
            || next.starts_with('!')
            || prev.ends_with("::")
            || prev.ends_with('!')
            || prev.ends_with("->")
            || prev.ends_with("->>")
            || (prev.ends_with('.') && !prev.ends_with("..."));
        if !skip {
            out.push(range.clone());
        }
    }
    Some(out)
}

/// Name tokens of a select string: runs of identifier characters and
/// `"quoted"` names (the range then excludes the quotes).
fn select_tokens(value: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut chars = value.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            let start = i + 1;
            let mut end = value.len();
            for (j, d) in chars.by_ref() {
                if d == '"' {
                    end = j;
                    break;
                }
            }
            out.push(start..end);
        } else if is_ident_char(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !is_ident_char(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            out.push(i..end);
        }
    }
    out
}

/// Text before `at` without trailing whitespace.
fn before(value: &str, at: usize) -> &str {
    let mut start = at;
    // Step back over a closing quote of a quoted name.
    if crate::source::slice(value, ..start).ends_with('"') {
        start -= 1;
    }
    crate::source::slice(value, ..start).trim_end()
}

/// Text after `at` without leading whitespace.
fn after(value: &str, at: usize) -> &str {
    let mut end = at;
    if crate::source::slice(value, end..).starts_with('"') {
        end += 1;
    }
    crate::source::slice(value, end..).trim_start()
}

/// The column a filter's first argument names: `col`, `table.col` (a filter
/// on an embedded resource) or `col->>key` (a JSON path).
fn filter_column(value: &str) -> Option<Range<usize>> {
    let head = value
        .find("->")
        .map_or(value, |i| crate::source::slice(value, ..i));
    let start = head.rfind('.').map_or(0, |i| i + 1);
    let name = crate::source::slice(head, start..).trim();
    let offset = start
        + (crate::source::slice(head, start..).len()
            - crate::source::slice(head, start..).trim_start().len());
    (!name.is_empty() && name.chars().all(is_ident_char)).then(|| offset..offset + name.len())
}

/// Columns of a PostgREST logic filter: `a.eq.1,and(b.is.null,c.in.(1,2))`.
fn logic_filter_columns(value: &str) -> Vec<Range<usize>> {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut expect_condition = true;
    let mut depth = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        if expect_condition && (c == b' ' || c == b'\n' || c == b'\t') {
            i += 1;
            continue;
        }
        if expect_condition {
            let start = i;
            while i < bytes.len() && crate::source::slice(value, i..).starts_with(is_ident_char) {
                i += crate::source::slice(value, i..)
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
            }
            let word = crate::source::slice(value, start..i);
            let rest = crate::source::slice(value, i..);
            expect_condition = false;
            if matches!(word, "and" | "or") && rest.starts_with('(') {
                depth += 1;
                i += 1;
                expect_condition = true;
                continue;
            }
            if word == "not" && (rest.starts_with(".and(") || rest.starts_with(".or(")) {
                let open = rest.find('(').unwrap_or(0);
                depth += 1;
                i += open + 1;
                expect_condition = true;
                continue;
            }
            if !word.is_empty() && (rest.starts_with('.') || rest.starts_with("->")) {
                out.push(start..i);
            }
            continue;
        }
        match c {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' => {
                // A value list: `in.(1,2)`; skip to its end.
                let mut inner = 1;
                i += 1;
                while i < bytes.len() && inner > 0 {
                    match bytes[i] {
                        b'(' => inner += 1,
                        b')' => inner -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                continue;
            }
            b')' => {
                depth = depth.saturating_sub(1);
            }
            b',' => expect_condition = true,
            _ => {}
        }
        i += 1;
    }
    out
}

// ---- TypeScript / JavaScript ------------------------------------------------

fn ts_read_columns(root: Node<'_>, src: &str, columns: &ColumnGlobs) -> Vec<Mention> {
    let mut out = Vec::new();
    walk(root, |node| {
        if let Some(lit) = ts_embedded_sql(node, src) {
            for statement in embedded_statements(&lit.value) {
                for (span, name) in sql_read_columns(&statement, &lit.value) {
                    out.push(Mention {
                        display: name.clone(),
                        name,
                        span: lit.file_span(span),
                    });
                }
            }
            return true;
        }
        if !ts::call_name(node, src)
            .is_some_and(|m| matches!(m, "select" | "match" | "or") || JS_FILTERS.contains(&m))
        {
            return true;
        }
        let Some(call) = ts::call(node) else {
            return true;
        };
        let Some(receiver) = call.receiver else {
            return true;
        };
        let method = text(call.name, src);
        let mut found = Vec::new();
        match method {
            "select" => {
                for arg in &call.args {
                    for resolved in ts_strings(root, src, *arg) {
                        for range in select_list_columns(&resolved.lit.value).unwrap_or_default() {
                            found.push(resolved.mention(range, src));
                        }
                    }
                }
            }
            "match" if ts_is_query(root, src, receiver, 0) => {
                if let Some(object) = call.args.first().map(|a| ts::unwrap_expression(*a)) {
                    if object.kind_str() == "object" {
                        found.extend(ts_object_keys(object, src));
                    }
                }
            }
            "or" if ts_is_query(root, src, receiver, 0) => {
                if let Some(resolved) = call
                    .args
                    .first()
                    .and_then(|a| ts_strings(root, src, *a).into_iter().next())
                {
                    for range in logic_filter_columns(&resolved.lit.value) {
                        found.push(resolved.mention(range, src));
                    }
                }
            }
            m if JS_FILTERS.contains(&m) && ts_is_query(root, src, receiver, 0) => {
                if let Some(resolved) = call
                    .args
                    .first()
                    .and_then(|a| ts_strings(root, src, *a).into_iter().next())
                {
                    if let Some(range) = filter_column(&resolved.lit.value) {
                        found.push(resolved.mention(range, src));
                    }
                }
            }
            _ => {}
        }
        if found.iter().any(|m| columns.is_match(&m.name)) {
            let written = ts_chain_written(root, src, node);
            found.retain(|m| !written.contains(&m.name.to_ascii_lowercase()));
            out.extend(found);
        }
        true
    });
    out
}

/// The strings an argument stands for: a literal, a constant, or the
/// elements of an array joined into one (`COLUMNS.join(',')`).
fn ts_strings(root: Node<'_>, src: &str, arg: Node<'_>) -> Vec<Resolved> {
    ts_strings_via(root, src, arg, None, 0)
}

fn ts_strings_via(
    root: Node<'_>,
    src: &str,
    arg: Node<'_>,
    via: Option<Range<usize>>,
    hops: usize,
) -> Vec<Resolved> {
    let arg = ts::unwrap_expression(arg);
    if let Some(lit) = ts::fold_string(arg, src) {
        return vec![Resolved { lit, via }];
    }
    if hops > MAX_HOPS {
        return Vec::new();
    }
    match arg.kind_str() {
        "identifier" => {
            let via = via.or_else(|| Some(arg.byte_range()));
            match ts::const_initializer(root, src, text(arg, src), arg.start_byte()) {
                Some(value) => ts_strings_via(root, src, value, via, hops + 1),
                None => Vec::new(),
            }
        }
        // `['a', 'b'].join(', ')`, also through a constant array.
        "call_expression" => {
            let Some(join) = ts::call(arg) else {
                return Vec::new();
            };
            let Some(mut array) = join.receiver.map(ts::unwrap_expression) else {
                return Vec::new();
            };
            if text(join.name, src) != "join" {
                return Vec::new();
            }
            let mut via = via;
            if array.kind_str() == "identifier" {
                via = via.or_else(|| Some(array.byte_range()));
                match ts::const_initializer(root, src, text(array, src), array.start_byte()) {
                    Some(value) => array = ts::unwrap_expression(value),
                    None => return Vec::new(),
                }
            }
            if array.kind_str() != "array" {
                return Vec::new();
            }
            named_children(array)
                .into_iter()
                .filter_map(|element| ts::fold_string(element, src))
                .map(|lit| Resolved {
                    lit,
                    via: via.clone(),
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

fn ts_object_keys(object: Node<'_>, src: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    for member in named_children(object) {
        let key = match member.kind_str() {
            "pair" => member.field("key").and_then(|k| ts_key(k, src)),
            "shorthand_property_identifier" => Some(Key::plain(
                text(member, src).to_string(),
                member.byte_range(),
            )),
            _ => None,
        };
        if let Some(key) = key {
            out.push(Mention {
                name: key.name,
                display: key.display,
                span: key.span,
            });
        }
    }
    out
}

/// The outermost call of the method chain `node` belongs to.
fn ts_chain_top(node: Node<'_>) -> Node<'_> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        let continues = match parent.kind_str() {
            "member_expression" => parent
                .field("object")
                .is_some_and(|o| o.id() == current.id()),
            "call_expression" => parent
                .field("function")
                .is_some_and(|f| f.id() == current.id()),
            "await_expression" | "parenthesized_expression" | "non_null_expression" => true,
            _ => false,
        };
        if !continues {
            break;
        }
        current = parent;
    }
    current
}

/// Lower-cased names of the columns the chain around `call` writes
/// (`.update({ x }).eq('x', …)` mentions `x` as part of the write).
fn ts_chain_written(root: Node<'_>, src: &str, call: Node<'_>) -> HashSet<String> {
    let mut keys = Vec::new();
    for link in ts::chain_calls(ts_chain_top(call)) {
        if WRITE_METHODS.contains(&text(link.name, src)) {
            if let Some(arg) = link.args.first() {
                ts_row_keys(root, src, *arg, link.node, 0, &mut keys);
            }
        }
    }
    keys.into_iter()
        .map(|k| k.name.to_ascii_lowercase())
        .collect()
}

// ---- Python -----------------------------------------------------------------

fn py_read_columns(root: Node<'_>, src: &str, columns: &ColumnGlobs) -> Vec<Mention> {
    let mut out = Vec::new();
    walk(root, |node| {
        let Some(call) = py::call(node) else {
            return true;
        };
        let method = text(call.name, src);
        let mut found = Vec::new();
        match (method, call.receiver) {
            (m, _) if is_sql_call(m) => {
                if let Some(resolved) = call
                    .args
                    .first()
                    .and_then(|a| py_strings(root, src, *a).into_iter().next())
                {
                    let value = &resolved.lit.value;
                    for statement in embedded_statements(value) {
                        for (span, name) in sql_read_columns(&statement, value) {
                            found.push(Mention {
                                display: name.clone(),
                                name,
                                span: match &resolved.via {
                                    Some(via) => via.clone(),
                                    None => resolved.lit.file_span(span),
                                },
                            });
                        }
                    }
                }
            }
            ("select", Some(_)) => {
                for arg in &call.args {
                    for resolved in py_strings(root, src, *arg) {
                        for range in select_list_columns(&resolved.lit.value).unwrap_or_default() {
                            found.push(resolved.mention(range, src));
                        }
                    }
                }
            }
            ("match", Some(receiver)) if py_is_query(root, src, receiver, 0) => {
                if let Some(dict) = call.args.first().map(|a| py::unwrap_expression(*a)) {
                    if dict.kind_str() == "dictionary" {
                        for pair in named_children(dict)
                            .into_iter()
                            .filter(|p| p.kind_str() == "pair")
                        {
                            if let Some(key) = pair.field("key").and_then(|k| py_key(k, src)) {
                                found.push(Mention {
                                    name: key.name,
                                    display: key.display,
                                    span: key.span,
                                });
                            }
                        }
                    }
                }
            }
            ("or_", Some(receiver)) if py_is_query(root, src, receiver, 0) => {
                if let Some(resolved) = call
                    .args
                    .first()
                    .and_then(|a| py_strings(root, src, *a).into_iter().next())
                {
                    for range in logic_filter_columns(&resolved.lit.value) {
                        found.push(resolved.mention(range, src));
                    }
                }
            }
            (m, Some(receiver))
                if PY_FILTERS.contains(&m) && py_is_query(root, src, receiver, 0) =>
            {
                let arg = call.args.first().copied().or_else(|| {
                    call.kwargs
                        .iter()
                        .find(|(k, _)| text(*k, src) == "column")
                        .map(|(_, v)| *v)
                });
                if let Some(resolved) =
                    arg.and_then(|a| py_strings(root, src, a).into_iter().next())
                {
                    if let Some(range) = filter_column(&resolved.lit.value) {
                        found.push(resolved.mention(range, src));
                    }
                }
            }
            _ => {}
        }
        if found.iter().any(|m| columns.is_match(&m.name)) {
            let written = py_chain_written(root, src, node);
            found.retain(|m| !written.contains(&m.name.to_ascii_lowercase()));
            out.extend(found);
        }
        true
    });
    out
}

fn py_strings(root: Node<'_>, src: &str, arg: Node<'_>) -> Vec<Resolved> {
    let arg = py::unwrap_expression(arg);
    if let Some(lit) = py::fold_string(arg, src) {
        return vec![Resolved { lit, via: None }];
    }
    if arg.kind_str() != "identifier" {
        return Vec::new();
    }
    let mut name = arg;
    for _ in 0..MAX_HOPS {
        let Some(value) = py::assignment_value(root, src, text(name, src), name.start_byte())
        else {
            return Vec::new();
        };
        let value = py::unwrap_expression(value);
        if let Some(lit) = py::fold_string(value, src) {
            return vec![Resolved {
                lit,
                via: Some(arg.byte_range()),
            }];
        }
        if value.kind_str() != "identifier" {
            return Vec::new();
        }
        name = value;
    }
    Vec::new()
}

fn py_chain_top(node: Node<'_>) -> Node<'_> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        let continues = match parent.kind_str() {
            "attribute" => parent
                .field("object")
                .is_some_and(|o| o.id() == current.id()),
            "call" => parent
                .field("function")
                .is_some_and(|f| f.id() == current.id()),
            "await" | "parenthesized_expression" => true,
            _ => false,
        };
        if !continues {
            break;
        }
        current = parent;
    }
    current
}

fn py_chain_written(root: Node<'_>, src: &str, call: Node<'_>) -> HashSet<String> {
    let mut keys = Vec::new();
    for link in py::chain_calls(py_chain_top(call)) {
        if WRITE_METHODS.contains(&text(link.name, src)) {
            if let Some(arg) = link.args.first() {
                py_row_keys(root, src, *arg, link.node, 0, &mut keys);
            }
        }
    }
    keys.into_iter()
        .map(|k| k.name.to_ascii_lowercase())
        .collect()
}

// ---- SQL --------------------------------------------------------------------

/// Statements that change the schema rather than read data.
const DDL_KEYWORDS: &[&str] = &[
    "alter", "drop", "comment", "grant", "revoke", "truncate", "security", "reindex", "cluster",
    "vacuum", "analyze", "notify", "listen", "create",
];

/// What `create …` may read data in: views, policies and rules.
const READING_CREATES: &[&str] = &["view", "policy", "rule", "materialized"];

/// Column names a statement reads (see the kind's docs). A statement that
/// writes a column (per [`sql_written_columns`]) is left to the write rule
/// for that column: its other mentions of it are not reads here.
pub(super) fn sql_read_columns(
    statement: &SqlStatement,
    text: &str,
) -> Vec<(Range<usize>, String)> {
    let tokens = &statement.tokens;
    let first = statement.first_keyword(text).unwrap_or_default();
    let first = first.to_ascii_lowercase();
    if DDL_KEYWORDS.contains(&first.as_str()) {
        if first != "create" {
            return Vec::new();
        }
        let kind = tokens.iter().skip(1).find(|t| {
            !["or", "replace", "temp", "temporary", "recursive"]
                .iter()
                .any(|k| t.is_keyword(text, k))
        });
        if !kind.is_some_and(|t| READING_CREATES.iter().any(|k| t.is_keyword(text, k))) {
            return Vec::new();
        }
    }
    let written = sql_written_columns(statement, text);
    let written_names: HashSet<String> = written
        .iter()
        .map(|(_, name)| name.to_ascii_lowercase())
        .collect();
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if !matches!(token.kind, SqlTokenKind::Word | SqlTokenKind::QuotedIdent) {
            continue;
        }
        let Some(name) = token.ident(text) else {
            continue;
        };
        if written_names.contains(&name.to_ascii_lowercase()) {
            continue;
        }
        let next = tokens.get(i + 1);
        let prev = i.checked_sub(1).and_then(|p| tokens.get(p));
        let is_call = next.is_some_and(|t| t.kind == SqlTokenKind::Punct('('));
        let is_alias = prev.is_some_and(|t| t.is_keyword(text, "as"));
        // `x.col` is read; `col.x` names a schema or table, not a column.
        let qualifies = next.is_some_and(|t| t.kind == SqlTokenKind::Punct('.'));
        if is_call || is_alias || qualifies {
            continue;
        }
        out.push((token.span.clone(), name.into_owned()));
    }
    out
}

/// The statements of SQL held by a string in code, when it reads as SQL:
/// it starts with a data statement, so prose handed to a function that
/// happens to be called `text` or `execute` is never read as SQL.
fn embedded_statements(value: &str) -> Vec<SqlStatement> {
    const DATA: &[&str] = &["select", "with", "update", "delete", "insert"];
    let statements = sql::parse_statements(value);
    let reads_as_sql = statements.first().is_some_and(|first| {
        first
            .first_keyword(value)
            .is_some_and(|k| DATA.iter().any(|d| k.eq_ignore_ascii_case(d)))
    });
    if reads_as_sql {
        statements
    } else {
        Vec::new()
    }
}

/// Lower-cased names of the columns `alter table … drop [column] [if
/// exists] name` removes.
fn sql_dropped_columns(statements: &[SqlStatement], text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for statement in statements {
        let tokens = &statement.tokens;
        let kw = |i: usize, k: &str| tokens.get(i).is_some_and(|t| t.is_keyword(text, k));
        if !(kw(0, "alter") && kw(1, "table")) {
            continue;
        }
        for i in 2..tokens.len() {
            if !kw(i, "drop") || kw(i + 1, "constraint") {
                continue;
            }
            let mut j = i + 1;
            if kw(j, "column") {
                j += 1;
            }
            if kw(j, "if") && kw(j + 1, "exists") {
                j += 2;
            }
            if let Some(name) = tokens.get(j).and_then(|t| t.ident(text)) {
                out.insert(name.to_ascii_lowercase());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::Finding;

    fn lint(path: &str, text: &str) -> Vec<Finding> {
        crate::rules::lint_with_only("supabase-integration-status-read", &[(path, text)])
    }

    fn flagged(path: &str, text: &str) -> Vec<String> {
        lint(path, text)
            .iter()
            .map(|f| text[f.span.clone()].to_string())
            .collect()
    }

    #[test]
    fn select_lists() {
        assert_eq!(
            super::select_list_columns(
                "id, status:integration_gcp_status, org:organizations!inner(integration_aws_status::text, plan), data->>integration_x_status, \"Quoted\", amount.sum(), ...profiles(name)"
            )
            .unwrap()
            .len(),
            8
        );
        assert!(super::select_list_columns("#integration_x_status").is_none());
        assert!(super::select_list_columns("*").unwrap().is_empty());
    }

    #[test]
    fn js_reads() {
        let src = "const { data } = await supabase\n  .from('organizations')\n  .select('id, name, integration_gcp_status, status:integration_aws_configured_at, org:organizations(integration_oci_status)')\n  .eq('integration_azure_status', 'connected')\n  .order('integration_gcp_status', { ascending: false })\n  .match({ integration_m_status: 'x', plan: 'pro' })\n  .or('integration_a_status.eq.connected,and(integration_b_status.is.null,plan.in.(a,b))');\n\
                   await supabase.from('organizations').select(`id, integration_${provider}_status`);\n\
                   await supabase.from('organizations').select('*').not('organizations.integration_n_status', 'is', null);\n\
                   await supabase.from('organizations').update({ integration_u_status: 'x' }).eq('integration_u_status', 'y').select('integration_u_status, integration_v_status');\n\
                   list.filter('integration_f_status');\n\
                   expect(x).eq('integration_e_status');\n\
                   // .select('integration_c_status')\n\
                   console.log('reading integration_p_status now');\n";
        assert_eq!(
            flagged("a.ts", src),
            vec![
                "integration_gcp_status",
                "integration_aws_configured_at",
                "integration_oci_status",
                "integration_azure_status",
                "integration_gcp_status",
                "integration_m_status",
                "integration_a_status",
                "integration_b_status",
                "integration_${provider}_status",
                "integration_n_status",
                "integration_v_status",
            ]
        );
        let findings = lint("a.ts", src);
        assert_eq!(
            findings[0].message,
            "`integration_gcp_status` is integration status; read it from the API, not from Supabase"
        );
        assert!(findings[8]
            .message
            .starts_with("`integration_${provider}_status` is"));
    }

    #[test]
    fn js_constants_and_embedded_sql() {
        let src = "const COLUMNS = ['id', 'integration_gcp_status'].join(', ');\n\
                   const STATUS = 'integration_aws_status';\n\
                   const FIELDS = ['id', 'integration_x_status'];\n\
                   await supabase.from('organizations').select(COLUMNS).eq(STATUS, 'connected');\n\
                   await supabase.from('organizations').select(FIELDS.join(','));\n\
                   await sql`select integration_s_status from organizations where id = ${id}`;\n\
                   await sql`update organizations set integration_t_status = ${s} where integration_w_status = 'x'`;\n";
        assert_eq!(
            flagged("a.ts", src),
            vec![
                "COLUMNS",
                "STATUS",
                "FIELDS",
                "integration_s_status",
                "integration_w_status",
            ]
        );
    }

    #[test]
    fn python_reads() {
        let src = "res = supabase.table(\"organizations\").select(\"id, integration_gcp_status\").eq(\"integration_aws_status\", \"connected\").execute()\n\
                   q = supabase.table(\"organizations\").select(\"id\", \"integration_oci_status\")\n\
                   q = q.is_(\"integration_x_status\", \"null\").order(\"integration_y_configured_at\", desc=True)\n\
                   supabase.table(\"organizations\").select(f\"integration_{p}_status\").execute()\n\
                   supabase.table(\"organizations\").update({\"integration_u_status\": 1}).eq(\"integration_u_status\", 0).execute()\n\
                   cur.execute(\"select integration_db_status from organizations\")\n\
                   items.eq(\"integration_z_status\")\n\
                   label = text(\"Status: integration_t_status is shown here\")\n\
                   print(\"integration_p_status\")\n";
        assert_eq!(
            flagged("a.py", src),
            vec![
                "integration_gcp_status",
                "integration_aws_status",
                "integration_oci_status",
                "integration_x_status",
                "integration_y_configured_at",
                "integration_{p}_status",
                "integration_db_status",
            ]
        );
    }

    #[test]
    fn sql_reads() {
        let src = "-- select integration_q_status from organizations;\n\
                   alter table organizations add column integration_a_status text;\n\
                   alter table organizations drop column integration_b_status;\n\
                   create index on organizations (integration_c_status);\n\
                   comment on column organizations.integration_d_status is 'x';\n\
                   select id, o.integration_e_status, count(*) as integration_alias_status from organizations o where integration_f_status = 'x';\n\
                   create or replace view org_status as select integration_g_status from organizations;\n\
                   update organizations set integration_h_status = 'x' where integration_h_status is null and integration_i_status = 'y';\n\
                   insert into organizations (id, integration_j_status) values (1, 'x') on conflict (id) do update set integration_j_status = excluded.integration_j_status;\n\
                   create policy p on organizations for select using (integration_k_status = 'connected');\n\
                   create function f() returns table (integration_l_status text) language plpgsql as $$ begin if new.integration_m_status = 'x' then return; end if; end $$;\n\
                   create table t (integration_n_status text, check (integration_n_status <> ''));\n\
                   delete from organizations where integration_o_status = 'gone';\n\
                   insert into moved (org_id, status) select id, integration_z_status from organizations;\n\
                   alter table organizations drop column if exists integration_z_status;\n";
        assert_eq!(
            flagged("m.sql", src),
            vec![
                "integration_e_status",
                "integration_f_status",
                "integration_g_status",
                "integration_i_status",
                "integration_k_status",
                "integration_m_status",
                "integration_o_status",
            ]
        );
    }

    #[test]
    fn writes_are_not_reads() {
        let src = "await supabase.from('organizations').update({ integration_gcp_status: 'x' }).eq('id', id);\n\
                   await supabase.from('organizations').insert([{ integration_aws_status: 1 }]);\n";
        assert!(flagged("a.ts", src).is_empty());
        let write =
            crate::rules::lint_with_only("supabase-integration-status-write", &[("a.ts", src)]);
        assert_eq!(write.len(), 2);
    }
}

//! Columns a query reads: query-builder column lists (`.select('a, b')`),
//! filters (`.eq('col', …)`, `.or('a.eq.1,b.is.null')`, `.match({…})`) in
//! TS/JS and Python, and the column names SQL reads, embedded in code or in
//! `.sql` files. One record shape for every language.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use crate::facts::columns::{
    py_is_query, py_key, py_row_keys, sql_written_columns, ts_is_query, ts_key, ts_row_keys, Key,
    WRITE_METHODS,
};
use crate::facts::sql_calls::{is_sql_call, ts_embedded_sql};
use crate::lang::sql::{self, SqlStatement, SqlTokenKind};
use crate::lang::tree::{named_children, text, NodeExt, StrLit, SUBSTITUTION};
use crate::lang::{python as py, typescript as ts, Family, ParsedFile};

/// A column a query reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRead {
    /// The name compared with column globs (`${…}` read as `x`).
    pub name: String,
    /// The name as written, for messages.
    pub display: String,
    pub span: Range<usize>,
}

/// The columns a file reads. `wanted` says which names matter: a query
/// whose reads include none of them is not looked at further (the columns
/// its own chain writes, which a read of the same query does not count).
pub fn read(file: &ParsedFile, wanted: &dyn Fn(&str) -> bool) -> Vec<ColumnRead> {
    let src = file.text();
    match file.language.family() {
        Family::Js => file
            .with_calls(|tree, calls| ts_read_columns(tree.root_node(), calls, src, wanted))
            .unwrap_or_default(),
        Family::Python => file
            .with_calls(|tree, calls| py_read_columns(tree.root_node(), calls, src, wanted))
            .unwrap_or_default(),
        Family::Sql => {
            // A migration that drops a column may read it first to move
            // its data out: that read is part of the fix.
            let dropped = sql_dropped_columns(file.sql(), src);
            file.sql()
                .iter()
                .flat_map(|statement| sql_read_columns(statement, src))
                .filter(|(_, name)| !dropped.contains(&name.to_ascii_lowercase()))
                .map(|(span, name)| ColumnRead {
                    display: name.clone(),
                    name,
                    span,
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

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
    fn mention(&self, range: Range<usize>, src: &str) -> ColumnRead {
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
        ColumnRead {
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
pub fn select_list_columns(value: &str) -> Option<Vec<Range<usize>>> {
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

fn ts_read_columns<'t>(
    root: Node<'t>,
    calls: &[Node<'t>],
    src: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> Vec<ColumnRead> {
    let mut out = Vec::new();
    let mut tops = None;
    for &node in calls {
        if let Some(lit) = ts_embedded_sql(node, src) {
            for statement in embedded_statements(&lit.value) {
                for (span, name) in sql_read_columns(&statement, &lit.value) {
                    out.push(ColumnRead {
                        display: name.clone(),
                        name,
                        span: lit.file_span(span),
                    });
                }
            }
            continue;
        }
        if !ts::call_name(node, src)
            .is_some_and(|m| matches!(m, "select" | "match" | "or") || JS_FILTERS.contains(&m))
        {
            continue;
        }
        let Some(call) = ts::call(node) else {
            continue;
        };
        let Some(receiver) = call.receiver else {
            continue;
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
        if found.iter().any(|m| wanted(&m.name)) {
            let tops = tops.get_or_insert_with(|| chain_tops(calls, Family::Js));
            let top = tops.get(&node.id()).copied().unwrap_or(node);
            let written = ts_chain_written(root, src, top);
            found.retain(|m| !written.contains(&m.name.to_ascii_lowercase()));
            out.extend(found);
        }
    }
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

fn ts_object_keys(object: Node<'_>, src: &str) -> Vec<ColumnRead> {
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
            out.push(ColumnRead {
                name: key.name,
                display: key.display,
                span: key.span,
            });
        }
    }
    out
}

/// Lower-cased names of the columns the chain around `call` writes
/// (`.update({ x }).eq('x', …)` mentions `x` as part of the write).
fn ts_chain_written(root: Node<'_>, src: &str, top: Node<'_>) -> HashSet<String> {
    let mut keys = Vec::new();
    for link in ts::chain_calls(top) {
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

fn py_read_columns<'t>(
    root: Node<'t>,
    calls: &[Node<'t>],
    src: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> Vec<ColumnRead> {
    let mut out = Vec::new();
    let mut tops = None;
    for &node in calls {
        let read_method = |m: &str| {
            is_sql_call(m) || matches!(m, "select" | "match" | "or_") || PY_FILTERS.contains(&m)
        };
        let Some(call) = py::call_name(node, src)
            .filter(|m| read_method(m))
            .and_then(|_| py::call(node))
        else {
            continue;
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
                            found.push(ColumnRead {
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
                                found.push(ColumnRead {
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
        if found.iter().any(|m| wanted(&m.name)) {
            let tops = tops.get_or_insert_with(|| chain_tops(calls, Family::Python));
            let top = tops.get(&node.id()).copied().unwrap_or(node);
            let written = py_chain_written(root, src, top);
            found.retain(|m| !written.contains(&m.name.to_ascii_lowercase()));
            out.extend(found);
        }
    }
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

fn py_chain_written(root: Node<'_>, src: &str, top: Node<'_>) -> HashSet<String> {
    let mut keys = Vec::new();
    for link in py::chain_calls(top) {
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
fn sql_read_columns(statement: &SqlStatement, text: &str) -> Vec<(Range<usize>, String)> {
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

/// The top of each call's method chain, by node id, for the calls that
/// are a link of a longer chain (`.select(…)` in `supabase.from('t')
/// .select(…).eq(…)` → the `eq` call): each call hands its own top down
/// its callee, through members, calls, `await`, brackets and `!`. `calls`
/// come in document order, so an outer call is seen before the calls of
/// its callee. Asking each node for its parent instead costs a walk down
/// from the root per step: quadratic in a long file.
fn chain_tops<'t>(calls: &[Node<'t>], family: Family) -> HashMap<usize, Node<'t>> {
    let (member, call_kind, object) = match family {
        Family::Python => ("attribute", "call", "object"),
        _ => ("member_expression", "call_expression", "object"),
    };
    let mut tops: HashMap<usize, Node<'t>> = HashMap::new();
    for &call in calls {
        let top = tops.get(&call.id()).copied().unwrap_or(call);
        let mut inner = call.field("function");
        while let Some(node) = inner {
            let kind = node.kind_str();
            inner = if kind == member {
                node.field(object)
            } else if kind == call_kind {
                tops.insert(node.id(), top);
                node.field("function")
            } else if matches!(
                kind,
                "await_expression" | "await" | "parenthesized_expression" | "non_null_expression"
            ) {
                node.named_child(0)
            } else {
                None
            };
        }
    }
    tops
}

#[cfg(test)]
mod tests {
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
}

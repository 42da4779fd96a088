//! Column names a query-builder write or a SQL statement writes, and the
//! configured column globs rules match them against.

use std::ops::Range;

use tree_sitter::Node;

use crate::facts::sql_calls::ts_embedded_sql;
use crate::lang::sql::{self, SqlStatement, SqlToken, SqlTokenKind};
use crate::lang::tree::{ancestor, named_children, text, walk, NameGlob, NodeExt, StrLit};
use crate::lang::{python as py, typescript as ts};
use crate::rules::OptionError;

/// Column-name globs, compiled once.
pub struct ColumnGlobs {
    globs: Vec<NameGlob>,
    /// The globs as configured.
    patterns: Vec<String>,
}

impl ColumnGlobs {
    pub fn new(option: &str, columns: &[String]) -> Result<ColumnGlobs, OptionError> {
        if columns.is_empty() {
            return Err(OptionError::new(option, "list at least one column glob"));
        }
        let mut globs = Vec::new();
        for column in columns {
            if column.trim().is_empty() || column.chars().all(|c| c == '*') {
                return Err(OptionError::new(
                    option,
                    format!("`{column}` would match every column; name the columns"),
                ));
            }
            if column.contains(char::is_whitespace) {
                return Err(OptionError::new(
                    option,
                    format!("`{column}` is not a column name glob (it contains whitespace)"),
                ));
            }
            globs.push(NameGlob::new(column).case_insensitive());
        }
        Ok(ColumnGlobs {
            globs,
            patterns: columns.to_vec(),
        })
    }

    /// The globs as configured, for a question to the project model.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// The longest fixed piece of each glob: every matching name spells it.
    pub fn literals(&self) -> Vec<String> {
        self.globs
            .iter()
            .map(|g| g.longest_literal().to_string())
            .collect()
    }

    pub fn is_match(&self, name: &str) -> bool {
        self.globs.iter().any(|g| g.is_match(name))
    }

    /// A text test that a file spells every fixed part of some glob.
    pub fn spelled_parts(&self) -> SpelledParts {
        SpelledParts::new(&self.patterns)
    }
}

/// Whether a text spells some column glob's fixed parts where a column name
/// could be made of them, in any case, as written or without their
/// underscores:
///
/// - all of them, in order, in one name (`integration_gcp_status`,
///   `INTEGRATION_GCP_STATUS`, a camelCase field `integrationGcpStatus`);
/// - or each of them as a whole piece of its own, the way a name built from
///   pieces is written (`integration_${p}_status`, `f"integration_{p}_status"`,
///   `'integration_' + p + '_status'`, a constant `PREFIX = 'integration_'`
///   plus a suffix).
///
/// A file that fails the test cannot write a matching column by a name it
/// spells, while `integration_id` beside `payment_status` spells no column;
/// a column named by another module's constant is a separate question.
pub struct SpelledParts {
    matcher: crate::deferred::Deferred<Option<aho_corasick::AhoCorasick>>,
    /// The (glob, part) each pattern stands for.
    owners: Vec<(usize, usize)>,
    /// Per glob, each part as written and without underscores, lowercase.
    parts: Vec<Vec<(String, String)>>,
}

impl SpelledParts {
    fn new(patterns: &[String]) -> SpelledParts {
        let mut literals = Vec::new();
        let mut owners = Vec::new();
        let mut parts = Vec::new();
        for (glob, pattern) in patterns.iter().enumerate() {
            let mut glob_parts = Vec::new();
            for piece in pattern.split('*') {
                let bare = piece.replace('_', "");
                // A part of only underscores may vanish in camelCase.
                if bare.is_empty() {
                    continue;
                }
                for literal in [piece.to_string(), bare.clone()] {
                    literals.push(literal);
                    owners.push((glob, glob_parts.len()));
                }
                glob_parts.push((piece.to_ascii_lowercase(), bare.to_ascii_lowercase()));
            }
            parts.push(glob_parts);
        }
        let matcher = crate::deferred::any_of_matcher(literals);
        SpelledParts {
            matcher,
            owners,
            parts,
        }
    }

    pub fn is_spelled_in(&self, text: &str) -> bool {
        if self.parts.iter().any(Vec::is_empty) {
            return true;
        }
        let Some(matcher) = self.matcher.as_ref() else {
            return true;
        };
        let bytes = text.as_bytes();
        let mut whole: Vec<Vec<bool>> = self.parts.iter().map(|p| vec![false; p.len()]).collect();
        let mut names_tried = std::collections::HashSet::new();
        for found in matcher.find_overlapping_iter(text) {
            let (glob, part) = self.owners[found.pattern().as_usize()];
            let name = name_around(bytes, found.start(), found.end());
            // A piece on its own counts as written (`'integration_'`), not
            // without its underscores: `integration` and `status` as words
            // build no name.
            let as_written = text[found.range()].eq_ignore_ascii_case(&self.parts[glob][part].0);
            if as_written && name == (found.start()..found.end()) {
                whole[glob][part] = true;
                if whole[glob].iter().all(|&w| w) {
                    return true;
                }
            }
            if part == 0 && names_tried.insert((glob, name.start)) {
                let name = text[name].to_ascii_lowercase();
                if spells_in_order(&name, &self.parts[glob]) {
                    return true;
                }
            }
        }
        false
    }
}

/// The run of name characters (letters, digits, `_`) around `start..end`.
fn name_around(bytes: &[u8], start: usize, end: usize) -> Range<usize> {
    let is_name = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let before = bytes[..start]
        .iter()
        .rev()
        .take_while(|b| is_name(b))
        .count();
    let after = bytes[end..].iter().take_while(|b| is_name(b)).count();
    start - before..end + after
}

/// Whether a lowercase name holds every part in order, all as written or
/// all without underscores.
fn spells_in_order(name: &str, parts: &[(String, String)]) -> bool {
    let in_order = |pick: fn(&(String, String)) -> &str| {
        let mut rest = name;
        parts.iter().all(|part| match rest.find(pick(part)) {
            Some(at) => {
                rest = &rest[at + pick(part).len()..];
                true
            }
            None => false,
        })
    };
    in_order(|p| &p.0) || in_order(|p| &p.1)
}

/// A key of a row written through a query builder.
pub struct Key {
    /// Substitutions of computed keys are rendered as `x`.
    pub name: String,
    /// The key as written, for the message (`integration_${p}_status`).
    pub display: String,
    pub span: Range<usize>,
    /// A key named by a constant this file does not define (`[STATUS]`,
    /// `{STATUS: …}` with `STATUS` imported): the constant as written, for
    /// the project model to read its value; `name` is then empty.
    pub constant: Option<String>,
}

impl Key {
    pub fn plain(name: String, span: Range<usize>) -> Key {
        Key {
            display: name.clone(),
            name,
            span,
            constant: None,
        }
    }

    /// A key whose name is the value of a constant defined elsewhere.
    pub fn elsewhere(constant: &str, span: Range<usize>) -> Key {
        Key {
            name: String::new(),
            display: constant.to_string(),
            span,
            constant: Some(constant.to_string()),
        }
    }

    pub fn literal(lit: &StrLit, span: Range<usize>, src: &str) -> Key {
        let display = if lit.is_static() {
            lit.value.clone()
        } else {
            let raw = src.get(lit.span.clone()).unwrap_or_default();
            raw.trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .trim_matches(['"', '\'', '`'])
                .to_string()
        };
        Key {
            name: lit.with_placeholders(),
            display,
            span,
            constant: None,
        }
    }
}

pub const WRITE_METHODS: &[&str] = &["update", "insert", "upsert"];

/// How deep variables and spreads are followed.
const MAX_DEPTH: usize = 4;

// ---- TypeScript / JavaScript ------------------------------------------------

/// Keys of the rows passed to `.update/.insert/.upsert` on a `.from(…)` query.
pub fn ts_written_keys<'t>(root: Node<'t>, calls: &[Node<'t>], src: &str) -> Vec<Key> {
    let mut keys = Vec::new();
    for &node in calls {
        if let Some(lit) = ts_embedded_sql(node, src) {
            for statement in sql::parse_statements(&lit.value) {
                for (span, name) in sql_written_columns(&statement, &lit.value) {
                    keys.push(Key::plain(name, lit.file_span(span)));
                }
            }
        } else if let Some(call) = ts::call_name(node, src)
            .filter(|m| WRITE_METHODS.contains(m))
            .and_then(|_| ts::call(node))
        {
            if let (Some(receiver), Some(arg)) = (call.receiver, call.args.first()) {
                if ts_is_query(root, src, receiver, 0) {
                    ts_row_keys(root, src, *arg, node, 0, &mut keys);
                }
            }
        }
    }
    keys
}

/// Whether an expression is a query builder: its chain calls `from`, directly
/// or through a variable (`const q = supabase.from('t'); q.update(…)`).
pub fn ts_is_query(root: Node<'_>, src: &str, receiver: Node<'_>, depth: usize) -> bool {
    if ts::chain_calls(receiver)
        .iter()
        .any(|c| text(c.name, src) == "from")
    {
        return true;
    }
    let base = ts_chain_root(receiver);
    depth < MAX_DEPTH
        && base.kind_str() == "identifier"
        && ts::const_initializer(root, src, text(base, src), base.start_byte())
            .is_some_and(|value| ts_is_query(root, src, value, depth + 1))
}

/// The innermost receiver of a member/call chain.
fn ts_chain_root(node: Node<'_>) -> Node<'_> {
    let mut node = ts::unwrap_expression(node);
    loop {
        let next = match node.kind_str() {
            "call_expression" => node.field("function"),
            "member_expression" | "subscript_expression" => node.field("object"),
            _ => None,
        };
        match next {
            Some(n) => node = ts::unwrap_expression(n),
            None => return node,
        }
    }
}

/// Collects the keys of the row(s) `value` stands for. `call` is the write
/// call, whose function bounds where member assignments to a variable count.
pub fn ts_row_keys(
    root: Node<'_>,
    src: &str,
    value: Node<'_>,
    call: Node<'_>,
    depth: usize,
    keys: &mut Vec<Key>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let value = ts::unwrap_expression(value);
    match value.kind_str() {
        "object" => {
            for member in named_children(value) {
                match member.kind_str() {
                    "pair" => {
                        if let Some(key) = member.field("key") {
                            if let Some(key) =
                                ts_key(key, src).or_else(|| ts_computed_constant(root, src, key))
                            {
                                keys.push(key);
                            }
                        }
                    }
                    "shorthand_property_identifier" => keys.push(Key::plain(
                        text(member, src).to_string(),
                        member.byte_range(),
                    )),
                    "spread_element" => {
                        if let Some(inner) = member.named_child(0) {
                            ts_row_keys(root, src, inner, call, depth + 1, keys);
                        }
                    }
                    _ => {}
                }
            }
        }
        "array" => {
            for element in named_children(value) {
                ts_row_keys(root, src, element, call, depth + 1, keys);
            }
        }
        "ternary_expression" => {
            for field in ["consequence", "alternative"] {
                if let Some(branch) = value.child_by_field_name(field) {
                    ts_row_keys(root, src, branch, call, depth + 1, keys);
                }
            }
        }
        "identifier" => {
            let name = text(value, src);
            if let Some(init) = ts::const_initializer(root, src, name, value.start_byte()) {
                ts_row_keys(root, src, init, call, depth + 1, keys);
            }
            ts_member_assignments(src, name, call, keys);
        }
        // Rows built per item: `ids.map((id) => ({ id, integration_x_status }))`.
        "call_expression" => {
            let Some(mapped) = ts::call(value) else {
                return;
            };
            if matches!(text(mapped.name, src), "map" | "flatMap") {
                if let Some(callback) = mapped.args.first() {
                    for row in ts_returned_values(*callback) {
                        ts_row_keys(root, src, row, call, depth + 1, keys);
                    }
                }
            }
        }
        _ => {}
    }
}

/// What a callback returns: an arrow's expression body, or the arguments
/// of the `return` statements of its own body (not of nested functions).
fn ts_returned_values(callback: Node<'_>) -> Vec<Node<'_>> {
    let callback = ts::unwrap_expression(callback);
    if !matches!(
        callback.kind_str(),
        "arrow_function" | "function_expression" | "function"
    ) {
        return Vec::new();
    }
    let Some(body) = callback.field("body") else {
        return Vec::new();
    };
    if body.kind_str() != "statement_block" {
        return vec![body];
    }
    let mut returned = Vec::new();
    walk(body, |node| {
        if node.id() != body.id() && ts::FUNCTION_KINDS.contains(&node.kind_str()) {
            return false;
        }
        if node.kind_str() == "return_statement" {
            if let Some(value) = node.named_child(0) {
                returned.push(value);
            }
            return false;
        }
        true
    });
    returned
}

/// A property key as written: identifier, string, number or computed key.
pub fn ts_key(key: Node<'_>, src: &str) -> Option<Key> {
    if let Some(name) = ts::property_key(key, src) {
        return Some(Key::plain(name.into_owned(), key.byte_range()));
    }
    let lit = ts::computed_key_string(key, src)?;
    Some(Key::literal(&lit, lit.span.clone(), src))
}

/// `{ [column]: … }` with `const column = `prefix_${p}_suffix``; a
/// constant the file does not declare (`[STATUS]`, `[COLUMNS.status]`) is
/// kept as [`Key::elsewhere`].
fn ts_computed_constant(root: Node<'_>, src: &str, key: Node<'_>) -> Option<Key> {
    let inner = ts::unwrap_expression(
        key.named_child(0)
            .filter(|_| key.kind_str() == "computed_property_name")?,
    );
    if inner.kind_str() == "member_expression" {
        let name = crate::facts::flow::ts_dotted_name(inner, src)?;
        let head = name.split('.').next().unwrap_or_default();
        if ts::const_initializer(root, src, head, inner.start_byte()).is_none() {
            return Some(Key::elsewhere(&name, inner.byte_range()));
        }
        return None;
    }
    if inner.kind_str() != "identifier" {
        return None;
    }
    let Some(value) = ts::const_initializer(root, src, text(inner, src), inner.start_byte()) else {
        return Some(Key::elsewhere(text(inner, src), inner.byte_range()));
    };
    let lit = ts::fold_string(ts::unwrap_expression(value), src)?;
    Some(Key::literal(&lit, inner.byte_range(), src))
}

/// `row.key = …` and `row['key'] = …` before `call`, in the function that
/// makes the call.
fn ts_member_assignments(src: &str, name: &str, call: Node<'_>, keys: &mut Vec<Key>) {
    let scope = ancestor(call, ts::FUNCTION_KINDS).unwrap_or_else(|| root_of(call));
    walk(scope, |node| {
        if node.start_byte() > call.start_byte() {
            return false;
        }
        if node.kind_str() == "assignment_expression" {
            if let Some(left) = node.field("left") {
                let object = left.field("object");
                if object.is_some_and(|o| o.kind_str() == "identifier" && text(o, src) == name) {
                    let key = match left.kind_str() {
                        "member_expression" => left.field("property").and_then(|p| ts_key(p, src)),
                        "subscript_expression" => left.field("index").and_then(|i| {
                            let lit = ts::fold_string(i, src)?;
                            Some(Key::literal(&lit, lit.span.clone(), src))
                        }),
                        _ => None,
                    };
                    keys.extend(key);
                }
            }
        }
        true
    });
}

fn root_of(node: Node<'_>) -> Node<'_> {
    let mut node = node;
    while let Some(parent) = node.parent() {
        node = parent;
    }
    node
}

// ---- Python -----------------------------------------------------------------

/// Keys of the rows passed to `.update/.insert/.upsert` on a `.table(…)` or
/// `.from_(…)` query.
pub fn py_written_keys<'t>(root: Node<'t>, calls: &[Node<'t>], src: &str) -> Vec<Key> {
    let mut keys = Vec::new();
    for &node in calls {
        let write = py::call_name(node, src).filter(|m| WRITE_METHODS.contains(m));
        if let Some(call) = write.and_then(|_| py::call(node)) {
            {
                let arg = call.args.first().copied().or_else(|| {
                    call.kwargs
                        .iter()
                        .find(|(k, _)| matches!(text(*k, src), "json" | "values" | "data"))
                        .map(|(_, v)| *v)
                });
                if let (Some(receiver), Some(arg)) = (call.receiver, arg) {
                    if py_is_query(root, src, receiver, 0) {
                        py_row_keys(root, src, arg, node, 0, &mut keys);
                    }
                }
            }
        }
    }
    keys
}

pub fn py_is_query(root: Node<'_>, src: &str, receiver: Node<'_>, depth: usize) -> bool {
    if py::chain_calls(receiver)
        .iter()
        .any(|c| matches!(text(c.name, src), "table" | "from_"))
    {
        return true;
    }
    let mut base = py::unwrap_expression(receiver);
    loop {
        let next = match base.kind_str() {
            "call" => base.field("function"),
            "attribute" => base.field("object"),
            _ => None,
        };
        match next {
            Some(n) => base = py::unwrap_expression(n),
            None => break,
        }
    }
    depth < MAX_DEPTH
        && base.kind_str() == "identifier"
        && py::assignment_value(root, src, text(base, src), base.start_byte())
            .is_some_and(|value| py_is_query(root, src, value, depth + 1))
}

pub fn py_row_keys(
    root: Node<'_>,
    src: &str,
    value: Node<'_>,
    call: Node<'_>,
    depth: usize,
    keys: &mut Vec<Key>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let value = py::unwrap_expression(value);
    match value.kind_str() {
        "dictionary" => {
            for member in named_children(value) {
                match member.kind_str() {
                    "pair" => {
                        if let Some(key) = member
                            .field("key")
                            .and_then(|k| py_key_or_constant(root, src, k))
                        {
                            keys.push(key);
                        }
                    }
                    "dictionary_splat" => {
                        if let Some(inner) = member.named_child(0) {
                            py_row_keys(root, src, inner, call, depth + 1, keys);
                        }
                    }
                    _ => {}
                }
            }
        }
        "dictionary_comprehension" => {
            if let Some(key) = value
                .field("body")
                .and_then(|b| b.field("key"))
                .and_then(|k| py_key(k, src))
            {
                keys.push(key);
            }
        }
        // `[{"integration_x_status": s} for org in orgs]`
        "list_comprehension" | "generator_expression" => {
            if let Some(body) = value.field("body") {
                py_row_keys(root, src, body, call, depth + 1, keys);
            }
        }
        "list" | "tuple" => {
            for element in named_children(value) {
                py_row_keys(root, src, element, call, depth + 1, keys);
            }
        }
        "conditional_expression" => {
            let branches = named_children(value);
            for branch in [branches.first(), branches.get(2)].into_iter().flatten() {
                py_row_keys(root, src, *branch, call, depth + 1, keys);
            }
        }
        "call" => {
            let Some(inner) = py::call(value) else { return };
            if inner.receiver.is_none() && text(inner.name, src) == "dict" {
                for (name, _) in &inner.kwargs {
                    keys.push(Key::plain(text(*name, src).to_string(), name.byte_range()));
                }
                for arg in &inner.args {
                    py_row_keys(root, src, *arg, call, depth + 1, keys);
                }
            }
        }
        "identifier" => {
            let name = text(value, src);
            if let Some(init) = py::assignment_value(root, src, name, value.start_byte()) {
                py_row_keys(root, src, init, call, depth + 1, keys);
            }
            py_subscript_assignments(src, name, call, keys);
        }
        _ => {}
    }
}

pub fn py_key(key: Node<'_>, src: &str) -> Option<Key> {
    let lit = py::fold_string(key, src)?;
    Some(Key::literal(&lit, lit.span.clone(), src))
}

/// A dict key, also a name bound to a string (`column = f"…_{p}_status"`).
fn py_key_or_constant(root: Node<'_>, src: &str, key: Node<'_>) -> Option<Key> {
    if let Some(key) = py_key(key, src) {
        return Some(key);
    }
    if key.kind_str() == "attribute" {
        let name = py::dotted_name(key, src)?;
        return Some(Key::elsewhere(&name, key.byte_range()));
    }
    if key.kind_str() != "identifier" {
        return None;
    }
    let Some(value) = py::assignment_value(root, src, text(key, src), key.start_byte()) else {
        return Some(Key::elsewhere(text(key, src), key.byte_range()));
    };
    let lit = py::fold_string(value, src)?;
    Some(Key::literal(&lit, key.byte_range(), src))
}

/// `row["key"] = …` before `call`, in the function that makes the call.
fn py_subscript_assignments(src: &str, name: &str, call: Node<'_>, keys: &mut Vec<Key>) {
    let scope = ancestor(call, &["function_definition", "lambda"]).unwrap_or_else(|| root_of(call));
    walk(scope, |node| {
        if node.start_byte() > call.start_byte() {
            return false;
        }
        if node.kind_str() == "assignment" {
            if let Some(left) = node.field("left") {
                let object = left.field("value");
                if left.kind_str() == "subscript"
                    && object.is_some_and(|o| o.kind_str() == "identifier" && text(o, src) == name)
                {
                    keys.extend(left.field("subscript").and_then(|k| py_key(k, src)));
                }
            }
        }
        true
    });
}

// ---- SQL --------------------------------------------------------------------

/// Names of the columns a statement adds or writes: `alter table … add
/// [column]`, `rename column … to`, `create table (…)` definitions, `update
/// … set` targets and `insert into t (…)` lists.
pub fn sql_written_columns(statement: &SqlStatement, text: &str) -> Vec<(Range<usize>, String)> {
    let tokens = &statement.tokens;
    let mut out = Vec::new();
    let kw = |i: usize, k: &str| tokens.get(i).is_some_and(|t| t.is_keyword(text, k));
    let first = statement.first_keyword(text).unwrap_or_default();
    if first.eq_ignore_ascii_case("alter") && kw(1, "table") {
        alter_table_columns(tokens, text, &mut out);
    }
    if first.eq_ignore_ascii_case("create") {
        create_table_columns(statement, text, &mut out);
    }
    for (i, token) in tokens.iter().enumerate() {
        if token.is_keyword(text, "update") {
            if let Some(set) = update_set(statement, i, text) {
                set_targets(tokens, set + 1, text, &mut out);
            }
        } else if token.is_keyword(text, "insert") && kw(i + 1, "into") {
            insert_columns(statement, i + 2, text, &mut out);
        }
    }
    out
}

/// Paren/bracket depth just before each token.
fn depths(tokens: &[SqlToken]) -> Vec<usize> {
    let mut depth = 0usize;
    tokens
        .iter()
        .map(|t| {
            let before = depth;
            match t.kind {
                SqlTokenKind::Punct('(' | '[') => depth += 1,
                SqlTokenKind::Punct(')' | ']') => depth = depth.saturating_sub(1),
                _ => {}
            }
            match t.kind {
                SqlTokenKind::Punct(')' | ']') => depth,
                _ => before,
            }
        })
        .collect()
}

/// Keywords that start a table constraint rather than a column definition.
const CONSTRAINT_KEYWORDS: &[&str] = &[
    "constraint",
    "primary",
    "unique",
    "foreign",
    "check",
    "exclude",
    "like",
];

fn column_at(tokens: &[SqlToken], i: usize, text: &str) -> Option<(Range<usize>, String)> {
    let token = tokens.get(i)?;
    if CONSTRAINT_KEYWORDS
        .iter()
        .any(|k| token.is_keyword(text, k))
    {
        return None;
    }
    Some((token.span.clone(), token.ident(text)?.into_owned()))
}

fn alter_table_columns(tokens: &[SqlToken], text: &str, out: &mut Vec<(Range<usize>, String)>) {
    let depth = depths(tokens);
    let kw = |i: usize, k: &str| tokens.get(i).is_some_and(|t| t.is_keyword(text, k));
    for (i, &d) in depth.iter().enumerate() {
        if d != 0 {
            continue;
        }
        if kw(i, "add") {
            let mut j = i + 1;
            if kw(j, "column") {
                j += 1;
            }
            if kw(j, "if") && kw(j + 1, "not") && kw(j + 2, "exists") {
                j += 3;
            }
            out.extend(column_at(tokens, j, text));
        } else if kw(i, "rename") {
            if let Some(to) = (i + 1..tokens.len().min(i + 8)).find(|&j| kw(j, "to")) {
                if !kw(i + 1, "to") && !kw(i + 1, "constraint") {
                    out.extend(column_at(tokens, to + 1, text));
                }
            }
        }
    }
}

fn create_table_columns(
    statement: &SqlStatement,
    text: &str,
    out: &mut Vec<(Range<usize>, String)>,
) {
    let tokens = &statement.tokens;
    // create [global|local] [temp|temporary|unlogged] table [if not exists] name (
    const MODIFIERS: &[&str] = &["global", "local", "temp", "temporary", "unlogged"];
    let mut table = 1;
    while tokens
        .get(table)
        .is_some_and(|t| MODIFIERS.iter().any(|m| t.is_keyword(text, m)))
    {
        table += 1;
    }
    if !tokens
        .get(table)
        .is_some_and(|t| t.is_keyword(text, "table"))
    {
        return;
    }
    let mut i = table + 1;
    if tokens.get(i).is_some_and(|t| t.is_keyword(text, "if")) {
        i += 3;
    }
    let Some((_, _, next)) = sql::qualified_name_at(statement, i, text) else {
        return;
    };
    if tokens.get(next).map(|t| t.kind) != Some(SqlTokenKind::Punct('(')) {
        return;
    }
    element_heads(tokens, next, text, out);
}

/// The first name of each comma-separated element of the list opened at
/// `open`: column definitions, column lists.
fn element_heads(
    tokens: &[SqlToken],
    open: usize,
    text: &str,
    out: &mut Vec<(Range<usize>, String)>,
) {
    let mut depth = 0usize;
    let mut expect_head = true;
    for i in open..tokens.len() {
        match tokens[i].kind {
            SqlTokenKind::Punct('(' | '[') => {
                depth += 1;
                if depth == 1 {
                    expect_head = true;
                    continue;
                }
            }
            SqlTokenKind::Punct(')' | ']') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return;
                }
            }
            SqlTokenKind::Punct(',') if depth == 1 => {
                expect_head = true;
                continue;
            }
            _ => {}
        }
        if expect_head && depth == 1 {
            out.extend(column_at(tokens, i, text));
        }
        expect_head = false;
    }
}

/// The index of `set` when the `update` at `i` is a write: `update [only] t
/// [[as] alias] set` or `on conflict … do update set`.
fn update_set(statement: &SqlStatement, i: usize, text: &str) -> Option<usize> {
    let tokens = &statement.tokens;
    let kw = |j: usize, k: &str| tokens.get(j).is_some_and(|t| t.is_keyword(text, k));
    if kw(i + 1, "set") {
        return Some(i + 1);
    }
    let mut j = i + 1;
    if kw(j, "only") {
        j += 1;
    }
    let (_, _, mut j) = sql::qualified_name_at(statement, j, text)?;
    if kw(j, "as") {
        j += 1;
    }
    if kw(j, "set") {
        return Some(j);
    }
    let alias = tokens.get(j)?.ident(text)?;
    (alias != "on" && alias != "of" && kw(j + 1, "set")).then_some(j + 1)
}

/// Assignment targets of a `set` list: `a = …, b = …, (c, d) = (…)`.
fn set_targets(
    tokens: &[SqlToken],
    start: usize,
    text: &str,
    out: &mut Vec<(Range<usize>, String)>,
) {
    const END: &[&str] = &["where", "from", "returning"];
    let mut depth = 0usize;
    let mut expect_target = true;
    let mut i = start;
    while i < tokens.len() {
        let token = &tokens[i];
        if depth == 0 && END.iter().any(|k| token.is_keyword(text, k)) {
            return;
        }
        match token.kind {
            SqlTokenKind::Punct('(') if expect_target && depth == 0 => {
                // (a, b) = (…)
                let mut j = i + 1;
                while let Some(t) = tokens.get(j) {
                    match t.kind {
                        SqlTokenKind::Punct(')') => break,
                        SqlTokenKind::Punct(',') => {}
                        _ => out.extend(column_at(tokens, j, text)),
                    }
                    j += 1;
                }
                expect_target = false;
                i = j + 1;
                continue;
            }
            SqlTokenKind::Punct('(' | '[') => depth += 1,
            SqlTokenKind::Punct(')' | ']') => {
                if depth == 0 {
                    return;
                }
                depth -= 1;
            }
            SqlTokenKind::Punct(',') if depth == 0 => {
                expect_target = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        if expect_target && depth == 0 {
            let assigns = tokens
                .get(i + 1)
                .is_some_and(|t| matches!(t.text(text), "=" | "[" | "."));
            if assigns {
                out.extend(column_at(tokens, i, text));
            }
        }
        expect_target = false;
        i += 1;
    }
}

/// `insert into t [as alias] (a, b, …)`, with `i` at the table name.
fn insert_columns(
    statement: &SqlStatement,
    i: usize,
    text: &str,
    out: &mut Vec<(Range<usize>, String)>,
) {
    let tokens = &statement.tokens;
    let Some((_, _, mut j)) = sql::qualified_name_at(statement, i, text) else {
        return;
    };
    if tokens.get(j).is_some_and(|t| t.is_keyword(text, "as")) {
        j += 2;
    }
    if tokens.get(j).map(|t| t.kind) == Some(SqlTokenKind::Punct('(')) {
        element_heads(tokens, j, text, out);
    }
}

// ---- rows handed to helpers -----------------------------------------------------

/// Whether the text may write a column it does not spell: a write call on a
/// file that also makes a table call (a key that is an imported constant),
/// or, in TS/JS, a computed key `[NAME]:` (a row handed to a helper). A
/// cheap scan that spares the parse of files whose `.update(` is a dict's or
/// a hash's.
pub fn may_write_column_through_constant(text: &str, family: crate::lang::Family) -> bool {
    let writes = WRITE_METHODS.iter().any(|m| {
        let call = format!(".{m}(");
        text.match_indices(&call)
            .any(|(at, _)| row_may_hide_a_key(&text[at + call.len()..], family))
    });
    (writes && crate::facts::tables::has_table_call(text))
        || (family == crate::lang::Family::Js && has_computed_name_key(text))
}

/// Whether the row a write call is given (`rest` starts right after its
/// `(`) may hold a key this file does not spell. An object or dict literal
/// spells every key it writes unless a key is computed (`[col]: v`), a
/// Python name (`{STATUS_COLUMN: v}`) or spread in (`...patch`,
/// `**patch`); anything else (`update(patch)`, `update(build())`) is a row
/// built elsewhere. A literal this scan cannot close counts as hiding one.
fn row_may_hide_a_key(rest: &str, family: crate::lang::Family) -> bool {
    let arg = rest.trim_start();
    if !arg.starts_with(['{', '[']) {
        return true;
    }
    let Some(literal) = balanced_literal(arg) else {
        return true;
    };
    if literal.contains("...") || literal.contains("**") {
        return true;
    }
    match family {
        crate::lang::Family::Python => has_name_key(literal),
        _ => literal[1..].contains('['),
    }
}

/// The bracketed literal `text` opens, through its closing bracket, with
/// quoted strings skipped; `None` past 4,000 bytes or at a mismatch.
fn balanced_literal(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len().min(4_000) {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'"' | b'\'' | b'`' => quote = Some(b),
                b'{' | b'[' | b'(' => depth += 1,
                b'}' | b']' | b')' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return text.get(..=i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// A Python dict literal with a key that is a name, not a string:
/// `{STATUS_COLUMN: "connected"}`.
fn has_name_key(literal: &str) -> bool {
    let bytes = literal.as_bytes();
    literal.match_indices(':').any(|(at, _)| {
        let before = literal[..at].trim_end();
        let name_start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .map_or(0, |i| i + 1);
        let name = &before[name_start..];
        let opener = before[..name_start].trim_end().as_bytes().last().copied();
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && matches!(opener, Some(b'{' | b','))
            && bytes.get(at + 1) != Some(&b'=')
    })
}

/// `[NAME]:` or `[Columns.status]:`, a computed object key holding a name
/// written as constants are (a capital first letter).
fn has_computed_name_key(text: &str) -> bool {
    text.match_indices("]:").any(|(at, _)| {
        let before = text.get(..at).unwrap_or_default();
        let Some(open) = before
            .get(before.len().saturating_sub(100)..)
            .and_then(|b| b.rfind('['))
        else {
            return false;
        };
        let inner = before
            .get(before.len().saturating_sub(100)..)
            .and_then(|b| b.get(open + 1..))
            .unwrap_or_default();
        !inner.is_empty()
            && inner.chars().next().is_some_and(|c| c.is_uppercase())
            && inner
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
    })
}

/// A row literal passed to a function that may write it elsewhere:
/// `saveRow({ [STATUS]: 'connected' })`, `save_row(org_id, patch)` with
/// `patch = {…}` above.
pub struct HelperRow {
    /// The callee as written (`saveRow`, `db.saveRow`).
    pub callee: String,
    /// The argument's position.
    pub param: usize,
    pub keys: Vec<Key>,
}

/// Rows (object literals, or names bound to one in this file) passed to
/// calls whose callee `may_be_helper` accepts, other than query-builder
/// writes themselves.
pub fn ts_helper_rows<'t>(
    root: Node<'t>,
    calls: &[Node<'t>],
    src: &str,
    may_be_helper: &dyn Fn(&str) -> bool,
) -> Vec<HelperRow> {
    let mut rows = Vec::new();
    for &node in calls {
        let Some(call) = ts::call(node) else {
            continue;
        };
        if call.receiver.is_some() && WRITE_METHODS.contains(&text(call.name, src)) {
            continue;
        }
        let Some(callee) = node
            .field("function")
            .and_then(|f| crate::facts::flow::ts_dotted_name(f, src))
            .filter(|c| may_be_helper(c))
        else {
            continue;
        };
        for (param, arg) in call.args.iter().enumerate() {
            let mut value = ts::unwrap_expression(*arg);
            if value.kind_str() == "identifier" {
                match ts::const_initializer(root, src, text(value, src), value.start_byte()) {
                    Some(init) => value = ts::unwrap_expression(init),
                    None => continue,
                }
            }
            if value.kind_str() != "object" {
                continue;
            }
            let mut keys = Vec::new();
            ts_row_keys(root, src, value, node, 0, &mut keys);
            if !keys.is_empty() {
                rows.push(HelperRow {
                    callee: callee.clone(),
                    param,
                    keys,
                });
            }
        }
    }
    rows
}

/// The Python counterpart of [`ts_helper_rows`]: dict literals, or names
/// assigned one.
pub fn py_helper_rows<'t>(
    root: Node<'t>,
    calls: &[Node<'t>],
    src: &str,
    may_be_helper: &dyn Fn(&str) -> bool,
) -> Vec<HelperRow> {
    let mut rows = Vec::new();
    for &node in calls {
        let Some(call) = py::call(node) else {
            continue;
        };
        if call.receiver.is_some() && WRITE_METHODS.contains(&text(call.name, src)) {
            continue;
        }
        let Some(callee) = node
            .field("function")
            .and_then(|f| py::dotted_name(f, src))
            .filter(|c| may_be_helper(c))
        else {
            continue;
        };
        for (param, arg) in call.args.iter().enumerate() {
            let mut value = py::unwrap_expression(*arg);
            if value.kind_str() == "identifier" {
                match py::assignment_value(root, src, text(value, src), value.start_byte()) {
                    Some(assigned) => value = py::unwrap_expression(assigned),
                    None => continue,
                }
            }
            if value.kind_str() != "dictionary" {
                continue;
            }
            let mut keys = Vec::new();
            py_row_keys(root, src, value, node, 0, &mut keys);
            if !keys.is_empty() {
                rows.push(HelperRow {
                    callee: callee.clone(),
                    param,
                    keys,
                });
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Family;

    #[test]
    fn a_file_spells_a_glob_when_it_spells_all_its_parts() {
        let globs = ColumnGlobs::new(
            "columns",
            &["integration_*_status".to_string(), "legacy_*".to_string()],
        )
        .unwrap();
        let spelled = globs.spelled_parts();
        for text in [
            "update({ integration_gcp_status: 1 })",
            "update({ [`integration_${p}_status`]: 1 })",
            "d[f\"INTEGRATION_{p}_STATUS\"] = 1",
            "const PREFIX = 'integration_';\n/* … */ row[PREFIX + p + '_status'] = 1",
            "db.update(orgs).set({ integrationGcpStatus: 'ok' })",
            "insert({ legacy_flag: true })",
        ] {
            assert!(spelled.is_spelled_in(text), "{text}");
        }
        for text in [
            "import { IntegrationCard } from './card'",
            "setState('integration')",
            "update({ status: 1 })",
            // The parts, but in no name a column could have.
            "const { integration_id, payment_status } = row;",
            "if (integration.status === 'ok') log('integration', status);",
            "",
        ] {
            assert!(!spelled.is_spelled_in(text), "{text}");
        }
        let underscores = ColumnGlobs::new("columns", &["_*".to_string()]).unwrap();
        assert!(underscores.spelled_parts().is_spelled_in("anything"));
    }

    #[test]
    fn the_scan_for_writes_through_names() {
        let js = Family::Js;
        assert!(may_write_column_through_constant(
            "db.from(T).update(patch)",
            js
        ));
        assert!(may_write_column_through_constant(
            "saveRow(id, { [STATUS_COLUMN]: 'x' })",
            js
        ));
        assert!(!may_write_column_through_constant(
            "prisma.user.update({ where })",
            js
        ));
        assert!(!may_write_column_through_constant(
            "const o = { [field]: value }; Array.from(xs).map(f); hash.update(x)",
            js
        ));
        assert!(!may_write_column_through_constant(
            "def f() -> Optional[Flow]:\n    d.update(x)",
            Family::Python
        ));
        // A literal row spells its keys, unless one is computed, a name or
        // spread in.
        let py = Family::Python;
        for (text, family) in [
            (
                "supabase.from('orgs').update({ status: 'ok', note: `a ${b}` })",
                js,
            ),
            ("supabase.from('orgs').insert([{ id, name: 'x' }])", js),
            (
                "sb.table('orgs').update({'status': 'ok', 'n': f(x)}).execute()",
                py,
            ),
            (
                "sb.table('orgs').upsert(\n    {\"id\": i, \"s\": {\"a\": 1}}\n)",
                py,
            ),
        ] {
            assert!(!may_write_column_through_constant(text, family), "{text}");
        }
        for (text, family) in [
            ("supabase.from('orgs').update({ [col]: 'ok' })", js),
            ("supabase.from('orgs').update({ ...patch, at: now })", js),
            ("supabase.from('orgs').update(buildRow(p))", js),
            ("supabase.from('orgs').update({ note: 'never closed'", js),
            (
                "sb.table('orgs').update({STATUS_COLUMN: 'ok'}).execute()",
                py,
            ),
            ("sb.table('orgs').update({'a': 1, cols.STATUS: 2})", py),
            ("sb.table('orgs').update({**patch, 'at': now})", py),
        ] {
            assert!(may_write_column_through_constant(text, family), "{text}");
        }
    }
}

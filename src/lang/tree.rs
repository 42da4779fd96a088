//! tree-sitter parsing with one parser per thread, and node helpers shared by
//! the JS-family and Python front ends.

use std::cell::RefCell;
use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

use super::Language;

thread_local! {
    static PARSERS: RefCell<Vec<(Language, Parser)>> = const { RefCell::new(Vec::new()) };
}

/// Node kinds and fields read through per-thread tables. tree-sitter's own
/// `kind()` measures and validates the kind's C string on every call, and
/// `child_by_field_name` compares the name with every field of the grammar;
/// rules ask both of most nodes of every tree they walk.
pub trait NodeExt<'t> {
    /// The node's kind, as `Node::kind` gives it.
    fn kind_str(&self) -> &'static str;
    /// The child in field `name`, as `Node::child_by_field_name` gives it.
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

/// A grammar told apart from the others plumbline loads by its counts of
/// kinds and fields (a test checks they differ), without unsafe code to
/// read its pointer.
type GrammarKey = (usize, usize);

fn grammar_key(language: &tree_sitter::Language) -> GrammarKey {
    (language.node_kind_count(), language.field_count())
}

/// Slots of the field-id cache; a slot holds the last name that hashed to it.
const FIELD_SLOTS: usize = 256;

/// A cached field id: the name's address and length, its grammar, its id
/// (0 when the grammar has no such field).
type FieldSlot = ((usize, usize), GrammarKey, u16);

thread_local! {
    static KIND_NAMES: RefCell<Vec<(GrammarKey, Vec<&'static str>)>> =
        const { RefCell::new(Vec::new()) };
    static FIELD_IDS: RefCell<Vec<FieldSlot>> =
        RefCell::new(vec![((0, 0), (0, 0), 0); FIELD_SLOTS]);
}

impl<'t> NodeExt<'t> for Node<'t> {
    fn kind_str(&self) -> &'static str {
        let language = self.language();
        let key = grammar_key(&language);
        let id = usize::from(self.kind_id());
        KIND_NAMES.with(|tables| {
            let mut tables = tables.borrow_mut();
            let index = match tables.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    let names = (0..language.node_kind_count())
                        .map(|id| {
                            u16::try_from(id)
                                .ok()
                                .and_then(|id| language.node_kind_for_id(id))
                                .unwrap_or("")
                        })
                        .collect();
                    tables.push((key, names));
                    tables.len() - 1
                }
            };
            match tables[index].1.get(id) {
                Some(name) => *name,
                None => self.kind(),
            }
        })
    }

    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        let language = self.language();
        let key = grammar_key(&language);
        // Field names are literals: their address and length name them.
        let address = (name.as_ptr() as usize, name.len());
        let slot = ((address.0 >> 3) ^ address.1 ^ key.1).wrapping_mul(0x9E37_79B9) % FIELD_SLOTS;
        let id = FIELD_IDS.with(|cache| {
            let mut cache = cache.borrow_mut();
            let entry = &mut cache[slot];
            if entry.0 == address && entry.1 == key {
                return entry.2;
            }
            let id = language.field_id_for_name(name).map_or(0, |id| id.get());
            *entry = (address, key, id);
            id
        });
        if id == 0 {
            return None;
        }
        self.child_by_field_id(id)
    }
}

pub fn grammar(language: Language) -> Option<tree_sitter::Language> {
    Some(match language {
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Language::Tsx | Language::JavaScript => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Language::Python => tree_sitter_python::LANGUAGE.into(),
        _ => return None,
    })
}

/// Parses with a thread-local parser. tree-sitter recovers from syntax
/// errors, so a broken file still yields a tree whose valid parts rules read.
pub fn parse(language: Language, text: &str) -> Option<Tree> {
    with_parser(language, |parser| parser.parse(text, None))
}

/// Runs `f` with this thread's parser for `language`, made on first use.
fn with_parser<T>(language: Language, f: impl FnOnce(&mut Parser) -> Option<T>) -> Option<T> {
    let grammar = grammar(language)?;
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let index = match parsers.iter().position(|(l, _)| *l == language) {
            Some(i) => i,
            None => {
                let mut parser = Parser::new();
                parser.set_language(&grammar).ok()?;
                parsers.push((language, parser));
                parsers.len() - 1
            }
        };
        f(&mut parsers[index].1)
    })
}

/// Parses `new_text` reusing `old_tree` (the tree of `old_text`): the
/// texts' common prefix and suffix bound the one edit tree-sitter is told
/// about, so only that region is parsed again.
pub fn reparse(
    language: Language,
    old_tree: &Tree,
    old_text: &str,
    new_text: &str,
) -> Option<Tree> {
    let (old, new) = (old_text.as_bytes(), new_text.as_bytes());
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let point = |text: &[u8], offset: usize| {
        let before = &text[..offset];
        let row = before.iter().filter(|&&b| b == b'\n').count();
        let column = offset
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
        tree_sitter::Point { row, column }
    };
    let edit = tree_sitter::InputEdit {
        start_byte: prefix,
        old_end_byte: old.len() - suffix,
        new_end_byte: new.len() - suffix,
        start_position: point(old, prefix),
        old_end_position: point(old, old.len() - suffix),
        new_end_position: point(new, new.len() - suffix),
    };
    let mut edited = old_tree.clone();
    edited.edit(&edit);
    with_parser(language, |parser| parser.parse(new_text, Some(&edited)))
}

/// The source text of a node.
pub fn text<'a>(node: Node<'_>, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or_default()
}

/// Visits every node depth-first; the callback returns whether to descend.
pub fn walk<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if visit(node) && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
        // `goto_parent` stops at the root we started from because the
        // cursor was created on it.
    }
}

/// The call nodes under `root` (TS/JS `call_expression`, Python `call`),
/// in document order: outer calls before the calls in their arguments.
pub fn calls(root: Node<'_>) -> Vec<Node<'_>> {
    let language = root.language();
    // Symbol ids compare faster than kind names; 0 (the end symbol) stands
    // for a kind this grammar lacks and no node has it.
    let kinds = ["call_expression", "call"].map(|kind| language.id_for_node_kind(kind, true));
    let mut calls = Vec::new();
    walk(root, |node| {
        let kind = node.kind_id();
        if kind != 0 && kinds.contains(&kind) {
            calls.push(node);
        }
        node.child_count() > 0
    });
    calls
}

/// Named children of a node, collected (tree-sitter's iterator borrows a cursor).
pub fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// The nearest ancestor (or the node itself) whose kind is in `kinds`.
pub fn ancestor<'t>(node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    let mut current = Some(node);
    while let Some(n) = current {
        if kinds.contains(&n.kind_str()) {
            return Some(n);
        }
        current = n.parent();
    }
    None
}

/// Placeholder for an interpolated part of a string (`${x}`, `{x}`), so that
/// a computed name like `integration_${p}_status` still matches a glob.
pub const SUBSTITUTION: char = '\u{1A}';

/// A string literal's contents as written (escapes are kept verbatim), with
/// each substitution replaced by [`SUBSTITUTION`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrLit {
    pub value: String,
    /// The whole literal, quotes included.
    pub span: Range<usize>,
    /// Byte offset in the file of each char boundary of `value`'s pieces:
    /// `pieces[i] = (offset in value, offset in file)`, so a match inside the
    /// value maps back to the file.
    pub pieces: Vec<(usize, usize)>,
    pub substitutions: usize,
}

impl StrLit {
    /// Whether the literal is a fixed string (no substitutions).
    pub fn is_static(&self) -> bool {
        self.substitutions == 0
    }

    /// The value with substitutions rendered as `x`, for glob matching.
    pub fn with_placeholders(&self) -> String {
        self.value.replace(SUBSTITUTION, "x")
    }

    /// File span of `value[range]`, when that range lies in one piece.
    pub fn file_span(&self, range: Range<usize>) -> Range<usize> {
        let piece = self.pieces.partition_point(|&(v, _)| v <= range.start);
        if piece == 0 {
            return self.span.clone();
        }
        let (value_start, file_start) = self.pieces[piece - 1];
        let next_value_start = self.pieces.get(piece).map_or(self.value.len(), |&(v, _)| v);
        if range.end > next_value_start {
            return self.span.clone();
        }
        let start = file_start + (range.start - value_start);
        start..start + range.len()
    }

    pub(crate) fn push_piece(&mut self, file_offset: usize, text: &str) {
        self.pieces.push((self.value.len(), file_offset));
        self.value.push_str(text);
    }

    pub(crate) fn push_substitution(&mut self) {
        self.value.push(SUBSTITUTION);
        self.substitutions += 1;
    }

    /// Joins two literals folded by concatenation.
    pub fn concat(mut self, other: StrLit) -> StrLit {
        let shift = self.value.len();
        self.pieces
            .extend(other.pieces.iter().map(|&(v, f)| (v + shift, f)));
        self.value.push_str(&other.value);
        self.substitutions += other.substitutions;
        self.span = self.span.start.min(other.span.start)..self.span.end.max(other.span.end);
        self
    }

    pub fn empty(span: Range<usize>) -> StrLit {
        StrLit {
            value: String::new(),
            span,
            pieces: Vec::new(),
            substitutions: 0,
        }
    }
}

/// A glob over identifiers where `*` matches any run of characters, used for
/// names such as `save*IntegrationStatus` or `integration_*_status`.
#[derive(Clone, Debug)]
pub struct NameGlob {
    parts: Vec<String>,
    case_insensitive: bool,
}

impl NameGlob {
    pub fn new(pattern: &str) -> NameGlob {
        NameGlob {
            parts: pattern.split('*').map(str::to_string).collect(),
            case_insensitive: false,
        }
    }

    pub fn case_insensitive(mut self) -> NameGlob {
        self.case_insensitive = true;
        self.parts = self.parts.iter().map(|p| p.to_ascii_lowercase()).collect();
        self
    }

    /// The longest fixed piece: a literal every match must contain.
    pub fn longest_literal(&self) -> &str {
        self.parts
            .iter()
            .max_by_key(|p| p.len())
            .map_or("", String::as_str)
    }

    pub fn is_match(&self, name: &str) -> bool {
        let lowered;
        let name = if self.case_insensitive {
            lowered = name.to_ascii_lowercase();
            lowered.as_str()
        } else {
            name
        };
        let (first, rest) = self.parts.split_first().expect("split yields one part");
        let Some(mut remaining) = name.strip_prefix(first.as_str()) else {
            return false;
        };
        let Some((last, middle)) = rest.split_last() else {
            return remaining.is_empty();
        };
        for part in middle {
            match remaining.find(part.as_str()) {
                Some(i) => remaining = crate::source::slice(remaining, i + part.len()..),
                None => return false,
            }
        }
        remaining.len() >= last.len() && remaining.ends_with(last.as_str())
    }
}

/// Converts a camelCase glob such as `save*IntegrationStatus` to the
/// snake_case form Python code uses (`save_*_integration_status`).
pub fn snake_case_glob(pattern: &str) -> String {
    let mut out = String::new();
    let mut prev: Option<char> = None;
    for c in pattern.chars() {
        if c.is_ascii_uppercase() {
            if matches!(prev, Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() || p == '*') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '*' {
            if matches!(prev, Some(p) if p.is_ascii_alphanumeric()) {
                out.push('_');
            }
            out.push('*');
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    out
}

/// Converts an identifier to lower snake_case: `accessToken` → `access_token`,
/// `APIKey` → `api_key`, `Refresh-Token` → `refresh_token`. Names compare
/// across camelCase code and snake_case columns through this.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if (prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower))
                && !out.is_empty()
                && !out.ends_with('_')
            {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// How a node takes part in a `+` string concatenation.
enum ConcatShape<'t> {
    /// A string literal: folded by the grammar's own reader.
    Literal,
    /// `( inner )`.
    Paren(Node<'t>),
    /// `left + right`.
    Plus(Node<'t>, Node<'t>),
    /// Anything else: a value that is not a string.
    Other,
}

/// One step of [`fold_concatenation`]'s left-to-right pass.
enum ConcatItem<'t> {
    Node(Node<'t>),
    /// An operand that folds to no string: one substitution.
    Substitution(Range<usize>),
}

/// Folds a `+` chain of string literals into one [`StrLit`]; operands that
/// are not strings become substitutions, and a chain without any string is
/// `None`. `binary_kind` is the grammar's binary expression kind,
/// `literal_kinds` the kinds `literal` reads. Iterative and linear in the
/// size of the chain, however long or deeply parenthesized it is.
pub fn fold_concatenation<'t>(
    root: Node<'t>,
    src: &str,
    binary_kind: &str,
    literal_kinds: &[&str],
    literal: impl Fn(Node<'t>, &str) -> Option<StrLit>,
) -> Option<StrLit> {
    use std::collections::HashMap;
    let shape = |n: Node<'t>| -> ConcatShape<'t> {
        let kind = n.kind_str();
        if literal_kinds.contains(&kind) {
            ConcatShape::Literal
        } else if kind == "parenthesized_expression" {
            n.named_child(0)
                .map_or(ConcatShape::Other, ConcatShape::Paren)
        } else if kind == binary_kind {
            match (n.field("operator"), n.field("left"), n.field("right")) {
                (Some(op), Some(l), Some(r)) if text(op, src) == "+" => ConcatShape::Plus(l, r),
                _ => ConcatShape::Other,
            }
        } else {
            ConcatShape::Other
        }
    };
    // Post-order: which nodes fold to a string, and the literals' values.
    let mut folds: HashMap<usize, bool> = HashMap::new();
    let mut literals: HashMap<usize, StrLit> = HashMap::new();
    let mut stack = vec![(root, false)];
    while let Some((n, children_done)) = stack.pop() {
        let folded = match shape(n) {
            ConcatShape::Literal => match literal(n, src) {
                Some(lit) => {
                    literals.insert(n.id(), lit);
                    true
                }
                None => false,
            },
            ConcatShape::Other => false,
            ConcatShape::Paren(inner) if children_done => folds.get(&inner.id()) == Some(&true),
            ConcatShape::Plus(l, r) if children_done => {
                folds.get(&l.id()) == Some(&true) || folds.get(&r.id()) == Some(&true)
            }
            ConcatShape::Paren(inner) => {
                stack.extend([(n, true), (inner, false)]);
                continue;
            }
            ConcatShape::Plus(l, r) => {
                stack.extend([(n, true), (l, false), (r, false)]);
                continue;
            }
        };
        folds.insert(n.id(), folded);
    }
    if folds.get(&root.id()) != Some(&true) {
        return None;
    }
    // In order, left to right: each piece is appended to the result.
    let mut out: Option<StrLit> = None;
    let mut append = |lit: StrLit| {
        out = Some(match out.take() {
            Some(done) => done.concat(lit),
            None => lit,
        });
    };
    let mut todo = vec![ConcatItem::Node(root)];
    while let Some(item) = todo.pop() {
        let n = match item {
            ConcatItem::Substitution(range) => {
                let mut sub = StrLit::empty(range);
                sub.push_substitution();
                append(sub);
                continue;
            }
            ConcatItem::Node(n) => n,
        };
        match shape(n) {
            ConcatShape::Literal | ConcatShape::Other => {
                if let Some(lit) = literals.remove(&n.id()) {
                    append(lit);
                }
            }
            ConcatShape::Paren(inner) => todo.push(ConcatItem::Node(inner)),
            ConcatShape::Plus(l, r) => {
                for side in [r, l] {
                    todo.push(if folds.get(&side.id()) == Some(&true) {
                        ConcatItem::Node(side)
                    } else {
                        ConcatItem::Substitution(side.byte_range())
                    });
                }
            }
        }
    }
    out
}

/// The path from the root of a [`walk_with_path`] to the node it visits,
/// with the top of the `+` string concatenation each node belongs to, so a
/// visitor needs no `parent()` calls (each costs a walk down from the root).
pub struct TreePath<'t> {
    nodes: Vec<Node<'t>>,
    /// `tops[i]`: index in `nodes` of the highest node reached from
    /// `nodes[i]` by climbing through `+` expressions and parentheses.
    tops: Vec<usize>,
    binary_kind: &'static str,
}

impl<'t> TreePath<'t> {
    /// The node being visited.
    pub fn node(&self) -> Node<'t> {
        self.nodes[self.nodes.len() - 1]
    }

    /// How many nodes are above the visited node (0 at the root).
    pub fn depth(&self) -> usize {
        self.nodes.len() - 1
    }

    /// The `n`th ancestor of the visited node (1 = its parent).
    pub fn ancestor(&self, n: usize) -> Option<Node<'t>> {
        self.nodes.len().checked_sub(n + 1).map(|i| self.nodes[i])
    }

    /// The top of the `+` chain that the visited node's `up`th ancestor
    /// (0 = the node itself) is an operand of, or that ancestor when it is
    /// not an operand of a `+`.
    pub fn concat_top(&self, up: usize) -> Node<'t> {
        self.ancestor(self.concat_top_up(up)).unwrap_or(self.node())
    }

    /// How many levels above the visited node [`TreePath::concat_top`] is.
    pub fn concat_top_up(&self, up: usize) -> usize {
        let last = self.nodes.len() - 1;
        let Some(start) = last.checked_sub(up) else {
            return 0;
        };
        match start.checked_sub(1) {
            Some(parent) if self.is_plus(self.nodes[parent]) => last - self.tops[parent],
            _ => up,
        }
    }

    fn is_plus(&self, node: Node<'t>) -> bool {
        node.kind_str() == self.binary_kind
            && node
                .field("operator")
                .is_some_and(|op| op.kind_str() == "+")
    }

    fn push(&mut self, node: Node<'t>) {
        let index = self.nodes.len();
        let top = match index.checked_sub(1) {
            Some(parent)
                if self.is_plus(self.nodes[parent])
                    || self.nodes[parent].kind_str() == "parenthesized_expression" =>
            {
                self.tops[parent]
            }
            _ => index,
        };
        self.nodes.push(node);
        self.tops.push(top);
    }

    fn pop(&mut self) {
        self.nodes.pop();
        self.tops.pop();
    }
}

/// Like [`walk`], giving the visitor the whole path to the node, where
/// `binary_kind` is the grammar's binary expression kind. Iterative.
pub fn walk_with_path<'t>(
    root: Node<'t>,
    binary_kind: &'static str,
    mut visit: impl FnMut(&TreePath<'t>) -> bool,
) {
    let mut path = TreePath {
        nodes: Vec::new(),
        tops: Vec::new(),
        binary_kind,
    };
    path.push(root);
    let mut cursor = root.walk();
    loop {
        if visit(&path) && cursor.goto_first_child() {
            path.push(cursor.node());
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                path.pop();
                path.push(cursor.node());
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            path.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_reparse_matches_a_fresh_parse() {
        let old = "const a = 1;\nfunction f() { return a; }\n";
        let new = "const a = 1;\nfunction g(x) { return a + x; }\nconst b = 2;\n";
        let old_tree = parse(Language::TypeScript, old).unwrap();
        let re = reparse(Language::TypeScript, &old_tree, old, new).unwrap();
        let fresh = parse(Language::TypeScript, new).unwrap();
        assert_eq!(re.root_node().to_sexp(), fresh.root_node().to_sexp());
    }

    #[test]
    fn name_globs() {
        let g = NameGlob::new("save*IntegrationStatus");
        assert!(g.is_match("saveGcpIntegrationStatus"));
        assert!(g.is_match("saveIntegrationStatus"));
        assert!(!g.is_match("saveIntegrationSettings"));
        assert!(!g.is_match("getGcpIntegrationStatus"));
        let c = NameGlob::new("integration_*_status");
        assert!(c.is_match("integration_gcp_status"));
        assert!(!c.is_match("integration_notes"));
        assert!(!c.is_match("integration_status"));
        assert_eq!(c.longest_literal(), "integration_");
        assert!(NameGlob::new("exact").is_match("exact"));
        assert!(!NameGlob::new("exact").is_match("exactly"));
    }

    #[test]
    fn snake_case_names() {
        for (name, snake) in [
            ("accessToken", "access_token"),
            ("refresh_token", "refresh_token"),
            ("APIKey", "api_key"),
            ("openAIApiKey", "open_ai_api_key"),
            ("Refresh-Token", "refresh_token"),
            ("__secret__", "secret"),
            ("token2Fa", "token2_fa"),
            ("ID", "id"),
        ] {
            assert_eq!(snake_case(name), snake, "{name}");
        }
    }

    #[test]
    fn snake_globs() {
        assert_eq!(
            snake_case_glob("save*IntegrationStatus"),
            "save_*_integration_status"
        );
        assert_eq!(
            snake_case_glob("createServiceRoleClient"),
            "create_service_role_client"
        );
        assert_eq!(
            snake_case_glob("getUncachable*Client"),
            "get_uncachable_*_client"
        );
    }

    #[test]
    fn grammars_have_distinct_keys() {
        let keys: Vec<GrammarKey> = [Language::TypeScript, Language::Tsx, Language::Python]
            .into_iter()
            .map(|l| grammar_key(&grammar(l).unwrap()))
            .collect();
        assert_ne!(keys[0], keys[1]);
        assert_ne!(keys[0], keys[2]);
        assert_ne!(keys[1], keys[2]);
    }

    #[test]
    fn cached_kinds_and_fields_agree_with_tree_sitter() {
        const FIELDS: &[&str] = &[
            "name",
            "value",
            "function",
            "arguments",
            "object",
            "property",
            "left",
            "right",
            "body",
            "key",
            "attribute",
            "operator",
            "nosuchfield",
        ];
        let sources = [
            (
                Language::TypeScript,
                "const a: T = f(x).y; class C { m() { return { k: 1 } } }",
            ),
            (
                Language::Tsx,
                "export default () => <A b={c.d} />; a = b + c;",
            ),
            (
                Language::Python,
                "def f(a=1):\n    return g(a).h[0] + x.y\nclass C: pass\n",
            ),
        ];
        // Twice over, so the second pass reads the caches.
        for _ in 0..2 {
            for (language, text) in sources {
                let tree = parse(language, text).unwrap();
                walk(tree.root_node(), |node| {
                    assert_eq!(node.kind_str(), node.kind());
                    for field in FIELDS {
                        assert_eq!(node.field(field), node.child_by_field_name(field));
                    }
                    true
                });
            }
        }
    }
}

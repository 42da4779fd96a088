//! The string literals of code and config that a value could be written
//! in, each with the name it is bound to: a variable, constant, assignment
//! target, object or dict key, keyword argument, class field, enum member,
//! default parameter, JSX attribute, header set with `headers.set(name, …)`
//! or Rust `.header(name, …)`, Rust `const`/`static`/`let` or struct field,
//! a config key, a Kubernetes or ECS `name`/`value` pair, the variable an
//! environment read with a default reads (`os.getenv("NAME", "…")`,
//! `env::var("NAME").unwrap_or("…")`, `process.env.NAME ?? "…"`), and
//! `authorization`/`password` for Rust's `.bearer_auth(…)`/`.basic_auth(…)`.
//!
//! Comments, docstrings, type annotations, module specifiers and Rust
//! `#[cfg(test)]` code are not read. Rust that syn cannot parse is read
//! lexically, with no names.

use std::collections::HashMap;
use std::ops::Range;

use quote::ToTokens;
use tree_sitter::Node;

use crate::lang::config_files::ConfigScalar;
use crate::lang::tree::{self, NodeExt, StrLit};
use crate::lang::{python, typescript, Family, Language, ParsedFile};

/// One string of a file and what it is bound to.
pub struct BoundString<'a> {
    pub lit: &'a StrLit,
    /// The name the string is bound to, worked out when asked (it climbs
    /// the tree).
    pub name: &'a dyn Fn() -> Option<String>,
    /// A Kubernetes `Secret`'s `data` value: base64 text, read whatever
    /// `near` says.
    pub base64: bool,
}

/// Calls `visit` with each string of a TS/JS, Python, Rust or config file
/// in source order. Only strings that `near` says overlap a place of
/// interest are read, and only subtrees it accepts are walked (Rust that
/// syn cannot parse is read whole).
pub fn bound_strings(
    file: &ParsedFile,
    near: &dyn Fn(&Range<usize>) -> bool,
    visit: &mut dyn FnMut(BoundString<'_>),
) {
    match file.language.family() {
        Family::Js => js_strings(file, near, visit),
        Family::Python => python_strings(file, near, visit),
        Family::Rust => rust_strings(file, near, visit),
        Family::Config => config_strings(file, near, visit),
        Family::Sql | Family::Prisma | Family::Text => {}
    }
}

fn js_strings(
    file: &ParsedFile,
    near: &dyn Fn(&Range<usize>) -> bool,
    visit: &mut dyn FnMut(BoundString<'_>),
) {
    let Some(tree) = file.tree() else { return };
    let src = file.text();
    tree::walk(tree.root_node(), |node| {
        if !near(&node.byte_range()) {
            return false;
        }
        match node.kind_str() {
            "comment"
            | "type_annotation"
            | "type_alias_declaration"
            | "interface_declaration"
            | "literal_type"
            | "type_arguments"
            | "ambient_declaration" => false,
            // The keyword of `x as string` is an unnamed `string` node.
            "string" | "template_string" if node.is_named() => {
                if !is_module_specifier(node, src) {
                    if let Some(lit) = typescript::string_literal(node, src) {
                        let name = || js_binding(node, src);
                        visit(BoundString {
                            lit: &lit,
                            name: &name,
                            base64: false,
                        });
                    }
                }
                node.kind_str() == "template_string"
            }
            _ => true,
        }
    });
}

fn python_strings(
    file: &ParsedFile,
    near: &dyn Fn(&Range<usize>) -> bool,
    visit: &mut dyn FnMut(BoundString<'_>),
) {
    let Some(tree) = file.tree() else { return };
    let src = file.text();
    tree::walk(tree.root_node(), |node| {
        if !near(&node.byte_range()) {
            return false;
        }
        match node.kind_str() {
            "comment" | "type" => false,
            "expression_statement" => !is_docstring(node),
            "string" => {
                if let Some(lit) = python::string_literal(node, src) {
                    let name = || py_binding(node, src);
                    visit(BoundString {
                        lit: &lit,
                        name: &name,
                        base64: false,
                    });
                }
                true
            }
            _ => true,
        }
    });
}

fn rust_strings(
    file: &ParsedFile,
    near: &dyn Fn(&Range<usize>) -> bool,
    visit: &mut dyn FnMut(BoundString<'_>),
) {
    let Some(syntax) = file.rust().file() else {
        // A half-written file in an agent's edit: nothing names its strings.
        for lit in crate::lang::rust::string_literals_lexically(file.text()) {
            visit(BoundString {
                lit: &lit,
                name: &|| None,
                base64: false,
            });
        }
        return;
    };
    let mut bindings = RustBindings::default();
    syn::visit::Visit::visit_file(&mut bindings, syntax);
    for lit in crate::lang::rust::string_literals(syntax) {
        if !near(&lit.span) || bindings.tests.iter().any(|t| t.contains(&lit.span.start)) {
            continue;
        }
        let name = || bindings.names.get(&lit.span.start).cloned();
        visit(BoundString {
            lit: &lit,
            name: &name,
            base64: false,
        });
    }
}

fn config_strings(
    file: &ParsedFile,
    near: &dyn Fn(&Range<usize>) -> bool,
    visit: &mut dyn FnMut(BoundString<'_>),
) {
    let scalars = file.config_scalars();
    let text = file.text();
    let k8s_secret = file.language == Language::Yaml
        && scalars
            .windows(2)
            .any(|w| w[0].is_key && w[0].value == "kind" && !w[1].is_key && w[1].value == "Secret");
    // YAML keys by indentation, to know which section a value is in.
    let mut keys: Vec<(usize, &str)> = Vec::new();
    for (i, scalar) in scalars.iter().enumerate() {
        if scalar.is_key {
            if file.language == Language::Yaml {
                let indent = column(text, scalar.span.start);
                while keys.last().is_some_and(|(k, _)| *k >= indent) {
                    keys.pop();
                }
                keys.push((indent, &scalar.value));
            }
            continue;
        }
        let raw = crate::source::slice(text, scalar.value_span.clone());
        let base64 = k8s_secret
            && keys.len() >= 2
            && matches!(keys[keys.len() - 2].1, "data" | "binaryData");
        let span = if base64 {
            scalar.value_span.clone()
        } else if near(&scalar.span) {
            scalar.span.clone()
        } else {
            continue;
        };
        let mut lit = StrLit::empty(span);
        lit.push_piece(scalar.value_span.start, raw);
        let name = || config_binding(scalars, i).map(str::to_string);
        visit(BoundString {
            lit: &lit,
            name: &name,
            base64,
        });
    }
}

/// The column (in bytes) at which `offset` sits on its line.
fn column(text: &str, offset: usize) -> usize {
    offset
        - crate::source::slice(text, ..offset)
            .rfind('\n')
            .map_or(0, |i| i + 1)
}

/// The name a config value is bound to: its key, or for a
/// `name: X` / `value: …` pair (Kubernetes and ECS environment lists) the
/// `name`.
fn config_binding<'a>(scalars: &'a [ConfigScalar<'static>], i: usize) -> Option<&'a str> {
    let key = scalars.get(i.checked_sub(1)?).filter(|s| s.is_key)?;
    if key.value.eq_ignore_ascii_case("value") && i >= 3 {
        let (label, named) = (&scalars[i - 3], &scalars[i - 2]);
        if label.is_key && !named.is_key && matches!(&*label.value, "name" | "Name" | "key" | "Key")
        {
            return Some(&named.value);
        }
    }
    Some(&key.value)
}

/// `import … from '…'`, `export … from '…'`, `require('…')`, `import('…')`.
fn is_module_specifier(node: Node<'_>, src: &str) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    match parent.kind_str() {
        "import_statement" | "export_statement" | "import_require_clause" => true,
        "arguments" => parent
            .parent()
            .and_then(|call| call.field("function"))
            .is_some_and(|f| {
                f.kind_str() == "import"
                    || (f.kind_str() == "identifier" && tree::text(f, src) == "require")
            }),
        _ => false,
    }
}

/// The name a JS/TS string is bound to, through the wrappers a value
/// passes on its way (`(…)`, `as const`, `?? …`, a ternary branch).
fn js_binding(node: Node<'_>, src: &str) -> Option<String> {
    let mut cur = node;
    loop {
        let parent = cur.parent()?;
        let is = |field: &str| {
            parent
                .child_by_field_name(field)
                .is_some_and(|n| n.id() == cur.id())
        };
        match parent.kind_str() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "jsx_expression" => cur = parent,
            "ternary_expression" if !is("condition") => cur = parent,
            "binary_expression" => {
                let op = parent.field("operator").map(|o| tree::text(o, src));
                if is("right") && matches!(op, Some("||" | "??")) {
                    cur = parent;
                } else {
                    return None;
                }
            }
            "variable_declarator" if is("value") => {
                let name = parent.field("name")?;
                return (name.kind_str() == "identifier")
                    .then(|| tree::text(name, src).to_string());
            }
            "assignment_expression" | "augmented_assignment_expression" if is("right") => {
                return js_target_name(parent.field("left")?, src);
            }
            "pair" if is("value") => {
                let key = parent.field("key")?;
                return typescript::property_key(key, src)
                    .map(|k| k.into_owned())
                    .or_else(|| typescript::computed_key_string(key, src).map(|s| s.value));
            }
            "public_field_definition" | "field_definition" if is("value") => {
                let name = parent.field("name").or_else(|| parent.field("property"))?;
                return typescript::property_key(name, src).map(|k| k.into_owned());
            }
            "assignment_pattern" | "object_assignment_pattern" if is("right") => {
                let left = parent.field("left")?;
                return Some(tree::text(left, src).to_string());
            }
            "enum_assignment" if is("value") => {
                let name = parent.field("name")?;
                return typescript::property_key(name, src).map(|k| k.into_owned());
            }
            "required_parameter" | "optional_parameter" if is("value") => {
                let pattern = parent.field("pattern")?;
                return (pattern.kind_str() == "identifier")
                    .then(|| tree::text(pattern, src).to_string());
            }
            "jsx_attribute" => {
                let name = parent.named_child(0)?;
                return Some(tree::text(name, src).to_string());
            }
            "arguments" => {
                // `headers.set('x-api-key', '…')`, `new Headers().append(…)`.
                let call = typescript::call(parent.parent()?)?;
                let method = tree::text(call.name, src);
                if call.args.len() == 2
                    && call.args[1].id() == cur.id()
                    && matches!(
                        method,
                        "set" | "append" | "setHeader" | "header" | "setItem"
                    )
                {
                    return typescript::string_literal(call.args[0], src).map(|s| s.value);
                }
                return None;
            }
            _ => return None,
        }
    }
}

/// The name an assignment writes: `x`, `obj.apiKey`, `env['API_KEY']`.
fn js_target_name(left: Node<'_>, src: &str) -> Option<String> {
    match left.kind_str() {
        "identifier" => Some(tree::text(left, src).to_string()),
        "member_expression" => Some(tree::text(left.field("property")?, src).to_string()),
        "subscript_expression" => {
            let index = left.field("index")?;
            typescript::string_literal(index, src).map(|s| s.value)
        }
        _ => None,
    }
}

/// A statement that is only a string: a docstring or a string used as a
/// comment.
fn is_docstring(node: Node<'_>) -> bool {
    let children = tree::named_children(node);
    children.len() == 1 && matches!(children[0].kind_str(), "string" | "concatenated_string")
}

/// Calls that read the environment with a default: the default's name is
/// the variable's.
fn is_env_read(callee: &str) -> bool {
    callee.ends_with("getenv")
        || callee.ends_with("environ.get")
        || callee.ends_with("environ.setdefault")
        || matches!(callee, "config" | "env" | "env.str" | "decouple.config")
}

/// Calls that wrap a secret without changing it.
fn is_secret_wrapper(callee: &str) -> bool {
    let last = callee.rsplit('.').next().unwrap_or(callee);
    matches!(
        last,
        "SecretStr" | "SecretBytes" | "Secret" | "SecretString" | "str" | "Field"
    )
}

/// The name a Python string is bound to: an assignment target, dict key,
/// keyword argument, parameter default, or the variable an environment
/// read with this default reads.
fn py_binding(node: Node<'_>, src: &str) -> Option<String> {
    let mut cur = node;
    loop {
        let parent = cur.parent()?;
        let is = |field: &str| {
            parent
                .child_by_field_name(field)
                .is_some_and(|n| n.id() == cur.id())
        };
        match parent.kind_str() {
            "concatenated_string" | "parenthesized_expression" | "conditional_expression" => {
                cur = parent
            }
            "boolean_operator" if is("right") => cur = parent,
            "assignment" if is("right") => {
                return py_target_name(parent.field("left")?, src);
            }
            "pair" if is("value") => {
                let key = parent.field("key")?;
                return py_name_of(key, src);
            }
            "keyword_argument" if is("value") => {
                let name = tree::text(parent.field("name")?, src);
                let call = parent
                    .parent()
                    .and_then(|a| a.parent())
                    .and_then(|c| python::call(c));
                if name == "default" {
                    if let Some(call) = call {
                        let callee = callee_text(call.node, src);
                        if is_env_read(&callee) {
                            return call.args.first().and_then(|a| py_name_of(*a, src));
                        }
                        if is_secret_wrapper(&callee) {
                            cur = call.node;
                            continue;
                        }
                    }
                }
                return Some(name.to_string());
            }
            "default_parameter" | "typed_default_parameter" if is("value") => {
                return Some(tree::text(parent.field("name")?, src).to_string());
            }
            "argument_list" => {
                let call = python::call(parent.parent()?)?;
                let callee = callee_text(call.node, src);
                let position = call.args.iter().position(|a| a.id() == cur.id())?;
                if position == 1 && is_env_read(&callee) {
                    return py_name_of(call.args[0], src);
                }
                if position == 0 && call.args.len() == 1 && is_secret_wrapper(&callee) {
                    cur = call.node;
                    continue;
                }
                return None;
            }
            _ => return None,
        }
    }
}

fn callee_text(call: Node<'_>, src: &str) -> String {
    call.field("function")
        .map(|f| tree::text(f, src).split_whitespace().collect())
        .unwrap_or_default()
}

fn py_target_name(left: Node<'_>, src: &str) -> Option<String> {
    match left.kind_str() {
        "identifier" => Some(tree::text(left, src).to_string()),
        "attribute" => Some(tree::text(left.field("attribute")?, src).to_string()),
        "subscript" => py_name_of(left.field("subscript")?, src),
        _ => None,
    }
}

/// An identifier or a plain string used as a name.
fn py_name_of(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind_str() {
        "identifier" => Some(tree::text(node, src).to_string()),
        "string" => python::string_literal(node, src)
            .filter(StrLit::is_static)
            .map(|s| s.value),
        _ => None,
    }
}

/// Names Rust string literals are bound to (by the literal's offset), and
/// the ranges of test code.
#[derive(Default)]
struct RustBindings {
    names: HashMap<usize, String>,
    tests: Vec<Range<usize>>,
}

impl RustBindings {
    /// Binds the literals `expr` evaluates to; the outermost binding wins.
    fn bind(&mut self, name: String, expr: &syn::Expr) {
        for lit in rust_value_literals(expr) {
            self.names
                .entry(lit.span().byte_range().start)
                .or_insert_with(|| name.clone());
        }
    }

    /// An environment fallback names its literal after the variable, over
    /// whatever the result is assigned to.
    fn bind_env(&mut self, name: String, expr: &syn::Expr) {
        for lit in rust_value_literals(expr) {
            self.names
                .insert(lit.span().byte_range().start, name.clone());
        }
    }

    /// Skips test items; returns whether the item is one.
    fn skip_test<T: quote::ToTokens>(&mut self, attrs: &[syn::Attribute], item: &T) -> bool {
        let test = attrs.iter().any(|attr| {
            let path = attr.path();
            if path.is_ident("cfg") {
                let tokens = attr.meta.to_token_stream().to_string();
                let words: Vec<&str> = tokens
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .collect();
                return words.contains(&"test") && !words.contains(&"not");
            }
            path.segments.last().is_some_and(|s| s.ident == "test")
        });
        if test {
            self.tests.push(crate::lang::rust::node_range(item));
        }
        test
    }
}

/// The string literals an expression evaluates to, through conversions
/// (`.to_string()`, `String::from`, `Some(…)`) and environment fallbacks
/// (`env::var("X").unwrap_or("…")`).
fn rust_value_literals(expr: &syn::Expr) -> Vec<&syn::LitStr> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => vec![s],
        syn::Expr::Reference(r) => rust_value_literals(&r.expr),
        syn::Expr::Paren(p) => rust_value_literals(&p.expr),
        syn::Expr::Group(g) => rust_value_literals(&g.expr),
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            match method.as_str() {
                "to_string" | "to_owned" | "into" | "clone" | "into_boxed_str" => {
                    rust_value_literals(&m.receiver)
                }
                "unwrap_or" if m.args.len() == 1 => rust_value_literals(&m.args[0]),
                "unwrap_or_else" if m.args.len() == 1 => match &m.args[0] {
                    syn::Expr::Closure(c) => rust_value_literals(&c.body),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            }
        }
        syn::Expr::Call(c) if c.args.len() == 1 => rust_value_literals(&c.args[0]),
        syn::Expr::Block(b) => match b.block.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => rust_value_literals(e),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The environment variable an `env::var("X")…` chain reads.
fn rust_env_var(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::MethodCall(m) => rust_env_var(&m.receiver),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let last = p.path.segments.last()?.ident.to_string();
            if !matches!(last.as_str(), "var" | "var_os") {
                return None;
            }
            match c.args.first()? {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            }
        }
        _ => None,
    }
}

fn rust_pat_name(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(i) => Some(i.ident.to_string()),
        syn::Pat::Type(t) => rust_pat_name(&t.pat),
        _ => None,
    }
}

fn rust_target_name(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(id) => Some(id.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        _ => None,
    }
}

impl<'ast> syn::visit::Visit<'ast> for RustBindings {
    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        if self.skip_test(&i.attrs, i) {
            return;
        }
        self.bind(i.ident.to_string(), &i.expr);
        syn::visit::visit_item_const(self, i);
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        if self.skip_test(&i.attrs, i) {
            return;
        }
        self.bind(i.ident.to_string(), &i.expr);
        syn::visit::visit_item_static(self, i);
    }

    fn visit_impl_item_const(&mut self, i: &'ast syn::ImplItemConst) {
        self.bind(i.ident.to_string(), &i.expr);
        syn::visit::visit_impl_item_const(self, i);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let (Some(name), Some(init)) = (rust_pat_name(&l.pat), &l.init) {
            self.bind(name, &init.expr);
        }
        syn::visit::visit_local(self, l);
    }

    fn visit_field_value(&mut self, f: &'ast syn::FieldValue) {
        if let syn::Member::Named(id) = &f.member {
            self.bind(id.to_string(), &f.expr);
        }
        syn::visit::visit_field_value(self, f);
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        if let Some(name) = rust_target_name(&a.left) {
            self.bind(name, &a.right);
        }
        syn::visit::visit_expr_assign(self, a);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let method = m.method.to_string();
        if matches!(method.as_str(), "unwrap_or" | "unwrap_or_else") {
            if let Some(var) = rust_env_var(&m.receiver) {
                self.bind_env(var, &syn::Expr::MethodCall(m.clone()));
            }
        }
        match (method.as_str(), m.args.first(), m.args.get(1)) {
            // `.header("x-api-key", "…")`, `.insert("Authorization", …)`
            ("header" | "insert" | "set", Some(key), Some(value)) => {
                if let Some(key) = rust_value_literals(key).first() {
                    self.bind(key.value(), value);
                }
            }
            // A literal given to `.bearer_auth(…)` is a credential by name.
            ("bearer_auth" | "basic_auth", Some(value), _) => {
                self.bind("authorization".to_string(), value);
                if let Some(password) = m.args.get(1) {
                    self.bind("password".to_string(), password);
                }
            }
            _ => {}
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_item_mod(&mut self, i: &'ast syn::ItemMod) {
        if !self.skip_test(&i.attrs, i) {
            syn::visit::visit_item_mod(self, i);
        }
    }

    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        if !self.skip_test(&i.attrs, i) {
            syn::visit::visit_item_fn(self, i);
        }
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        if !self.skip_test(&i.attrs, i) {
            syn::visit::visit_impl_item_fn(self, i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use std::sync::Arc;

    /// `value = name` for every string read, in order.
    fn read(path: &str, src: &str) -> Vec<String> {
        let language = Language::from_path(path).unwrap();
        let file = ParsedFile::new(Arc::new(SourceFile::in_memory(path, src)), language);
        let mut out = Vec::new();
        bound_strings(&file, &|_| true, &mut |s| {
            let name = (s.name)().unwrap_or_else(|| "-".into());
            let base64 = if s.base64 { " (base64)" } else { "" };
            out.push(format!("{} = {name}{base64}", s.lit.value));
        });
        out
    }

    #[test]
    fn names_in_every_language() {
        assert_eq!(
            read(
                "a.ts",
                "import x from 'mod';\nconst apiKey = 'a';\nobj.token = ('b' as string);\nconst o = { secret: 'c' };\nheaders.set('x-api-key', 'd');\nconst t = process.env.T ?? 'e';\ntype T = 'f';\n// 'g'\n"
            ),
            [
                "a = apiKey",
                "b = token",
                "c = secret",
                "x-api-key = -",
                "d = x-api-key",
                "e = t",
            ]
        );
        assert_eq!(
            read(
                "a.py",
                "\"\"\"doc\"\"\"\nAPI_KEY = 'a'\nos.getenv('TOKEN', 'b')\nf(password='c')\nd = {'secret': 'e'}\n"
            ),
            [
                "a = API_KEY",
                "TOKEN = -",
                "b = TOKEN",
                "c = password",
                "secret = -",
                "e = secret",
            ]
        );
        assert_eq!(
            read(
                "a.rs",
                "const KEY: &str = \"a\";\nfn f() { let t = env::var(\"TOKEN\").unwrap_or(\"b\".into()); c.bearer_auth(\"c\"); }\n#[cfg(test)]\nmod tests { const X: &str = \"d\"; }\n"
            ),
            [
                "a = KEY",
                "TOKEN = -",
                "b = TOKEN",
                "c = authorization",
            ]
        );
        assert_eq!(
            read(
                "s.yaml",
                "kind: Secret\ndata:\n  token: dG9r\nenv:\n  - name: API_KEY\n    value: x\n"
            ),
            [
                "Secret = kind",
                "dG9r = token (base64)",
                "API_KEY = name",
                "x = API_KEY",
            ]
        );
    }
}

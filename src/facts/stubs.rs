//! Telling a stub body from a real one in each language: a function that
//! is empty, only returns a constant, only logs, or only throws a
//! not-implemented error does nothing, and the reason says which.

use tree_sitter::Node;

use crate::lang::tree::{named_children, text, walk, NodeExt};
use crate::lang::{typescript, Family};

/// What a do-nothing body was made of, to say why it is a stub.
#[derive(Default)]
struct Noop {
    logs: bool,
    returns: bool,
    returns_ok_unit: bool,
    throws: bool,
    pass: bool,
    ellipsis: bool,
    docstring: bool,
    todo: Option<&'static str>,
}

impl Noop {
    fn why(&self, family: Family) -> &'static str {
        if let Some(todo) = self.todo {
            return todo;
        }
        if self.throws {
            return match family {
                Family::Python => "only raises a not-implemented error",
                Family::Rust => "only fails with a not-implemented error",
                _ => "only throws a not-implemented error",
            };
        }
        if self.logs {
            return "only logs";
        }
        if self.returns_ok_unit {
            return "only returns `Ok(())`";
        }
        if self.returns {
            return "only returns";
        }
        if self.ellipsis {
            return "only `...`";
        }
        if self.pass {
            return "only `pass`";
        }
        if self.docstring {
            return "only a docstring";
        }
        "empty body"
    }
}

/// Whether an error message says the thing is not there yet:
/// `not implemented`, `not yet implemented`, `TODO`, `unsupported`, ...
pub fn says_not_implemented(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    if ["unimplemented", "unsupported", "not support"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return true;
    }
    let bytes = lower.as_bytes();
    let at = |i: usize, word: &[u8]| bytes.get(i..i + word.len()) == Some(word);
    let letter = |i: Option<usize>| {
        i.and_then(|i| bytes.get(i))
            .is_some_and(u8::is_ascii_alphabetic)
    };
    // `TODO` as a word, not inside `mastodon`.
    let todo = (0..bytes.len())
        .any(|i| at(i, b"todo") && !letter(i.checked_sub(1)) && !letter(Some(i + 4)));
    todo || (0..bytes.len()).filter(|&i| at(i, b"not")).any(|i| {
        [i + 3, i + 4].into_iter().any(|j| {
            at(j, b"implemented")
                || (at(j, b"yet") && [j + 3, j + 4].into_iter().any(|k| at(k, b"implemented")))
        })
    })
}

/// Whether an error type or constructor name says not-implemented
/// (`NotImplementedError`, `UnsupportedOperation`).
fn name_says_not_implemented(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace('_', "");
    [
        "notimplemented",
        "unimplemented",
        "notsupported",
        "unsupported",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Whether a receiver such as `console`, `this.logger` or `self._log` is a
/// logger.
fn is_logger(receiver: &str) -> bool {
    receiver
        .split(['.', '?'])
        .map(|s| {
            s.split('(')
                .next()
                .unwrap_or(s)
                .trim()
                .trim_start_matches(['_', '#'])
        })
        .any(|s| {
            let s = s.to_ascii_lowercase();
            matches!(s.as_str(), "console" | "logger" | "log" | "logging")
                || s.starts_with("getlogger")
        })
}

/// Why a JS/TS function (method, arrow, function expression) is a stub, or
/// `None` when its body does something (or it has no body).
pub fn js_function_stub(function: Node<'_>, src: &str) -> Option<&'static str> {
    let body = function.field("body")?;
    let mut noop = Noop::default();
    let quiet = if body.kind_str() == "statement_block" {
        js_statements_noop(body, src, &mut noop)
    } else {
        js_expression_noop(body, src, &mut noop, true)
    };
    quiet.then(|| noop.why(Family::Js))
}

fn js_statements_noop(block: Node<'_>, src: &str, noop: &mut Noop) -> bool {
    named_children(block)
        .into_iter()
        .all(|s| js_statement_noop(s, src, noop))
}

fn js_statement_noop(statement: Node<'_>, src: &str, noop: &mut Noop) -> bool {
    match statement.kind_str() {
        "comment" | "empty_statement" => true,
        "statement_block" => js_statements_noop(statement, src, noop),
        "expression_statement" => match first_named(statement) {
            Some(e) => js_expression_noop(e, src, noop, false),
            None => true,
        },
        "return_statement" => {
            noop.returns = true;
            first_named(statement).is_none_or(|e| js_expression_noop(e, src, noop, true))
        }
        "throw_statement" => {
            noop.throws = true;
            first_named(statement).is_some_and(|e| js_not_implemented(e, src))
        }
        _ => false,
    }
}

pub(crate) fn first_named(node: Node<'_>) -> Option<Node<'_>> {
    named_children(node)
        .into_iter()
        .find(|n| n.kind_str() != "comment")
}

pub(crate) fn js_unwrap(node: Node<'_>) -> Node<'_> {
    let inner = typescript::unwrap_expression(node);
    match inner.kind_str() {
        "await_expression" | "parenthesized_expression" => {
            first_named(inner).map_or(inner, js_unwrap)
        }
        _ => inner,
    }
}

/// An expression statement or returned value that does nothing: a log call,
/// a constant, `Promise.resolve()`.
fn js_expression_noop(expression: Node<'_>, src: &str, noop: &mut Noop, returned: bool) -> bool {
    let e = js_unwrap(expression);
    if js_is_log_call(e, src) {
        noop.logs = true;
        return true;
    }
    let resolved = typescript::call(e).filter(|c| {
        c.receiver.is_some_and(|r| text(r, src) == "Promise")
            && matches!(text(c.name, src), "resolve" | "reject")
            && c.args.iter().all(|a| js_trivial(*a))
    });
    if resolved.is_some() || js_trivial(e) {
        noop.returns |= returned;
        return true;
    }
    false
}

fn js_is_log_call(node: Node<'_>, src: &str) -> bool {
    let Some(call) = typescript::call(node) else {
        return false;
    };
    let log_function = matches!(
        text(call.name, src),
        "log" | "debug" | "info" | "warn" | "trace"
    );
    match call.receiver {
        // `this.log('...')`
        Some(receiver) if receiver.kind_str() == "this" => log_function,
        Some(receiver) => is_logger(text(receiver, src)),
        None => log_function,
    }
}

/// A value with no effects: a literal, a name, a property read, `void 0`.
fn js_trivial(node: Node<'_>) -> bool {
    let node = js_unwrap(node);
    match node.kind_str() {
        "string" | "number" | "true" | "false" | "null" | "undefined" | "identifier" | "this"
        | "regex" => true,
        "template_string" => {
            let mut calls = false;
            walk(node, |n| {
                calls |= matches!(
                    n.kind_str(),
                    "call_expression" | "new_expression" | "await_expression"
                );
                !calls
            });
            !calls
        }
        "unary_expression" => first_named(node).is_some_and(js_trivial),
        "member_expression" => node.field("object").is_some_and(js_trivial),
        "array" => named_children(node).into_iter().all(js_trivial),
        "object" => named_children(node)
            .into_iter()
            .all(|p| match p.kind_str() {
                "pair" => p.field("value").is_some_and(js_trivial),
                "shorthand_property_identifier" | "comment" => true,
                _ => false,
            }),
        _ => false,
    }
}

/// `new Error('not implemented')`, `new NotImplementedError()`, `'TODO'`.
fn js_not_implemented(thrown: Node<'_>, src: &str) -> bool {
    let thrown = js_unwrap(thrown);
    let (callee, arguments) = match thrown.kind_str() {
        "new_expression" => (thrown.field("constructor"), thrown.field("arguments")),
        "call_expression" => (thrown.field("function"), thrown.field("arguments")),
        _ => {
            return typescript::fold_string(thrown, src)
                .is_some_and(|s| says_not_implemented(&s.value))
        }
    };
    let named = callee.is_some_and(|c| {
        let name = text(c, src);
        name_says_not_implemented(name.rsplit('.').next().unwrap_or(name))
    });
    named
        || arguments
            .and_then(first_named)
            .and_then(|a| typescript::fold_string(a, src))
            .is_some_and(|s| says_not_implemented(&s.value))
}

/// Why a Python `def` is a stub, or `None` when its body does something.
pub fn python_function_stub(function: Node<'_>, src: &str) -> Option<&'static str> {
    let body = function.field("body")?;
    let mut noop = Noop::default();
    named_children(body)
        .into_iter()
        .all(|s| python_statement_noop(s, src, &mut noop))
        .then(|| noop.why(Family::Python))
}

fn python_statement_noop(statement: Node<'_>, src: &str, noop: &mut Noop) -> bool {
    match statement.kind_str() {
        "comment" => true,
        "pass_statement" => {
            noop.pass = true;
            true
        }
        "expression_statement" => {
            named_children(statement)
                .into_iter()
                .all(|e| match e.kind_str() {
                    "ellipsis" => {
                        noop.ellipsis = true;
                        true
                    }
                    "string" | "concatenated_string" => {
                        noop.docstring = true;
                        true
                    }
                    _ => python_expression_noop(e, src, noop, false),
                })
        }
        "return_statement" => {
            noop.returns = true;
            first_named(statement).is_none_or(|e| python_expression_noop(e, src, noop, true))
        }
        "raise_statement" => {
            noop.throws = true;
            first_named(statement).is_some_and(|e| python_not_implemented(e, src))
        }
        _ => false,
    }
}

fn python_unwrap(mut node: Node<'_>) -> Node<'_> {
    while matches!(node.kind_str(), "await" | "parenthesized_expression") {
        match first_named(node) {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

fn python_expression_noop(
    expression: Node<'_>,
    src: &str,
    noop: &mut Noop,
    returned: bool,
) -> bool {
    let e = python_unwrap(expression);
    if let Some(call) = crate::lang::python::call(e) {
        let logs = match call.receiver {
            Some(receiver) => {
                is_logger(text(receiver, src))
                    || (text(receiver, src) == "warnings" && text(call.name, src) == "warn")
            }
            None => text(call.name, src) == "print",
        };
        noop.logs |= logs;
        return logs;
    }
    if python_trivial(e) {
        noop.returns |= returned;
        return true;
    }
    false
}

fn python_trivial(node: Node<'_>) -> bool {
    let node = python_unwrap(node);
    match node.kind_str() {
        "none" | "true" | "false" | "integer" | "float" | "identifier" | "ellipsis" => true,
        "string" | "concatenated_string" => {
            let mut calls = false;
            walk(node, |n| {
                calls |= n.kind_str() == "call";
                !calls
            });
            !calls
        }
        "attribute" => node.field("object").is_some_and(python_trivial),
        "unary_operator" | "not_operator" => first_named(node).is_some_and(python_trivial),
        "list" | "tuple" | "set" => named_children(node).into_iter().all(python_trivial),
        "dictionary" => named_children(node)
            .into_iter()
            .all(|p| match p.kind_str() {
                "pair" => p.field("value").is_some_and(python_trivial),
                "comment" => true,
                _ => false,
            }),
        _ => false,
    }
}

/// `NotImplementedError`, `NotImplementedError("...")`,
/// `Exception("not implemented")`.
fn python_not_implemented(raised: Node<'_>, src: &str) -> bool {
    let raised = python_unwrap(raised);
    match raised.kind_str() {
        "identifier" | "attribute" => name_says_not_implemented(last_segment(text(raised, src))),
        "call" => {
            let named = raised
                .field("function")
                .is_some_and(|f| name_says_not_implemented(last_segment(text(f, src))));
            named
                || raised
                    .field("arguments")
                    .and_then(first_named)
                    .and_then(|a| crate::lang::python::fold_string(a, src))
                    .is_some_and(|s| says_not_implemented(&s.value))
        }
        _ => false,
    }
}

pub(crate) fn last_segment(path: &str) -> &str {
    path.rsplit(['.', ':']).next().unwrap_or(path).trim()
}

/// Why a Rust function body is a stub (`todo!()`, `Ok(())`, only logs), or
/// `None` when it does something.
pub fn rust_block_stub(block: &syn::Block) -> Option<&'static str> {
    let mut noop = Noop::default();
    rust_statements_noop(&block.stmts, &mut noop).then(|| noop.why(Family::Rust))
}

fn rust_statements_noop(statements: &[syn::Stmt], noop: &mut Noop) -> bool {
    statements.iter().all(|statement| match statement {
        syn::Stmt::Local(local) => {
            let discarded = match &local.pat {
                syn::Pat::Wild(_) => true,
                syn::Pat::Ident(p) => p.ident.to_string().starts_with('_'),
                _ => false,
            };
            discarded
                && local
                    .init
                    .as_ref()
                    .is_none_or(|init| init.diverge.is_none() && rust_trivial(&init.expr))
        }
        syn::Stmt::Item(_) => true,
        syn::Stmt::Macro(m) => rust_macro_noop(&m.mac, noop),
        syn::Stmt::Expr(e, _) => rust_expression_noop(e, noop),
    })
}

fn rust_expression_noop(expression: &syn::Expr, noop: &mut Noop) -> bool {
    use syn::Expr;
    match expression {
        Expr::Macro(m) => rust_macro_noop(&m.mac, noop),
        Expr::Paren(p) => rust_expression_noop(&p.expr, noop),
        Expr::Group(g) => rust_expression_noop(&g.expr, noop),
        Expr::Block(b) if b.label.is_none() => rust_statements_noop(&b.block.stmts, noop),
        Expr::Async(a) => rust_statements_noop(&a.block.stmts, noop),
        Expr::Return(r) => {
            noop.returns = true;
            r.expr
                .as_deref()
                .is_none_or(|e| rust_expression_noop(e, noop))
        }
        Expr::Try(t) => rust_err_not_implemented(&t.expr, noop),
        Expr::Call(call) => {
            // `Box::pin(async move { ... })`, as hand-expanded async traits write it.
            if rust_path_ends(&call.func, "pin") && call.args.len() == 1 {
                return rust_expression_noop(&call.args[0], noop);
            }
            rust_err_not_implemented(expression, noop) || rust_returns_trivial(expression, noop)
        }
        _ => rust_returns_trivial(expression, noop),
    }
}

fn rust_returns_trivial(expression: &syn::Expr, noop: &mut Noop) -> bool {
    if !rust_trivial(expression) {
        return false;
    }
    noop.returns = true;
    if let syn::Expr::Call(call) = expression {
        let unit = matches!(call.args.first(), Some(syn::Expr::Tuple(t)) if t.elems.is_empty());
        noop.returns_ok_unit |= rust_path_ends(&call.func, "Ok") && call.args.len() == 1 && unit;
    }
    true
}

fn rust_path_ends(expression: &syn::Expr, name: &str) -> bool {
    matches!(expression, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// A value with no effects: a literal, a path, `()`, `Ok(())`, `Some(x)`,
/// `Default::default()`, a field read.
fn rust_trivial(expression: &syn::Expr) -> bool {
    use syn::Expr;
    match expression {
        Expr::Lit(_) | Expr::Path(_) => true,
        Expr::Tuple(t) => t.elems.iter().all(rust_trivial),
        Expr::Paren(p) => rust_trivial(&p.expr),
        Expr::Group(g) => rust_trivial(&g.expr),
        Expr::Reference(r) => rust_trivial(&r.expr),
        Expr::Unary(u) => rust_trivial(&u.expr),
        Expr::Cast(c) => rust_trivial(&c.expr),
        Expr::Field(f) => rust_trivial(&f.base),
        Expr::Call(call) => {
            let constructor = ["Ok", "Some", "default", "new"]
                .iter()
                .any(|n| rust_path_ends(&call.func, n));
            let default_call =
                rust_path_ends(&call.func, "default") || rust_path_ends(&call.func, "new");
            constructor
                && (!default_call || call.args.is_empty())
                && call.args.iter().all(rust_trivial)
        }
        _ => false,
    }
}

/// `Err(anyhow!("not implemented"))`, `Err(Error::Unsupported)`.
fn rust_err_not_implemented(expression: &syn::Expr, noop: &mut Noop) -> bool {
    let syn::Expr::Call(call) = expression else {
        return false;
    };
    if !rust_path_ends(&call.func, "Err") {
        return false;
    }
    let marked = call
        .args
        .iter()
        .any(|a| tokens_say_not_implemented(quote::ToTokens::to_token_stream(a)));
    noop.throws |= marked;
    marked
}

fn tokens_say_not_implemented(tokens: proc_macro2::TokenStream) -> bool {
    use proc_macro2::TokenTree;
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => name_says_not_implemented(&i.to_string()),
        TokenTree::Literal(l) => says_not_implemented(&l.to_string()),
        TokenTree::Group(g) => tokens_say_not_implemented(g.stream()),
        TokenTree::Punct(_) => false,
    })
}

fn rust_macro_noop(mac: &syn::Macro, noop: &mut Noop) -> bool {
    let segments: Vec<String> = mac
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let Some(name) = segments.last() else {
        return false;
    };
    let from_logging_crate =
        segments.len() == 1 || matches!(segments[0].as_str(), "log" | "tracing");
    match name.as_str() {
        "todo" => {
            noop.todo.get_or_insert("todo!()");
            true
        }
        "unimplemented" => {
            noop.todo.get_or_insert("unimplemented!()");
            true
        }
        "println" | "eprintln" | "print" | "eprint" => {
            noop.logs = true;
            true
        }
        "info" | "warn" | "debug" | "error" | "trace" | "event" | "log" if from_logging_crate => {
            noop.logs = true;
            true
        }
        "panic" | "bail" => {
            let marked = tokens_say_not_implemented(mac.tokens.clone());
            noop.throws |= marked;
            marked
        }
        _ => false,
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_implemented_messages() {
        for yes in [
            "not implemented",
            "Not yet implemented",
            "notImplemented",
            "revoke: not-yet-implemented",
            "TODO",
            "unimplemented",
            "revoke is not supported yet",
            "Unsupported operation",
        ] {
            assert!(says_not_implemented(yes), "{yes}");
        }
        for no in [
            "mastodon revoke failed",
            "token expired",
            "revocation failed",
            "nothing",
            "implemented elsewhere",
        ] {
            assert!(!says_not_implemented(no), "{no}");
        }
    }

    #[test]
    fn loggers() {
        for yes in [
            "console",
            "logger",
            "this.logger",
            "self._log",
            "logging",
            "logging.getLogger(__name__)",
            "this.#logger",
        ] {
            assert!(is_logger(yes), "{yes}");
        }
        for no in ["this.client", "vault", "catalog", "self.http"] {
            assert!(!is_logger(no), "{no}");
        }
    }
}

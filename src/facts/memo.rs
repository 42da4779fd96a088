//! Where a call's result is kept: module scope, a cache, application
//! state, a class static, a memoized field, a singleton's field, a
//! memoizing decorator or wrapper, a closure's memo, or a local that a
//! long-lived callback captures. Read for TS/JS and Python in one record
//! shape.

mod js;
mod python;

use std::ops::Range;

use tree_sitter::Node;

use crate::lang::tree::{text, walk, NodeExt};
use crate::lang::typescript::FUNCTION_KINDS;
use crate::lang::{Family, ParsedFile};

/// Where a factory's result is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Module(String),
    ModuleCache(String),
    AppState(String),
    Global(String),
    ClassStatic(String),
    InstanceMemo(String),
    InstanceCache(String),
    Singleton {
        field: String,
        instance: String,
    },
    Decorated {
        decorator: String,
        function: String,
    },
    Wrapper(String),
    DefaultExport,
    /// A variable of an outer function, memoized by a closure.
    ClosureMemo(String),
    /// A local of a setup function that a long-lived callback keeps.
    Captured {
        name: String,
        by: String,
        function: String,
    },
}

/// A call (or a function reference handed to a memoizing wrapper) whose
/// result is kept somewhere that outlives one use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub span: Range<usize>,
    /// The called function's name as written: `getClient`, `get_client`.
    pub factory: String,
    pub place: Place,
}

/// The kept results of the calls of a file whose callee `wanted` accepts
/// (none for other languages than TS/JS and Python).
pub fn read(file: &ParsedFile, wanted: &dyn Fn(&str) -> bool) -> Vec<Kept> {
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    let src = file.text();
    let root = tree.root_node();
    let family = file.language.family();
    let mut found = Vec::new();
    walk(root, |node| {
        match family {
            Family::Js => js::visit(node, root, src, wanted, &mut found),
            Family::Python => python::visit(node, root, src, wanted, &mut found),
            _ => {}
        }
        true
    });
    found
}

/// Source text with all whitespace removed, for a target compared with
/// code (`this.client` in `if (!this.client)`).
fn compact(node: Node<'_>, src: &str) -> String {
    text(node, src).split_whitespace().collect()
}

/// Source text on one line, for names in messages.
fn one_line(node: Node<'_>, src: &str) -> String {
    text(node, src)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a name refers to at a point in the file.
#[derive(PartialEq, Eq)]
enum Binding {
    /// A parameter or variable of an enclosing function.
    Local,
    /// Declared at the top of the module (`class` for classes).
    Module {
        class: bool,
    },
    Unknown,
}

/// Where a member of a name kept at module scope lives (`Cache.client`,
/// `clients[id]`, `registry.gmail`), by what the name is bound to: a
/// class's static, a keyed cache (named by its `container`), or module
/// state; nothing for a local.
fn member_of_module(
    binding: Binding,
    keyed: bool,
    target: String,
    container: String,
) -> Option<Place> {
    match binding {
        Binding::Module { class: true } => Some(Place::ClassStatic(target)),
        Binding::Module { .. } if keyed => Some(Place::ModuleCache(container)),
        Binding::Module { .. } => Some(Place::Module(target)),
        _ => None,
    }
}

/// Whether an assignment to `target` is guarded as a memo: `??=`/`||=`, an
/// enclosing `if` (in the same function) that tests the target, or a right
/// side that reads it (`c = c ?? …`).
fn is_memo_assignment(assignment: Node<'_>, target: &str, src: &str) -> bool {
    if let Some(op) = assignment.field("operator") {
        if matches!(text(op, src), "??=" | "||=") {
            return true;
        }
    }
    if let Some(right) = assignment.field("right") {
        if mentions(&one_line(right, src), target) {
            return true;
        }
    }
    let mut current = assignment.parent();
    while let Some(n) = current {
        if FUNCTION_KINDS.contains(&n.kind_str())
            || matches!(
                n.kind_str(),
                "function_definition" | "lambda" | "class_body" | "class_definition"
            )
        {
            break;
        }
        if n.kind_str() == "if_statement" {
            if let Some(condition) = n.field("condition") {
                if mentions(&one_line(condition, src), target) {
                    return true;
                }
            }
        }
        current = n.parent();
    }
    false
}

/// Whether `code` reads `target` (`client`,
/// `this.client`) as a whole: not as part of `clients` or `x.client`.
fn mentions(code: &str, target: &str) -> bool {
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '#';
    code.match_indices(target).any(|(i, _)| {
        let before = crate::source::slice(code, ..i).chars().next_back();
        let after = crate::source::slice(code, i + target.len()..)
            .chars()
            .next();
        !before.is_some_and(|c| is_name(c) || c == '.') && !after.is_some_and(is_name)
    })
}

/// `app.state.x` (Starlette/FastAPI) and `app.locals.x` (Express) live as
/// long as the application.
fn is_app_state(target: &str) -> bool {
    let segments: Vec<&str> = target.split('.').collect();
    segments.windows(3).any(|w| {
        matches!(w[0], "app" | "application")
            && matches!(w[1], "state" | "locals")
            && !w[2].is_empty()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn memo_guards_read_the_whole_target() {
        assert!(super::mentions("!client", "client"));
        assert!(super::mentions("client==null", "client"));
        assert!(super::mentions("!this.client", "this.client"));
        assert!(!super::mentions("!clients", "client"));
        assert!(!super::mentions("!this.client", "client"));
        assert!(!super::mentions("await getUncachableGmailClient()", "g"));
        assert!(super::mentions("self._c or get_client()", "self._c"));
        assert!(!super::mentions("!this.clientPromise", "this.client"));
    }
}

//! Integration manifests read statically: the object a TS/JS module exports
//! as `manifest` (or by default), seen through same-file constants, spreads,
//! wrapper calls and handler classes, as plain records; which files are
//! manifests; and which modules a registry file loads.
//!
//! What cannot be read is never guessed: a value imported from another
//! module, built by a call, or spread in from an import is unknown, and an
//! object it may add to is marked open.

use std::collections::HashMap;
use std::ops::Range;

use crate::globs::LazyGlobSet;
use tree_sitter::Node;

use crate::lang::tree::{named_children, text, walk, NodeExt, StrLit, SUBSTITUTION};
use crate::lang::typescript as ts;
use crate::lang::ParsedFile;
use crate::rules::OptionError;

/// How a file exports its manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportName {
    /// `export const manifest`, `export { x as manifest }`.
    Named,
    /// `export default …`.
    Default,
}

/// The manifest a file exports, read as far as possible.
pub struct Manifest {
    /// Where findings about the manifest as a whole are labelled: the
    /// declaration's name, or `export default`.
    pub anchor: Range<usize>,
    pub export: ExportName,
    /// `None` when the exported value is not an object this file spells.
    pub object: Option<Object>,
    /// Whether the export is an integration manifest rather than some
    /// other kind: it has one of the keys only an integration manifest has,
    /// or its type or wrapper call names a manifest or integration.
    pub is_integration: bool,
}

impl Manifest {
    /// The manifest's `id` when it is a fixed, non-empty string.
    pub fn id(&self) -> Option<String> {
        match &self.object.as_ref()?.get("id")?.value.as_ref()?.literal {
            Literal::Str(s) if s.fixed && !s.value.trim().is_empty() => Some(s.value.clone()),
            _ => None,
        }
    }
}

/// An object literal's properties as the object ends up with them: later
/// keys override earlier ones, resolved spreads contribute theirs.
pub struct Object {
    pub props: Vec<Prop>,
    /// An unreadable spread or computed key may add any property.
    pub open: bool,
}

impl Object {
    pub fn get(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }
}

/// One property of an object.
pub struct Prop {
    pub name: String,
    /// The key as written.
    pub key: Range<usize>,
    /// The value, read as [`read`] describes. `None` for a method
    /// (`name() {…}`), for a value an unreadable spread after it may have
    /// replaced, and for a key of the manifest that the schema does not
    /// define (only its presence is read).
    pub value: Option<Value>,
}

/// A property's value, read through same-file names and type wrappers.
/// What [`read`] does not read for a key stays empty: `Literal::Unknown`,
/// `None`, `Items::Unknown`.
pub struct Value {
    /// The value as written.
    pub span: Range<usize>,
    pub literal: Literal,
    /// The variable it reads: `process.env.X`, `process.env['X']`,
    /// `import.meta.env.X`.
    pub env_read: Option<String>,
    /// Written as an object literal in place.
    pub inline_object: bool,
    /// The object literal it leads to (read for `auth` and the objects
    /// nested in it).
    pub object: Option<Object>,
    /// What it leads to as an array (read for `capabilities`).
    pub items: Items,
    /// The members it defines as a handler (read for `handler`): an object
    /// literal, an instance of a same-file class, or the class itself.
    /// `None` when they cannot be read.
    pub members: Option<Members>,
}

/// A value read as a literal.
pub enum Literal {
    Str(Str),
    /// A literal of another type: "a number", "an array", …
    Other(&'static str),
    Unknown,
}

/// A string value, folded from literals, templates and concatenations.
pub struct Str {
    /// The text, with each substitution as one placeholder character.
    pub value: String,
    /// The whole literal, quotes included.
    pub span: Range<usize>,
    /// No substitutions.
    pub fixed: bool,
}

impl Str {
    /// The text before the first substitution.
    pub fn fixed_prefix(&self) -> &str {
        self.value.split(SUBSTITUTION).next().unwrap_or_default()
    }

    fn of(lit: StrLit) -> Str {
        Str {
            fixed: lit.is_static(),
            value: lit.value,
            span: lit.span,
        }
    }
}

/// What a value leads to, read as an array.
pub enum Items {
    /// Not read, or it leads out of the file.
    Unknown,
    /// An array literal's entries, comments left out.
    Array(Vec<Item>),
    /// Something else, read as a literal.
    NotArray(Literal),
}

/// An entry of an array.
pub struct Item {
    pub span: Range<usize>,
    pub literal: Literal,
}

/// Members a handler defines.
pub struct Members {
    pub names: Vec<String>,
    /// Some member may come from somewhere unreadable.
    pub open: bool,
    /// The handler's own name (class or const), for a secondary label.
    pub defined_at: Option<Range<usize>>,
}

/// The manifest a TS/JS file exports: the named export `manifest`, else a
/// default export.
///
/// Every property of the manifest is recorded by name; values are read
/// for the fields of the integration schema (`id`, `name`, `description`,
/// `category`, `auth`, `capabilities`, `handler`): the first four as a
/// literal and an environment read, `capabilities` as an array, `handler`
/// as members, and `auth` as a literal and as an object whose `type`, endpoint URLs ([`ENDPOINT_KEYS`])
/// and environment-variable names ([`is_env_var_key`]) are read as
/// literals, and whose other keys are read the same way as objects one
/// level down. Nothing else is read: a value costs its reading only where
/// the schema looks.
pub fn read(file: &ParsedFile) -> Option<Manifest> {
    let tree = file.tree()?;
    let root = tree.root_node();
    let scope = Scope::of(root, file.text());
    let decl = find_manifest(&scope, root)?;
    let is_integration = decl.is_integration();
    let object = decl.object.map(|o| scope.record_manifest(o));
    Some(Manifest {
        anchor: decl.anchor,
        export: decl.export,
        object,
        is_integration,
    })
}

/// Fields of the integration schema whose values [`read`] reads.
const SCHEMA_FIELDS: &[&str] = &[
    "id",
    "name",
    "description",
    "category",
    "auth",
    "capabilities",
    "handler",
];

/// Keys of an auth object whose value is an OAuth endpoint.
pub const ENDPOINT_KEYS: &[&str] = &[
    "authorizeUrl",
    "authorizationUrl",
    "authUrl",
    "tokenUrl",
    "accessTokenUrl",
];

/// Keys of an auth object whose value names an environment variable
/// (`clientIdEnvVar`, `clientSecretEnvVar`, `apiKeyEnvVar`).
pub fn is_env_var_key(key: &str) -> bool {
    key.ends_with("EnvVar")
}

/// Keys of an auth object read as literals: the endpoints and the
/// environment-variable names.
fn is_auth_literal_key(key: &str) -> bool {
    ENDPOINT_KEYS.contains(&key) || is_env_var_key(key)
}

impl<'a> Scope<'a> {
    /// The manifest object as a record, its schema fields read.
    fn record_manifest(&self, object: Obj<'a>) -> Object {
        Object {
            open: object.open,
            props: object
                .props
                .into_iter()
                .map(|prop| {
                    let name = prop.name.as_str();
                    let value = prop
                        .expr()
                        .filter(|_| SCHEMA_FIELDS.contains(&name))
                        .map(|node| match name {
                            "capabilities" => Value {
                                items: self.items(node),
                                ..self.bare_value(node)
                            },
                            "handler" => Value {
                                members: self.members(node),
                                ..self.bare_value(node)
                            },
                            "auth" => Value {
                                object: self.object(node).map(|o| self.auth_object(o, false)),
                                ..self.literal_value(node)
                            },
                            _ => self.literal_value(node),
                        });
                    Prop {
                        key: prop.key.byte_range(),
                        value,
                        name: prop.name,
                    }
                })
                .collect(),
        }
    }

    /// An auth object (or an object nested in one when `nested`): its
    /// `type`, endpoint and environment-variable keys read as literals; at
    /// the top, its other keys read as nested auth objects.
    fn auth_object(&self, object: Obj<'a>, nested: bool) -> Object {
        Object {
            open: object.open,
            props: object
                .props
                .into_iter()
                .map(|prop| {
                    let name = prop.name.as_str();
                    let value = prop.expr().map(|node| {
                        if is_auth_literal_key(name) {
                            return self.literal_value(node);
                        }
                        let mut value = if name == "type" && !nested {
                            self.literal_value(node)
                        } else {
                            self.bare_value(node)
                        };
                        if !nested {
                            value.object = self.object(node).map(|o| self.auth_object(o, true));
                        }
                        value
                    });
                    Prop {
                        key: prop.key.byte_range(),
                        value,
                        name: prop.name,
                    }
                })
                .collect(),
        }
    }

    /// A value with only its span and shape read.
    fn bare_value(&self, node: Node<'a>) -> Value {
        Value {
            span: node.byte_range(),
            literal: Literal::Unknown,
            env_read: None,
            inline_object: ts::unwrap_expression(node).kind_str() == "object",
            object: None,
            items: Items::Unknown,
            members: None,
        }
    }

    /// A value read as a literal and as an environment read.
    fn literal_value(&self, node: Node<'a>) -> Value {
        Value {
            literal: self.literal(node),
            env_read: env_read(node, self.src).map(|(name, _)| name),
            ..self.bare_value(node)
        }
    }

    /// What a value leads to as an array.
    fn items(&self, node: Node<'a>) -> Items {
        let Some(array) = self.follow(node).and_then(Target::expr) else {
            return Items::Unknown;
        };
        if array.kind_str() != "array" {
            return Items::NotArray(self.literal(array));
        }
        Items::Array(
            named_children(array)
                .into_iter()
                .filter(|element| element.kind_str() != "comment")
                .map(|element| Item {
                    span: element.byte_range(),
                    literal: self.literal(element),
                })
                .collect(),
        )
    }
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
struct Scope<'a> {
    src: &'a str,
    bindings: HashMap<&'a str, Binding<'a>>,
}

/// Following names stops here: cycles and absurd chains are unknown.
const MAX_DEPTH: usize = 12;

/// Where a value leads once names and wrappers are seen through.
#[derive(Clone, Copy)]
enum Target<'a> {
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

impl<'a> Scope<'a> {
    fn of(root: Node<'a>, src: &'a str) -> Scope<'a> {
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
    fn follow(&self, node: Node<'a>) -> Option<Target<'a>> {
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
    fn literal(&self, node: Node<'a>) -> Literal {
        let unwrapped = ts::unwrap_expression(node);
        if unwrapped.kind_str() == "identifier" && text(unwrapped, self.src) == "undefined" {
            return Literal::Other("undefined");
        }
        let Some(target) = self.follow(node) else {
            return Literal::Unknown;
        };
        let node = match target {
            Target::Expr(n) => n,
            Target::Class(_) => return Literal::Other("a class"),
        };
        match node.kind_str() {
            "string" | "template_string" | "binary_expression" => ts::fold_string(node, self.src)
                .map_or(Literal::Unknown, |lit| Literal::Str(Str::of(lit))),
            "number" => Literal::Other("a number"),
            "true" | "false" => Literal::Other("a boolean"),
            "null" => Literal::Other("null"),
            "undefined" => Literal::Other("undefined"),
            "object" => Literal::Other("an object"),
            "array" => Literal::Other("an array"),
            "arrow_function" | "function_expression" | "function" => Literal::Other("a function"),
            "class" => Literal::Other("a class"),
            _ => Literal::Unknown,
        }
    }

    /// The object literal a value is, read with its spreads.
    fn object(&self, node: Node<'a>) -> Option<Obj<'a>> {
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
    fn members(&self, node: Node<'a>) -> Option<Members> {
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

/// An object literal's properties as the object ends up with them: later
/// keys override earlier ones, resolved spreads contribute theirs.
struct Obj<'a> {
    props: Vec<RawProp<'a>>,
    /// An unreadable spread or computed key may add any property.
    open: bool,
}

struct RawProp<'a> {
    name: String,
    key: Node<'a>,
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

impl<'a> RawProp<'a> {
    /// The value's expression, when it is known.
    fn expr(&self) -> Option<Node<'a>> {
        match self.value {
            PropValue::Expr(n) => Some(n),
            PropValue::Method | PropValue::Overridden => None,
        }
    }
}

impl<'a> Obj<'a> {
    fn get(&self, name: &str) -> Option<&RawProp<'a>> {
        self.props.iter().find(|p| p.name == name)
    }

    fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn set(&mut self, name: String, key: Node<'a>, value: PropValue<'a>) {
        self.props.retain(|p| p.name != name);
        self.props.push(RawProp { name, key, value });
    }

    /// Something unreadable comes next: every earlier value may be replaced.
    fn overridden(&mut self) {
        self.open = true;
        for prop in &mut self.props {
            prop.value = PropValue::Overridden;
        }
    }
}

/// The manifest a file exports, read as far as possible.
struct ManifestDecl<'a> {
    /// Where findings about the manifest as a whole are labelled: the
    /// declaration's name, or `export default`.
    anchor: Range<usize>,
    export: ExportName,
    /// `None` when the exported value is not an object this file spells.
    object: Option<Obj<'a>>,
    /// Types and wrapper calls around the object (`satisfies
    /// IntegrationManifest`, `defineManifest(…)`).
    wrappers: String,
}

/// Keys only an integration manifest has; an exported `manifest` object
/// with none of them is some other kind of manifest.
const MARKER_KEYS: &[&str] = &["category", "auth", "capabilities", "handler"];

impl ManifestDecl<'_> {
    /// Whether the exported object is an integration manifest.
    fn is_integration(&self) -> bool {
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
fn find_manifest<'a>(scope: &Scope<'a>, root: Node<'a>) -> Option<ManifestDecl<'a>> {
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

/// Manifest files when a rule names none: `*.manifest.ts(x)`.
pub fn default_files() -> Vec<String> {
    vec![
        "**/*.manifest.ts".to_string(),
        "**/*.manifest.tsx".to_string(),
    ]
}

/// Which files are manifests: the `files` globs, minus tests, fixtures,
/// examples and scaffolding templates (deliberately partial manifests).
pub struct ManifestFiles {
    globs: Vec<String>,
    set: LazyGlobSet,
}

impl ManifestFiles {
    pub fn new(option: &str, globs: &[String]) -> Result<ManifestFiles, OptionError> {
        if globs.is_empty() {
            return Err(OptionError::new(option, "list at least one glob"));
        }
        let set = LazyGlobSet::new(globs.iter().map(String::as_str))
            .map_err(|e| OptionError::new(option, format!("invalid glob: {e}")))?;
        Ok(ManifestFiles {
            globs: globs.to_vec(),
            set,
        })
    }

    pub fn globs(&self) -> Vec<String> {
        self.globs.clone()
    }

    pub fn is_manifest(&self, path: &str) -> bool {
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

// ---------------------------------------------------------------------------
// Registry files: the modules a file loads.
// ---------------------------------------------------------------------------

/// A module a registry file names, as it can be matched against a
/// manifest's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleName {
    /// A relative specifier resolved to a project path without extension.
    Path(String),
    /// The last two segments of an aliased specifier ([`alias_tail`]).
    Tail(String),
}

/// What a registry file loads.
pub struct RegistryLoads {
    /// The modules it names, in source order.
    pub modules: Vec<ModuleName>,
    /// Whether some specifier (type-only imports included) has `manifest`
    /// or `integration` in its path.
    pub names_manifests: bool,
    /// Whether it loads modules it does not spell out (`import.meta.glob`,
    /// `require.context`, `import(`${name}`)`, `readdir`, `glob`).
    pub dynamic: bool,
}

/// Every module a TS/JS file at `path` names in an `import` (named,
/// default, namespace or side-effect), an `export … from` re-export, an
/// `import x = require('…')`, a dynamic `import('…')` or a `require('…')`.
/// Type-only imports register nothing.
pub fn read_loads(file: &ParsedFile) -> Option<RegistryLoads> {
    let tree = file.tree()?;
    let src = file.text();
    let dir = parent(file.path());
    let mut dynamic = false;
    let mut specifiers: Vec<String> = Vec::new();
    // Type-only imports register nothing, but show what the file is about.
    let mut type_specifiers: Vec<String> = Vec::new();
    walk(tree.root_node(), |node| match node.kind_str() {
        "import_statement" | "export_statement" => {
            // `import x = require('…')` keeps its source in the clause.
            let source = node
                .field("source")
                .or_else(|| {
                    named_children(node)
                        .into_iter()
                        .find(|c| c.kind_str() == "import_require_clause")
                        .and_then(|c| c.field("source"))
                })
                .and_then(|s| ts::string_literal(s, src));
            if let Some(lit) = source {
                if is_type_only(node) {
                    type_specifiers.push(lit.value);
                } else {
                    specifiers.push(lit.value);
                }
            }
            node.kind_str() == "export_statement"
        }
        "call_expression" => {
            match loaded_module(node, src) {
                Load::Module(spec) => specifiers.push(spec),
                Load::Dynamic => dynamic = true,
                Load::None => {}
            }
            true
        }
        _ => true,
    });
    let names_manifests = specifiers.iter().chain(&type_specifiers).any(|spec| {
        let spec = spec.to_ascii_lowercase();
        spec.contains("manifest") || spec.contains("integration")
    });
    let modules = specifiers
        .iter()
        .filter_map(|spec| {
            if is_relative(spec) {
                resolve(dir, spec).map(ModuleName::Path)
            } else {
                alias_tail(spec).map(ModuleName::Tail)
            }
        })
        .collect();
    Some(RegistryLoads {
        modules,
        names_manifests,
        dynamic,
    })
}

/// What a call loads.
enum Load {
    Module(String),
    /// Modules the file does not spell out (globs, computed paths).
    Dynamic,
    None,
}

/// Names of calls that list files to load them.
const DIRECTORY_LOADERS: &[&str] = &[
    "readdir",
    "readdirSync",
    "glob",
    "globSync",
    "globby",
    "globbySync",
    "fastGlob",
];

fn loaded_module(call: Node<'_>, src: &str) -> Load {
    let Some(function) = call.field("function") else {
        return Load::None;
    };
    let is_loader = match function.kind_str() {
        "import" => true,
        "identifier" => {
            let name = text(function, src);
            if DIRECTORY_LOADERS.contains(&name) {
                return Load::Dynamic;
            }
            name == "require"
        }
        "member_expression" => {
            let property = function.field("property").map_or("", |p| text(p, src));
            let object = function.field("object").map_or("", |o| text(o, src));
            let glob_import = object.replace(char::is_whitespace, "") == "import.meta"
                && property.starts_with("glob");
            if glob_import
                || (object == "require" && property == "context")
                || DIRECTORY_LOADERS.contains(&property)
            {
                return Load::Dynamic;
            }
            false
        }
        _ => false,
    };
    if !is_loader {
        return Load::None;
    }
    let argument = call.field("arguments").and_then(|a| {
        named_children(a)
            .into_iter()
            .find(|c| c.kind_str() != "comment")
    });
    match argument.and_then(|a| ts::fold_string(a, src)) {
        Some(lit) if lit.is_static() => Load::Module(lit.value),
        _ => Load::Dynamic,
    }
}

/// `import type {…}`, `export type {…} from`, or every specifier `type`.
fn is_type_only(statement: Node<'_>) -> bool {
    let mut cursor = statement.walk();
    let children: Vec<Node<'_>> = statement.children(&mut cursor).collect();
    if children.iter().any(|c| c.kind_str() == "type") {
        return true;
    }
    let specifiers: Vec<Node<'_>> = children
        .iter()
        .flat_map(|c| match c.kind_str() {
            "import_clause" => named_children(*c)
                .into_iter()
                .filter(|n| n.kind_str() == "named_imports")
                .flat_map(named_children)
                .collect(),
            "export_clause" => named_children(*c),
            _ => Vec::new(),
        })
        .filter(|s| matches!(s.kind_str(), "import_specifier" | "export_specifier"))
        .collect();
    let whole_clause = children.iter().any(|c| {
        c.kind_str() == "import_clause"
            && named_children(*c)
                .iter()
                .any(|n| matches!(n.kind_str(), "identifier" | "namespace_import"))
    });
    !whole_clause
        && !specifiers.is_empty()
        && specifiers.iter().all(|s| {
            let mut cursor = s.walk();
            let is_type = s.children(&mut cursor).any(|c| c.kind_str() == "type");
            is_type
        })
}

// ---------------------------------------------------------------------------
// Module paths.
// ---------------------------------------------------------------------------

/// Extensions a module specifier may carry or leave out.
pub const JS_EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

/// `a/b.manifest.ts` → `a/b.manifest`; other paths unchanged.
pub fn strip_js_extension(path: &str) -> &str {
    match path.rsplit_once('.') {
        Some((stem, ext)) if JS_EXTENSIONS.contains(&ext) && !ext.contains('/') => stem,
        _ => path,
    }
}

/// The folder of a project path (`""` at the root).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn is_relative(spec: &str) -> bool {
    spec == "." || spec == ".." || spec.starts_with("./") || spec.starts_with("../")
}

/// A relative specifier resolved against `dir` to a project path without
/// extension; `None` when it climbs above the project root.
pub fn resolve(dir: &str, spec: &str) -> Option<String> {
    let mut segments: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in spec.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            s => segments.push(s),
        }
    }
    let joined = segments.join("/");
    let module = strip_js_extension(&joined);
    (!module.is_empty()).then(|| module.to_string())
}

/// The last two segments of a non-relative specifier after its alias root
/// (`@/integrations/slack/slack.manifest` → `slack/slack.manifest`); a bare
/// package name yields nothing.
pub fn alias_tail(spec: &str) -> Option<String> {
    let segments: Vec<&str> = spec.split('/').filter(|s| !s.is_empty()).collect();
    let (_, rest) = segments.split_first()?;
    let last = strip_js_extension(rest.last()?);
    let tail = match rest.len() {
        1 => last.to_string(),
        n => format!("{}/{last}", rest[n - 2]),
    };
    (tail != "index").then_some(tail)
}

/// Modules whose import registers the manifest at `path`: the manifest
/// itself, its folder, its parent folder, and their `index` barrels.
pub fn import_candidates(path: &str) -> Vec<String> {
    let module = strip_js_extension(path);
    let mut candidates = vec![module.to_string()];
    let mut folder = parent(module);
    for _ in 0..2 {
        if folder.is_empty() {
            break;
        }
        candidates.push(folder.to_string());
        candidates.push(format!("{folder}/index"));
        folder = parent(folder);
    }
    candidates
}

/// The alias tails ([`alias_tail`]) of every import candidate.
pub fn tail_candidates(path: &str) -> Vec<String> {
    let mut tails: Vec<String> = Vec::new();
    for candidate in import_candidates(path) {
        let segments: Vec<&str> = candidate.split('/').collect();
        let n = segments.len();
        let mut own = vec![segments[n - 1].to_string()];
        if n >= 2 {
            own.push(format!("{}/{}", segments[n - 2], segments[n - 1]));
        }
        for tail in own {
            if tail != "index" && !tails.contains(&tail) {
                tails.push(tail);
            }
        }
    }
    tails
}

/// The specifier a file in `dir` uses to import `module` (both project
/// paths); `None` when they share no top folder, e.g. the registry of
/// another app in a monorepo.
pub fn relative_specifier(dir: &str, module: &str) -> Option<String> {
    let from: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = module.split('/').filter(|s| !s.is_empty()).collect();
    if from.first() != to.first() && !from.is_empty() {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = from.len() - common;
    let rest = to[common..].join("/");
    Some(if ups == 0 {
        format!("./{rest}")
    } else {
        format!("{}{rest}", "../".repeat(ups))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;
    use crate::source::SourceFile;
    use std::sync::Arc;

    fn parsed(path: &str, src: &str) -> ParsedFile {
        let language = Language::from_path(path).unwrap();
        ParsedFile::new(Arc::new(SourceFile::in_memory(path, src)), language)
    }

    fn fixed(literal: &Literal) -> Option<&str> {
        match literal {
            Literal::Str(s) if s.fixed => Some(&s.value),
            _ => None,
        }
    }

    #[test]
    fn the_exported_object_is_read_through_names_spreads_and_classes() {
        let src = "const base = { category: 'Cloud' };\n\
                   class Base { testConnection() {} }\n\
                   class Handler extends Base { fetchFull() {} }\n\
                   const auth = { type: 'oauth2', oauth2: { tokenUrl: `http://x/${p}` }, clientIdEnvVar: process.env.X };\n\
                   export const manifest = defineManifest({ ...base, id: 'slack', auth, capabilities: ['sync', 3], handler: new Handler(), extra: 1 });";
        let manifest = read(&parsed("a.manifest.ts", src)).unwrap();
        assert_eq!(manifest.export, ExportName::Named);
        assert!(manifest.is_integration);
        assert_eq!(manifest.id().as_deref(), Some("slack"));
        let object = manifest.object.as_ref().unwrap();
        assert!(!object.open);
        assert_eq!(
            fixed(
                &object
                    .get("category")
                    .unwrap()
                    .value
                    .as_ref()
                    .unwrap()
                    .literal
            ),
            Some("Cloud")
        );
        // Keys outside the schema are recorded without a value.
        assert!(object.get("extra").unwrap().value.is_none());
        let auth = object.get("auth").unwrap().value.as_ref().unwrap();
        let auth = auth.object.as_ref().unwrap();
        let env = auth.get("clientIdEnvVar").unwrap().value.as_ref().unwrap();
        assert_eq!(env.env_read.as_deref(), Some("X"));
        let nested = auth.get("oauth2").unwrap().value.as_ref().unwrap();
        let token = nested.object.as_ref().unwrap().get("tokenUrl").unwrap();
        let Literal::Str(url) = &token.value.as_ref().unwrap().literal else {
            panic!("a template string");
        };
        assert!(!url.fixed);
        assert_eq!(url.fixed_prefix(), "http://x/");
        let capabilities = object.get("capabilities").unwrap().value.as_ref().unwrap();
        let Items::Array(items) = &capabilities.items else {
            panic!("an array");
        };
        assert_eq!(fixed(&items[0].literal), Some("sync"));
        assert!(matches!(items[1].literal, Literal::Other("a number")));
        let handler = object.get("handler").unwrap().value.as_ref().unwrap();
        let members = handler.members.as_ref().unwrap();
        assert_eq!(members.names, vec!["testConnection", "fetchFull"]);
        assert!(!members.open);
    }

    #[test]
    fn what_cannot_be_read_stays_open() {
        let src = "import { shared } from './shared';\nexport default { ...shared, id: 'x' };";
        let manifest = read(&parsed("a.manifest.ts", src)).unwrap();
        assert_eq!(manifest.export, ExportName::Default);
        let object = manifest.object.unwrap();
        assert!(object.open);
        assert!(read(&parsed("a.ts", "export const other = 1;")).is_none());
    }

    #[test]
    fn registry_loads_resolve_relative_and_aliased_modules() {
        let src = "import { manifest as a } from '../integrations/a/a.manifest';\n\
                   import type { M } from '@/integrations/types';\n\
                   const b = require('@/integrations/b/b.manifest.ts');\n\
                   const all = import.meta.glob('./x/*.ts');";
        let loads = read_loads(&parsed("src/registry/index.ts", src)).unwrap();
        assert_eq!(
            loads.modules,
            vec![
                ModuleName::Path("src/integrations/a/a.manifest".into()),
                ModuleName::Tail("b/b.manifest".into()),
            ]
        );
        assert!(loads.names_manifests);
        assert!(loads.dynamic);
    }
}

//! Calls and constructions, with the callee's name as written and as
//! qualified through the file's imports (`client` imported `from boto3
//! import client` is `boto3.client`; `S3Client` imported from
//! `@aws-sdk/client-s3` is `@aws-sdk/client-s3.S3Client`), and the first
//! argument when it is a plain string.

use std::ops::Range;

use tree_sitter::Node;

use crate::facts::modules::{self, Imported, ModuleFacts};
use crate::lang::tree::{named_children, text, walk, NodeExt};
use crate::lang::{Family, ParsedFile};

/// One call or `new` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The callee as written, whitespace removed: `boto3.client`,
    /// `S3Client`, `this.db.from`.
    pub callee: String,
    /// The callee with its first segment replaced by what the file imports
    /// under that name: `boto3.client`, `@aws-sdk/client-s3.S3Client`.
    pub qualified: String,
    /// `new X(...)`.
    pub is_new: bool,
    /// The first argument's value when it is a string without
    /// substitutions.
    pub first_string: Option<String>,
    pub span: Range<usize>,
}

/// Every call and construction of a TS/JS or Python file.
pub fn calls(file: &ParsedFile) -> Vec<Call> {
    let family = file.language.family();
    if !matches!(family, Family::Js | Family::Python) {
        return Vec::new();
    }
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    let src = file.text();
    let root = tree.root_node();
    let imports = modules::read(file.language, root, src).unwrap_or_default();
    let mut found = Vec::new();
    walk(root, |node| {
        let (callee, arguments, is_new) = match node.kind_str() {
            "call_expression" | "call" => (node.field("function"), node.field("arguments"), false),
            "new_expression" => (node.field("constructor"), node.field("arguments"), true),
            _ => return true,
        };
        let Some(callee) = callee else { return true };
        let written: String = text(callee, src)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .replace("?.", ".");
        if written.is_empty() || written.len() > 200 {
            return true;
        }
        let first_string = arguments
            .and_then(|a| {
                named_children(a)
                    .into_iter()
                    .find(|n| n.kind_str() != "comment")
            })
            .and_then(|a| plain_string(a, src, family));
        found.push(Call {
            qualified: qualify(&written, &imports),
            callee: written,
            is_new,
            first_string,
            span: node.byte_range(),
        });
        true
    });
    found
}

/// `head.rest` with `head` replaced by the module member it imports.
fn qualify(written: &str, imports: &ModuleFacts) -> String {
    let (head, rest) = match written.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (written, None),
    };
    let Some(import) = imports.imports.iter().rev().find(|i| {
        i.local == head || written.starts_with(&format!("{}.", i.local)) && i.local.contains('.')
    }) else {
        return written.to_string();
    };
    let base = match &import.imported {
        Imported::Module => import.source.clone(),
        Imported::Default => format!("{}.default", import.source),
        Imported::Named(name) => format!("{}.{name}", import.source),
    };
    let rest = if import.local == head {
        rest
    } else {
        written.strip_prefix(&format!("{}.", import.local))
    };
    match rest {
        Some(rest) => format!("{base}.{rest}"),
        None => base,
    }
}

fn plain_string(node: Node<'_>, src: &str, family: Family) -> Option<String> {
    let lit = match family {
        Family::Js => crate::lang::typescript::string_literal(node, src),
        _ => crate::lang::python::string_literal(node, src),
    }?;
    lit.is_static().then_some(lit.value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;
    use crate::source::SourceFile;
    use std::sync::Arc;

    fn read(path: &str, src: &str) -> Vec<(String, String, Option<String>, bool)> {
        let language = Language::from_path(path).unwrap();
        let file = ParsedFile::new(Arc::new(SourceFile::in_memory(path, src)), language);
        calls(&file)
            .into_iter()
            .map(|c| (c.callee, c.qualified, c.first_string, c.is_new))
            .collect()
    }

    #[test]
    fn qualified_through_imports() {
        let py = read(
            "a.py",
            "import boto3\nfrom boto3 import client as mk\nimport botocore.session as s\nboto3.client('s3')\nmk(\"sqs\")\ns.get_session()\n",
        );
        assert_eq!(
            py,
            [
                (
                    "boto3.client".into(),
                    "boto3.client".into(),
                    Some("s3".into()),
                    false
                ),
                (
                    "mk".into(),
                    "boto3.client".into(),
                    Some("sqs".into()),
                    false
                ),
                (
                    "s.get_session".into(),
                    "botocore.session.get_session".into(),
                    None,
                    false
                ),
            ]
        );
        let ts = read(
            "a.ts",
            "import { S3Client as S3 } from '@aws-sdk/client-s3';\nimport * as aws from 'aws-sdk';\nnew S3({ region });\nnew aws.S3();\nfoo?.bar(`x`);\n",
        );
        assert_eq!(
            ts,
            [
                (
                    "S3".into(),
                    "@aws-sdk/client-s3.S3Client".into(),
                    None,
                    true
                ),
                ("aws.S3".into(), "aws-sdk.S3".into(), None, true),
                ("foo.bar".into(), "foo.bar".into(), Some("x".into()), false),
            ]
        );
    }
}

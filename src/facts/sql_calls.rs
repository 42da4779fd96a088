//! The one vocabulary of calls that hand SQL to a database, and the SQL a
//! TS/JS call carries.

use tree_sitter::Node;

use crate::lang::tree::{text, NodeExt, StrLit};
use crate::lang::typescript as ts;

/// Tags of template literals that hold SQL (`` sql`…` ``, Prisma's
/// `` $queryRaw`…` ``).
pub const SQL_TAGS: &[&str] = &["sql", "$queryRaw", "$executeRaw"];

/// Calls whose first argument is SQL, for every language: node-postgres and
/// mysql `query`, knex `raw`, better-sqlite3 and Deno `exec`/`run`,
/// postgres.js `unsafe`, Prisma's raw methods, DB-API `execute` and
/// `executemany`, asyncpg `fetch`/`fetchrow`/`fetchval`, `databases`
/// `fetch_one`/`fetch_all`/`fetch_val`, SQLAlchemy `text`. Every rule that
/// reads SQL out of code uses this one list.
pub const SQL_CALLS: &[&str] = &[
    "query",
    "execute",
    "executemany",
    "raw",
    "run",
    "exec",
    "unsafe",
    "$executeRaw",
    "$executeRawUnsafe",
    "$queryRaw",
    "$queryRawUnsafe",
    "fetch",
    "fetchrow",
    "fetchval",
    "fetch_one",
    "fetch_all",
    "fetch_val",
    "text",
];

/// Whether a call of this name hands its first argument to the database.
pub fn is_sql_call(name: &str) -> bool {
    SQL_CALLS.contains(&name)
}

/// The SQL a call hands to the database: `` sql`…` `` and
/// `` prisma.$queryRaw`…` `` templates, a method of [`SQL_CALLS`] such as
/// `pool.query('…')`.
pub fn ts_embedded_sql(node: Node<'_>, src: &str) -> Option<StrLit> {
    if node.kind_str() != "call_expression" {
        return None;
    }
    let function = node.field("function")?;
    let arguments = node.field("arguments")?;
    let (name, is_method) = match function.kind_str() {
        "identifier" => (function, false),
        "member_expression" => (function.field("property")?, true),
        _ => return None,
    };
    let name = text(name, src);
    if arguments.kind_str() == "arguments" {
        // `db.query('…')`: the name decides before the arguments are read.
        if !(is_method && is_sql_call(name)) {
            return None;
        }
        let first = ts::call(node)?.args.into_iter().next()?;
        return ts::fold_string(ts::unwrap_expression(first), src);
    }
    // A tagged template: sql`…`.
    if SQL_TAGS.contains(&name) {
        ts::string_literal(arguments, src)
    } else {
        None
    }
}

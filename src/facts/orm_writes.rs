//! Columns written through the query builders and ORMs beyond supabase:
//! Knex's callable form (`db('t').update({ col })`), Kysely and Drizzle
//! (`.set({ col })`, `.values({ col })`), Prisma (`data: { col }`),
//! SQLAlchemy (`.values(col=…)`, `update(Model).values({…})`) and Django
//! (`.update(col=…)`, `.create(col=…)`).
//!
//! Drizzle and Prisma write a model's field names, which map to columns by
//! their own schema (`amountCents` for `amount_cents`): a camelCase key is
//! read both as written and in snake_case.

use tree_sitter::Node;

use crate::facts::columns::{py_row_keys, ts_row_keys, Key, WRITE_METHODS};
use crate::lang::tree::{named_children, text, NodeExt};
use crate::lang::{python as py, typescript as ts};

/// Kysely's statement starters that write.
const KYSELY_WRITES: &[&str] = &["insertInto", "updateTable", "mergeInto", "replaceInto"];

/// Drizzle's statement starters that write (on a database object).
const DRIZZLE_WRITES: &[&str] = &["insert", "update"];

/// Prisma model methods that take a row under `data` (and `create`/
/// `update` for `upsert`).
const PRISMA_WRITES: &[&str] = &[
    "create",
    "createMany",
    "createManyAndReturn",
    "update",
    "updateMany",
    "updateManyAndReturn",
    "upsert",
];

/// Keys of the rows a TS/JS file writes through Knex's callable form,
/// Kysely, Drizzle and Prisma.
pub fn ts_orm_written_keys<'t>(root: Node<'t>, calls: &[Node<'t>], src: &str) -> Vec<Key> {
    let mut keys = Vec::new();
    for &node in calls {
        let is_write = |name: &str| {
            matches!(name, "set" | "values")
                || WRITE_METHODS.contains(&name)
                || PRISMA_WRITES.contains(&name)
        };
        let Some(call) = ts::call_name(node, src)
            .filter(|n| is_write(n))
            .and_then(|_| ts::call(node))
        else {
            continue;
        };
        let Some(receiver) = call.receiver else {
            continue;
        };
        let name = text(call.name, src);
        let Some(arg) = call.args.first().copied() else {
            continue;
        };
        let chain = ts::chain_calls(receiver);
        let chain_has = |names: &[&str]| chain.iter().any(|c| names.contains(&text(c.name, src)));
        if matches!(name, "set" | "values") && chain_has(KYSELY_WRITES) {
            ts_row_keys(root, src, arg, node, 0, &mut keys);
        } else if matches!(name, "set" | "values")
            && chain.last().is_some_and(|c| {
                c.receiver.is_some() && DRIZZLE_WRITES.contains(&text(c.name, src))
            })
        {
            let mut fields = Vec::new();
            ts_row_keys(root, src, arg, node, 0, &mut fields);
            keys.extend(with_snake_case(fields));
        } else if WRITE_METHODS.contains(&name) && knex_callable(&chain, src) {
            ts_row_keys(root, src, arg, node, 0, &mut keys);
        } else if PRISMA_WRITES.contains(&name) && is_prisma_model(receiver, src) {
            let mut fields = Vec::new();
            for row in prisma_rows(arg, src) {
                ts_row_keys(root, src, row, node, 0, &mut fields);
            }
            keys.extend(with_snake_case(fields));
        }
    }
    keys
}

/// Whether a chain starts with a call of a plain name with a table string:
/// `db('t')` in `db('t').where(…).update(…)`.
fn knex_callable(chain: &[ts::Call<'_>], src: &str) -> bool {
    chain.last().is_some_and(|first| {
        first.receiver.is_none()
            && first
                .args
                .first()
                .and_then(|a| ts::fold_string(ts::unwrap_expression(*a), src))
                .is_some_and(|lit| lit.is_static())
    })
}

/// `prisma.model`, `tx.model`, `this.prisma.model`: a model accessor of a
/// Prisma client (one whose name says Prisma, or a transaction's `tx`).
fn is_prisma_model(receiver: Node<'_>, src: &str) -> bool {
    let receiver = ts::unwrap_expression(receiver);
    if receiver.kind_str() != "member_expression" {
        return false;
    }
    receiver.field("object").is_some_and(|client| {
        let client = text(client, src);
        client.to_ascii_lowercase().contains("prisma") || client == "tx"
    })
}

/// The rows of a Prisma write's argument: `data`, and `create`/`update`
/// of an upsert.
fn prisma_rows<'t>(arg: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let arg = ts::unwrap_expression(arg);
    if arg.kind_str() != "object" {
        return Vec::new();
    }
    named_children(arg)
        .into_iter()
        .filter(|pair| pair.kind_str() == "pair")
        .filter(|pair| {
            pair.field("key")
                .and_then(|k| ts::property_key(k, src))
                .is_some_and(|k| matches!(k.as_ref(), "data" | "create" | "update"))
        })
        .filter_map(|pair| pair.field("value"))
        .collect()
}

/// Keys of the rows a Python file writes through SQLAlchemy statements
/// (`insert(t).values(…)`, `update(Model).values(…)`) and Django managers
/// (`Model.objects.filter(…).update(col=…)`, `.create(col=…)`).
pub fn py_orm_written_keys<'t>(root: Node<'t>, calls: &[Node<'t>], src: &str) -> Vec<Key> {
    let mut keys = Vec::new();
    for &node in calls {
        let is_write = |name| {
            matches!(
                name,
                "values" | "update" | "create" | "get_or_create" | "update_or_create"
            )
        };
        let Some(call) = py::call_name(node, src)
            .filter(|n| is_write(n))
            .and_then(|_| py::call(node))
        else {
            continue;
        };
        let Some(receiver) = call.receiver else {
            continue;
        };
        let name = text(call.name, src);
        let chain = py::chain_calls(receiver);
        let statement = chain.last().is_some_and(|c| {
            c.receiver.is_none() && matches!(text(c.name, src), "insert" | "update")
        });
        let django = matches!(
            name,
            "update" | "create" | "get_or_create" | "update_or_create"
        ) && text(receiver, src).contains(".objects");
        if (name == "values" && statement) || django {
            for (key, _) in &call.kwargs {
                if !matches!(text(*key, src), "defaults" | "create_defaults") {
                    keys.push(Key::plain(text(*key, src).to_string(), key.byte_range()));
                }
            }
            for (key, value) in &call.kwargs {
                if matches!(text(*key, src), "defaults" | "create_defaults") {
                    py_row_keys(root, src, *value, node, 0, &mut keys);
                }
            }
            if name == "values" {
                for arg in &call.args {
                    py_row_keys(root, src, *arg, node, 0, &mut keys);
                }
            }
        }
    }
    keys
}

/// Each key, and after it the same key in snake_case when that differs
/// (`amountCents` → `amount_cents`), at the same span.
fn with_snake_case(keys: Vec<Key>) -> Vec<Key> {
    let mut out = Vec::new();
    for key in keys {
        let snake = snake_case(&key.name);
        let span = key.span.clone();
        let differs = key.constant.is_none() && snake != key.name;
        out.push(key);
        if differs {
            out.push(Key::plain(snake, span));
        }
    }
    out
}

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts_keys(src: &str) -> Vec<String> {
        let tree = crate::lang::tree::parse(crate::lang::Language::TypeScript, src).unwrap();
        ts_orm_written_keys(
            tree.root_node(),
            &crate::lang::tree::calls(tree.root_node()),
            src,
        )
        .into_iter()
        .map(|k| k.name)
        .collect()
    }

    fn py_keys(src: &str) -> Vec<String> {
        let tree = crate::lang::tree::parse(crate::lang::Language::Python, src).unwrap();
        py_orm_written_keys(
            tree.root_node(),
            &crate::lang::tree::calls(tree.root_node()),
            src,
        )
        .into_iter()
        .map(|k| k.name)
        .collect()
    }

    #[test]
    fn ts_builders_and_orms() {
        assert_eq!(
            ts_keys("db('ledger').where({ id }).update({ amount_cents: 0 });"),
            ["amount_cents"]
        );
        assert_eq!(
            ts_keys("k.updateTable('ledger').set({ memo: 'x' }).where('id', '=', id);"),
            ["memo"]
        );
        assert_eq!(
            ts_keys("db.update(ledger).set({ amountCents: 0 });"),
            ["amountCents", "amount_cents"]
        );
        assert_eq!(
            ts_keys("prisma.ledgerEntry.upsert({ where: { id }, create: { id }, update: { postedAt: now } });"),
            ["id", "postedAt", "posted_at"]
        );
        // Not writes: a select's `where`, a Map, a Set of values.
        assert!(ts_keys("db('ledger').where({ amount_cents: 0 }).select();").is_empty());
        assert!(ts_keys("cache.set({ amount_cents: 0 }); new Set().values();").is_empty());
        assert!(ts_keys("state.ledger.update({ data: { memo: 1 } });").is_empty());
    }

    #[test]
    fn py_statements_and_django() {
        assert_eq!(
            py_keys("session.execute(update(Ledger).where(Ledger.id == i).values(amount_cents=0))"),
            ["amount_cents"]
        );
        assert_eq!(py_keys("insert(ledger).values({\"memo\": m})"), ["memo"]);
        assert_eq!(
            py_keys("Entry.objects.filter(id=i).update(amount_cents=0)\nEntry.objects.update_or_create(id=i, defaults={\"memo\": m})"),
            ["amount_cents", "id", "memo"]
        );
        assert!(py_keys(
            "select(Ledger).where(Ledger.amount_cents == 0)\nform.values(amount_cents=1)"
        )
        .is_empty());
    }
}

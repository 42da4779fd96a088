//! The `forbidden-table` rule kind: a database table that must not be used,
//! found in query-builder calls (`.from('t')`, `.table("t")`) and in SQL.

use serde::Deserialize;

use crate::deferred::Deferred;

use crate::facts::flow::Reach;
use crate::facts::orm::{
    code_verb, model_resembles, orm_uses, prisma_names_table, py_embedded_sql, sql_verb,
    table_stem, OrmTable, OrmUse, Verb, ORM_MARKERS,
};
use crate::facts::tables::{
    may_name_table_through_constant, sql_table_references, table_references,
    table_references_elsewhere, HelperArgument, LocalNames, TableElsewhere, TableSet,
};
use crate::lang::{Family, ParsedFile};
use crate::project::{Query, ValueTest};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags every use of a table that must not exist in the database:
    ///
    /// - TypeScript/JavaScript: a query-builder call naming it, with any chain
    ///   after it (`supabase.from('t')`, also `?.from`, `.schema('s').from`,
    ///   knex `.into('t')`/`.table('t')`, Kysely `.selectFrom('t')` and
    ///   friends, `knex.schema.createTable('t')`), a Drizzle `pgTable('t', …)`,
    ///   a realtime filter `.on(…, { table: 't' })`, and SQL handed to the
    ///   database in `` sql`…` `` templates or `.query('…')`;
    /// - Python: `.table("t")` and `.from_("t")` (supabase-py), SQLAlchemy
    ///   `Table("t", metadata)` and `__tablename__ = "t"`;
    /// - SQL files: every statement naming it (`create table`, `alter table`,
    ///   `insert into`, `update`, `delete from`, `select … from`, `join`,
    ///   `references`, `create policy/index/trigger … on`, `grant … on`),
    ///   schema-qualified or quoted, including plpgsql function bodies.
    ///
    /// The name counts when it is a string literal, a template literal without
    /// substitutions, or a constant (`const TABLE = 't'`, `TABLES.X` of a
    /// const object, a class field read through `this` and set by its
    /// initializer, a constructor parameter's default or the constructor,
    /// `TABLE = "t"` in Python), of the same file or imported from another
    /// module (followed through imports, re-exports, tsconfig paths and
    /// workspace packages). One hop of flow counts too: a table name handed
    /// to a function, in this file or another, whose parameter reaches a
    /// table call (`export const table = (name) => db.from(name)`, `def
    /// table(name): return supabase.table(name)`), and a table method bound
    /// to a name (`const from = db.from.bind(db)`). `Array.from`,
    /// `Buffer.from` and other builtins are not table calls. Comments, log
    /// messages and other prose that merely mention the name are not
    /// flagged, and neither is a `drop` statement: removing the table is the
    /// fix.
    ///
    /// ## Why is this bad?
    /// The table holds state that belongs to another system of record. Each
    /// read or write keeps a second, drifting copy alive, and a table the
    /// browser can reach is a poor home for anything credential-like.
    ///
    /// ## Example
    /// ```ts
    /// const { data } = await supabase.from('legacy_state').select('*');
    /// ```
    ///
    /// ```sql
    /// create table public.legacy_state (id uuid primary key);
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// const state = await api.get('/v1/state');
    /// ```
    ///
    /// ```sql
    /// drop table if exists public.legacy_state;
    /// ```
    ///
    /// ORMs and query builders that name a table by a model count too, with
    /// the model defined in the same file or imported from another module:
    /// Knex's callable form (`db('t').where(…).update(…)` where `db` is a
    /// `knex(config)` instance), Drizzle (`db.select().from(users)`,
    /// `db.insert(users)`, `db.update(users)`, `db.delete(users)` where
    /// `users = pgTable('t', …)`), Prisma (`prisma.ledgerEntry.create(…)`
    /// where the model is named like the table or maps to it with
    /// `@@map("t")` in the project's `schema.prisma`; raw SQL in
    /// `$queryRaw`/`$executeRaw`), SQLAlchemy (`select(Model)`,
    /// `insert(table)`, `update(Model)`, `delete(Model)`,
    /// `session.query(Model)`, `session.add(Model(…))` where the model has
    /// `__tablename__ = "t"` or is `Table("t", …)`, SQL in `text("…")` and
    /// `execute("…")`) and Django (`Model.objects.filter/create/update/
    /// delete(…)` with `Meta.db_table = "t"`).
    ///
    /// Each use has a verb, by what the statement or call does: `read`
    /// (`select`, `join`, `using`, `.select()`, `selectFrom`, `findMany`,
    /// `session.query`), `write` (`insert`, `update`, `upsert`, `merge`,
    /// `insertInto`, `.set()`, `create`, `session.add`), `delete` (`delete`,
    /// `truncate`, `deleteFrom`, `.del()`) and `schema` (`create`/`alter
    /// table`, indexes, policies, grants, references, `pgTable`, `Table`,
    /// `__tablename__`). With `verbs` set, only uses of those verbs are
    /// flagged, and a use whose verb the code does not say (`const q =
    /// db.from('t')` used later, a table handed to a helper) is not.
    ///
    /// ## Options
    /// - `tables`: names of the forbidden tables. A name matches whatever the
    ///   schema it is qualified with; write `schema.table` to forbid the table
    ///   in one schema only. Unquoted SQL names match case-insensitively.
    /// - `verbs`: what must not be done to them, any of `read`, `write`,
    ///   `delete` and `schema` (default: all, every use). Scope the rule to
    ///   the code it is about with `paths`/`exclude`/`roles`: "the web app
    ///   never writes `ledger`" is `verbs = ["write", "delete"]` with
    ///   `paths = ["apps/web"]`.
    pub struct ForbiddenTable;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "tables",
        description: "Names of the forbidden tables (`table` or `schema.table`).",
    },
    OptionDoc {
        name: "verbs",
        description:
            "What must not be done to them: `read`, `write`, `delete`, `schema` (default: all).",
    },
];

impl Kind for ForbiddenTable {
    fn id(&self) -> &'static str {
        "forbidden-table"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python, Family::Sql]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        let tables = TableSet::new("tables", &options.tables)?;
        let verbs = Verb::parse_option(options.verbs.as_deref())
            .map_err(|e| OptionError::new("verbs", e))?;
        let stems: Vec<String> = tables.displays().map(table_stem).collect();
        Ok(Box::new(ForbiddenTableCheck {
            spelled: any_of(&tables.literals()),
            stemmed: any_of(&stems),
            stems,
            tables,
            verbs,
        }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    tables: Vec<String>,
    #[serde(default)]
    verbs: Option<Vec<String>>,
}

struct ForbiddenTableCheck {
    tables: TableSet,
    /// The verbs flagged; `None` for every use.
    verbs: Option<Vec<Verb>>,
    /// Matches a text that spells some configured table.
    spelled: Deferred<Option<aho_corasick::AhoCorasick>>,
    /// The stem of each table a model named after it spells.
    stems: Vec<String>,
    /// Matches a text that spells some stem.
    stemmed: Deferred<Option<aho_corasick::AhoCorasick>>,
}

/// A case-insensitive matcher of any of `literals`, built on first use.
fn any_of(literals: &[String]) -> Deferred<Option<aho_corasick::AhoCorasick>> {
    crate::deferred::any_of_matcher(literals.to_vec())
}

impl Check for ForbiddenTableCheck {
    fn literals(&self) -> Vec<String> {
        let mut literals = self.tables.literals();
        // A table call whose table is a constant of another module spells
        // only the call; an ORM call, only the model.
        literals.extend(TABLE_CALL_LITERALS.iter().map(|l| l.to_string()));
        literals.extend(ORM_MARKERS.iter().map(|l| l.to_string()));
        literals.extend(self.stems.iter().cloned());
        literals
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        match file.language.family() {
            Family::Js | Family::Python => {
                let text = file.text();
                let spells_a_table = self.spelled.as_ref().is_none_or(|m| m.is_match(text));
                // A model or table object is named after its table, where it
                // is used or where it is imported: the stem is in the file.
                let through_orm = self.stemmed.as_ref().is_some_and(|m| m.is_match(text));
                if !spells_a_table && !through_orm && !may_name_table_through_constant(text) {
                    return;
                }
                let Some(tree) = file.tree() else { return };
                let root = tree.root_node();
                let mut found = Vec::new();
                table_references(file, root, root, &self.tables, &mut |span, table| {
                    found.push((span, table.to_string()));
                });
                for (span, table) in found {
                    let verb = code_verb(file, root, span.clone());
                    self.report(out, Report::at(span).var("table", table), verb, "");
                }
                let mut elsewhere = Vec::new();
                table_references_elsewhere(file, root, &self.tables, &mut |reference| {
                    elsewhere.push(reference);
                });
                for reference in elsewhere {
                    let verb = match &reference {
                        TableElsewhere::Constant { span, .. } => {
                            code_verb(file, root, span.clone())
                        }
                        TableElsewhere::HelperCall { .. } => None,
                    };
                    self.report_elsewhere(out, reference, verb);
                }
                if file.language.family() == Family::Python {
                    let mut embedded = Vec::new();
                    py_embedded_sql(root, text, &self.tables, &mut |span, table| {
                        embedded.push((span, table.to_string()));
                    });
                    for (span, table) in embedded {
                        let verb = sql_verb(text, span.start);
                        self.report(out, Report::at(span).var("table", table), verb, "");
                    }
                }
                let orm_file = ORM_MARKERS.iter().any(|l| text.contains(l));
                let names = LocalNames::read(file, root);
                for orm_use in orm_uses(file, root, &|name| names.is_imported(name)) {
                    // A model of another module counts where the file uses
                    // an ORM or the model is named after a table.
                    if let OrmTable::Model(model) = &orm_use.table {
                        if !orm_file && !self.stems.iter().any(|s| model_resembles(model, s)) {
                            continue;
                        }
                    }
                    self.report_orm(out, orm_use);
                }
            }
            Family::Sql => {
                let text = file.text();
                for statement in file.sql() {
                    sql_table_references(statement, text, &self.tables, &mut |span, table| {
                        let verb = sql_verb(text, span.start);
                        self.report(out, Report::at(span).var("table", table), verb, "");
                    });
                }
            }
            _ => {}
        }
    }
}

/// What a file that names a table only through a constant still spells.
const TABLE_CALL_LITERALS: &[&str] = &[".from(", ".table(", ".from_("];

impl ForbiddenTableCheck {
    /// Reports a use when its verb is flagged: every use without `verbs`,
    /// only one whose verb the code says with them.
    fn report(&self, out: &mut Reporter<'_>, report: Report, verb: Option<Verb>, how: &str) {
        if let Some(verbs) = &self.verbs {
            if !verb.is_some_and(|v| verbs.contains(&v)) {
                return;
            }
        }
        let label = match how {
            "" => "forbidden table".to_string(),
            how => format!("forbidden table, {how}"),
        };
        out.report(report.var("verb", verb.map_or("", Verb::name)).label(label));
    }

    /// Reports a reference the project model decides: once per configured
    /// table a constant could name, each kept only if the model confirms it.
    fn report_elsewhere(
        &self,
        out: &mut Reporter<'_>,
        reference: TableElsewhere,
        verb: Option<Verb>,
    ) {
        let at = |span: std::ops::Range<usize>, table: &str| Report::at(span).var("table", table);
        match reference {
            TableElsewhere::Constant { span, name } => {
                for table in self.tables.displays() {
                    self.report(
                        out,
                        at(span.clone(), table)
                            .requires_constant(&name, ValueTest::NamesTable(table.to_string())),
                        verb,
                        &format!("the value of `{name}`"),
                    );
                }
            }
            TableElsewhere::HelperCall {
                span,
                callee,
                param,
                table: HelperArgument::Table(table),
            } => {
                let how = format!("handed to `{callee}`");
                self.report(
                    out,
                    at(span, &table).requires_helper(callee, param, Reach::TableName),
                    None,
                    &how,
                );
            }
            TableElsewhere::HelperCall {
                span,
                callee,
                param,
                table: HelperArgument::Constant(name),
            } => {
                for table in self.tables.displays() {
                    self.report(
                        out,
                        at(span.clone(), table)
                            .requires_helper(&callee, param, Reach::TableName)
                            .requires_constant(&name, ValueTest::NamesTable(table.to_string())),
                        None,
                        &format!("`{name}` handed to `{callee}`"),
                    );
                }
            }
        }
    }

    /// Reports a use through an ORM model, a Knex instance or a Prisma
    /// accessor, asking the project model where the file alone cannot say.
    fn report_orm(&self, out: &mut Reporter<'_>, orm_use: OrmUse) {
        let OrmUse { span, table, verb } = orm_use;
        let at = |table: &str| Report::at(span.clone()).var("table", table);
        match table {
            OrmTable::Named(name) => {
                if let Some(table) = self.tables.find_string(&name) {
                    self.report(out, at(table), verb, "");
                }
            }
            OrmTable::Model(model) => {
                for table in self.tables.displays() {
                    let query = Query::ModelIs {
                        name: model.clone(),
                        table: table.to_string(),
                    };
                    let how = format!("model `{model}`");
                    self.report(out, at(table).requires_project(query), verb, &how);
                }
            }
            OrmTable::Prisma(accessor) => {
                for table in self.tables.displays() {
                    let how = format!("Prisma model `{accessor}`");
                    let bare = table.rsplit('.').next().unwrap_or(table);
                    let report = if prisma_names_table(&accessor, bare) {
                        at(table)
                    } else {
                        at(table).requires_project(Query::PrismaTable {
                            accessor: accessor.clone(),
                            table: table.to_string(),
                        })
                    };
                    self.report(out, report, verb, &how);
                }
            }
            OrmTable::KnexCall { callee, table } => {
                if let Some(table) = self.tables.find_string(&table) {
                    let query = Query::KnexInstance {
                        name: callee.clone(),
                    };
                    let how = format!("Knex instance `{callee}`");
                    self.report(out, at(table).requires_project(query), verb, &how);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;

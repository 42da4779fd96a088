//! The `forbidden-table` rule kind: a database table that must not be used,
//! found in query-builder calls (`.from('t')`, `.table("t")`) and in SQL.

use serde::Deserialize;

use crate::facts::flow::Reach;
use crate::facts::orm::{
    code_verb, orm_uses, prisma_names_table, py_embedded_sql, sql_verb, OrmTable, OrmUse, Verb,
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
        let verbs = parse_verbs(options.verbs.as_deref())?;
        Ok(Box::new(ForbiddenTableCheck {
            spelled: any_of(&tables.literals()),
            tables,
            verbs,
        }))
    }
}

/// The verbs of the `verbs` option; `None` for every use.
fn parse_verbs(verbs: Option<&[String]>) -> Result<Option<Vec<Verb>>, OptionError> {
    let Some(verbs) = verbs else {
        return Ok(None);
    };
    if verbs.is_empty() {
        return Err(OptionError::new(
            "verbs",
            "list at least one of `read`, `write`, `delete`, `schema` (or leave `verbs` out for all)",
        ));
    }
    let mut parsed = Vec::new();
    for verb in verbs {
        let Some(v) = Verb::parse(verb) else {
            return Err(OptionError::new(
                "verbs",
                format!("`{verb}` is not a verb: use `read`, `write`, `delete` or `schema`"),
            ));
        };
        parsed.push(v);
    }
    Ok((!Verb::ALL.iter().all(|v| parsed.contains(v))).then_some(parsed))
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
    spelled: Option<aho_corasick::AhoCorasick>,
}

/// A case-insensitive matcher of any of `literals`.
fn any_of(literals: &[String]) -> Option<aho_corasick::AhoCorasick> {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(literals)
        .ok()
}

impl Check for ForbiddenTableCheck {
    fn literals(&self) -> Vec<String> {
        let mut literals = self.tables.literals();
        // A table call whose table is a constant of another module spells
        // only the call; an ORM call, only the model.
        literals.extend(TABLE_CALL_LITERALS.iter().map(|l| l.to_string()));
        literals.extend(ORM_LITERALS.iter().map(|l| l.to_string()));
        literals
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        match file.language.family() {
            Family::Js | Family::Python => {
                let text = file.text();
                let spells_a_table = self.spelled.as_ref().is_none_or(|m| m.is_match(text));
                let through_orm = ORM_LITERALS.iter().any(|l| text.contains(l));
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
                let names = LocalNames::read(file, root);
                for orm_use in orm_uses(file, root, &|name| names.is_imported(name)) {
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

/// What a file that uses a table only through an ORM model, a Knex
/// instance or a Prisma accessor still spells.
const ORM_LITERALS: &[&str] = &[
    ".insert(",
    ".update(",
    ".delete(",
    "select(",
    ".query(",
    ".add(",
    ".add_all(",
    ".objects.",
    ".findMany(",
    ".findUnique(",
    ".findFirst(",
    ".create(",
    ".upsert(",
    ".createMany(",
    ".updateMany(",
    ".deleteMany(",
];

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
mod tests {

    use crate::Finding;

    fn lint(path: &str, text: &str) -> Vec<Finding> {
        crate::rules::lint_with_only("supabase-integration-table", &[(path, text)])
    }

    fn flagged(path: &str, text: &str) -> Vec<String> {
        lint(path, text)
            .iter()
            .map(|f| text[f.span.clone()].to_string())
            .collect()
    }

    const T: &str = "cloud_provider_integrations";

    #[test]
    fn js_from_calls() {
        let src = format!(
            "const a = await supabase\n  .from('{T}')\n  .select('*');\n\
             supabase?.from(\"{T}\").delete();\n\
             db.schema('public').from(`{T}`).insert(rows);\n\
             db.from('public.{T}');\n\
             db.from(`${{x}}_{T}`);\n\
             db.from('{T}_archive');\n\
             console.log('moving {T} to the API');\n\
             // supabase.from('{T}')\n"
        );
        let found = flagged("a.ts", &src);
        assert_eq!(
            found,
            vec![
                format!("'{T}'"),
                format!("\"{T}\""),
                format!("`{T}`"),
                format!("'public.{T}'"),
            ]
        );
        let findings = lint("a.ts", &src);
        assert_eq!(
            findings[0].message,
            format!("`{T}` is an integration table; integration state must not live in Supabase")
        );
    }

    #[test]
    fn js_constants_resolve() {
        let src = format!(
            "const TABLE = '{T}' as const;\n\
             const TABLES = {{ INTEGRATIONS: '{T}', ORGS: 'organizations' }};\n\
             class Repo {{ private table = '{T}';\n  load() {{ return this.db.from(this.table).select(); }} }}\n\
             db.from(TABLE);\n db.from(TABLES.INTEGRATIONS);\n db.from(TABLES.ORGS);\n db.from(Imported.X);\n"
        );
        assert_eq!(
            flagged("a.ts", &src),
            vec!["this.table", "TABLE", "TABLES.INTEGRATIONS"]
        );
    }

    #[test]
    fn python_calls() {
        let src = format!(
            "TABLE = \"{T}\"\n\
             supabase.table(\"{T}\").select(\"*\").execute()\n\
             await client.from_('{T}').delete().execute()\n\
             self._client.table(TABLE).select('x')\n\
             supabase.table(\"organizations\")\n\
             logger.info(\"{T} gone\")\n\
             # supabase.table(\"{T}\")\n"
        );
        assert_eq!(
            flagged("a.py", &src),
            vec![format!("\"{T}\""), format!("'{T}'"), "TABLE".to_string()]
        );
    }

    #[test]
    fn other_query_builders() {
        let src = format!(
            "knex.insert(row).into('{T}');\n\
             db.selectFrom('{T} as c').selectAll();\n\
             knex.schema.createTable('{T}', (t) => {{}});\n\
             export const cpi = pgTable('{T}', {{ id: uuid('id') }});\n\
             supabase.channel('x').on('postgres_changes', {{ event: '*', schema: 'public', table: '{T}' }}, cb);\n\
             await sql`select * from public.{T} where org_id = ${{id}}`;\n\
             await pool.query('delete from {T} where id = $1', [id]);\n\
             await sql`drop table if exists {T}`;\n\
             await pool.query('{T} is gone');\n\
             from('{T}');\n"
        );
        assert_eq!(
            flagged("a.ts", &src),
            vec![
                format!("'{T}'"),
                format!("'{T} as c'"),
                format!("'{T}'"),
                format!("'{T}'"),
                format!("'{T}'"),
                format!("public.{T}"),
                T.to_string(),
            ]
        );
        let py = format!(
            "class Cpi(Base):\n    __tablename__ = \"{T}\"\n\
             cpi = sa.Table(\"{T}\", metadata, sa.Column(\"id\"))\n\
             client.query(\"select * from {T}\")\n"
        );
        // SQL handed to the database from Python counts too.
        assert_eq!(
            flagged("a.py", &py),
            vec![format!("\"{T}\""), format!("\"{T}\""), T.to_string()]
        );
    }

    #[test]
    fn sql_statements() {
        let src = format!(
            "-- create table {T} (id int);\n\
             /* insert into {T} */\n\
             create table if not exists public.{T} (id uuid, org uuid references organizations (id));\n\
             alter table only public.\"{T}\" enable row level security;\n\
             ALTER TABLE Public.Cloud_Provider_Integrations ADD COLUMN region text;\n\
             create table runs (i uuid references {T} (id));\n\
             comment on table organizations is 'formerly {T}';\n\
             select * from organizations o left join {T} c on c.org_id = o.id;\n\
             drop policy if exists \"p\" on public.{T};\n\
             drop table if exists public.{T} cascade;\n\
             create table {T}_archive (id int);\n\
             create function f() returns trigger language plpgsql as $$\n\
             begin insert into {T} (a) values (1); drop table {T}; return new; end; $$;\n"
        );
        assert_eq!(
            flagged("m.sql", &src),
            vec![
                format!("public.{T}"),
                format!("public.\"{T}\""),
                "Public.Cloud_Provider_Integrations".to_string(),
                T.to_string(),
                T.to_string(),
                T.to_string(),
            ]
        );
    }

    fn flagged_in(files: &[(&str, &str)]) -> Vec<(String, String)> {
        crate::rules::lint_with_only("supabase-integration-table", files)
            .iter()
            .map(|f| {
                (
                    f.path().to_string(),
                    f.source.text[f.span.clone()].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn table_names_through_helpers_constants_fields_and_bind() {
        let files = [
            (
                "lib/db.ts",
                "export const table = (name: string) => supabase.from(name);
                 export function rows(db: Db, name: string) { return db.from(name).select('*'); }
",
            ),
            (
                "lib/tables.ts",
                "export const TABLES = { integrations: 'cloud_provider_integrations', orgs: 'organizations' } as const;
                 export const INTEGRATIONS_TABLE = TABLES.integrations;
",
            ),
            (
                "app/sync.ts",
                "import { table, rows } from '../lib/db';
                 import { TABLES, INTEGRATIONS_TABLE } from '../lib/tables';
                 await table('cloud_provider_integrations').select('*');
                 await rows(db, 'cloud_provider_integrations');
                 await table('organizations').select('*');
                 await supabase.from(INTEGRATIONS_TABLE).select('*');
                 await supabase.from(TABLES.orgs).select('*');
                 await table(TABLES.integrations);
                 await format('cloud_provider_integrations');
                 class Repo {
  constructor(private client: SupabaseClient, private tableName = 'cloud_provider_integrations') {}
  all() { return this.client.from(this.tableName).select(); }
}
                 class Other {
  constructor(private client: SupabaseClient) { this.name = TABLES.integrations; }
  all() { return this.client.from(this.name).select(); }
}
                 const from = supabase.from.bind(supabase);
                 from('cloud_provider_integrations');
                 const arrayFrom = Array.from.bind(Array);
                 arrayFrom('cloud_provider_integrations');
                 Array.from('cloud_provider_integrations');
",
            ),
        ];
        let found: Vec<String> = flagged_in(&files).into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            found,
            vec![
                "'cloud_provider_integrations'",
                "'cloud_provider_integrations'",
                "INTEGRATIONS_TABLE",
                "TABLES.integrations",
                "this.tableName",
                "this.name",
                "'cloud_provider_integrations'",
            ]
        );
    }

    #[test]
    fn python_helpers_and_constants_from_other_modules() {
        let files = [
            ("svc/app/__init__.py", ""),
            (
                "svc/app/db.py",
                "from supabase import create_client
supabase = create_client(URL, KEY)
                 def table(name: str):
    return supabase.table(name)
",
            ),
            (
                "svc/app/tables.py",
                "INTEGRATIONS_TABLE = \"cloud_provider_integrations\"
class Tables:
    ORGS = \"organizations\"
",
            ),
            (
                "svc/app/sync.py",
                "from app.db import table, supabase
from app.tables import INTEGRATIONS_TABLE, Tables
                 table(\"cloud_provider_integrations\").select(\"*\").execute()
                 table(\"organizations\").select(\"*\").execute()
                 supabase.table(INTEGRATIONS_TABLE).select(\"*\").execute()
                 supabase.table(Tables.ORGS).select(\"*\").execute()
                 class Repo:
    def __init__(self, client):
        self.client = client
        self.table_name = INTEGRATIONS_TABLE
                 \n    def all(self):
        return self.client.table(self.table_name).select(\"*\").execute()
",
            ),
        ];
        let found: Vec<String> = flagged_in(&files).into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            found,
            vec![
                "\"cloud_provider_integrations\"",
                "INTEGRATIONS_TABLE",
                "self.table_name",
            ]
        );
    }

    #[test]
    fn unknown_names_across_files_are_not_findings() {
        let files = [
            (
                "a.ts",
                "import { B } from './b';\nexport const A = B;\nexport { C } from './c';\n",
            ),
            (
                "b.ts",
                "import { A } from './a';\nexport const B = A;\nexport class table {}\n",
            ),
            ("c.ts", "export { C } from './a';\n"),
            (
                "app.ts",
                "import { A, C } from './a';\n\
                 import { table } from './b';\n\
                 import { T, query } from '@acme/missing';\n\
                 import { U } from './nowhere';\n\
                 db.from(A); db.from(C); db.from(T); db.from(U);\n\
                 query('cloud_provider_integrations');\n\
                 table('cloud_provider_integrations');\n\
                 db.from(param);\n",
            ),
        ];
        assert!(flagged_in(&files).is_empty());
    }

    #[test]
    fn files_without_the_name_are_skipped() {
        assert!(flagged("a.ts", "db.from(TABLE)").is_empty());
    }

    #[test]
    fn options_are_validated() {
        use crate::rules::Kind;
        let compile = |text: &str| super::ForbiddenTable.compile(&toml::from_str(text).unwrap());
        assert_eq!(
            compile("tables = []").err().unwrap().option.as_deref(),
            Some("tables")
        );
        assert_eq!(
            compile("tables = ['a b']").err().unwrap().option.as_deref(),
            Some("tables")
        );
        assert!(compile("tabels = ['x']")
            .err()
            .unwrap()
            .message
            .contains("tabels"));
        let check = compile("tables = ['public.Legacy']").ok().unwrap();
        assert_eq!(
            check.literals()[..4],
            ["legacy", ".from(", ".table(", ".from_("]
        );
        assert!(check.literals().contains(&".findMany(".to_string()));
        assert_eq!(
            compile("tables = ['t']\nverbs = ['wrte']")
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("verbs")
        );
        assert!(compile("tables = ['t']\nverbs = []").is_err());
        assert!(compile("tables = ['t']\nverbs = ['write', 'delete']").is_ok());
    }
}

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
    assert!(check.literals().contains(&"prisma".to_string()));
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

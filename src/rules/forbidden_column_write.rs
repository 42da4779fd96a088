//! The `forbidden-column-write` rule kind: columns that must not be written,
//! found as keys of query-builder writes and in SQL that adds or sets them.

use std::collections::HashSet;
use std::ops::Range;

use serde::Deserialize;

use crate::facts::columns::{
    may_write_column_through_constant, py_helper_rows, py_written_keys, sql_written_columns,
    ts_helper_rows, ts_written_keys, ColumnGlobs, HelperRow, Key, SpelledParts,
};
use crate::facts::flow::Reach;
use crate::facts::orm_writes::{py_orm_written_keys, ts_orm_written_keys};
use crate::facts::tables::LocalNames;
use crate::lang::{Family, ParsedFile};
use crate::project::ValueTest;
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags writes of forbidden columns. In TypeScript/JavaScript and Python
    /// it looks at the object passed to `.update(…)`, `.insert(…)` or
    /// `.upsert(…)` on a query that starts with `.from('t')` (supabase-js) or
    /// `.table("t")` / `.from_("t")` (supabase-py): every key matching a
    /// column glob is one finding, whether it is written plainly, quoted, as a
    /// shorthand property, as a computed key built from a template literal
    /// (`` [`prefix_${p}_suffix`] ``), as a Python f-string key or a
    /// `dict(name=…)` keyword. Arrays of rows, rows held in a variable of the
    /// same file (including keys assigned later, `row.key = …`,
    /// `row["key"] = …`), spreads of such rows and computed keys held in a
    /// constant are followed. The constant may live in another module
    /// (`{ [STATUS_COLUMN]: … }`, `{STATUS_COLUMN: …}` with the name
    /// imported): the project model reads its value there. A row handed to a
    /// function, of this file or another, whose parameter reaches such a
    /// write (`saveRow(orgId, { [STATUS_COLUMN]: 'connected' })` with
    /// `saveRow(id, patch) { return db.from(t).update(patch)… }`) counts as
    /// written where it is built.
    ///
    /// The other query builders and ORMs write the same way: Knex's callable
    /// form (`db('t').where(…).update({ col })`, `.insert({ col })`), Kysely
    /// (`insertInto('t').values({ col })`, `updateTable('t').set({ col })`),
    /// Drizzle (`db.insert(t).values({ col })`, `db.update(t).set({ col })`),
    /// Prisma (`prisma.model.create/update/upsert({ data: { col } })`),
    /// SQLAlchemy (`insert(t).values(col=…)`, `update(Model).values({ … })`)
    /// and Django (`Model.objects.filter(…).update(col=…)`, `.create(col=…)`,
    /// `defaults`). Drizzle and Prisma keys are model fields: a camelCase
    /// field is matched as written and in snake_case (`amountCents` as
    /// `amount_cents`).
    ///
    /// In SQL (`.sql` files, and SQL handed to the database from
    /// TypeScript/JavaScript in `` sql`…` `` templates or `.query('…')`) it
    /// flags `alter table … add [column]`, `rename column … to`, column
    /// definitions of `create table`, `update … set` targets (also `on
    /// conflict do update set`) and `insert into t (…)` column lists.
    ///
    /// Reads are not flagged: `.select(…)`, filters such as `.eq(…)`, SQL
    /// `select` and `where` clauses, and `drop column`.
    ///
    /// ## Why is this bad?
    /// The columns hold a copy of state that another system owns. Every write
    /// keeps the copy alive, and two sources of truth drift apart.
    ///
    /// ## Example
    /// ```ts
    /// await supabase.from('accounts').update({ legacy_sync_status: 'done' }).eq('id', id);
    /// ```
    ///
    /// ```sql
    /// alter table accounts add column legacy_sync_status text;
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// await api.post(`/v1/accounts/${id}/sync`);
    /// ```
    ///
    /// ## Options
    /// - `columns`: globs over column names; `*` matches any run of
    ///   characters, so `legacy_*_status` matches `legacy_sync_status` but not
    ///   `legacy_status`. Matching ignores ASCII case.
    pub struct ForbiddenColumnWrite;
}

const OPTIONS: &[OptionDoc] = &[OptionDoc {
    name: "columns",
    description: "Globs over the forbidden column names (`*` matches any run of characters).",
}];

impl Kind for ForbiddenColumnWrite {
    fn id(&self) -> &'static str {
        "forbidden-column-write"
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
        let columns = ColumnGlobs::new("columns", &options.columns)?;
        let spelled = columns.spelled_parts();
        Ok(Box::new(ForbiddenColumnWriteCheck { columns, spelled }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    columns: Vec<String>,
}

struct ForbiddenColumnWriteCheck {
    columns: ColumnGlobs,
    /// Whether a text spells every fixed part of some column glob.
    spelled: SpelledParts,
}

impl Check for ForbiddenColumnWriteCheck {
    fn literals(&self) -> Vec<String> {
        let mut literals = self.columns.literals();
        literals.extend(WRITE_LITERALS.iter().map(|l| l.to_string()));
        literals
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let mut seen = HashSet::new();
        let family = file.language.family();
        match family {
            Family::Js | Family::Python => {
                let spells_a_column = self.spelled.is_spelled_in(file.text());
                if !spells_a_column && !may_write_column_through_constant(file.text(), family) {
                    return;
                }
                let Some(tree) = file.tree() else { return };
                let (root, src) = (tree.root_node(), file.text());
                let names = LocalNames::read(file, root);
                let may_be_helper = |callee: &str| names.may_be_helper(callee);
                let Some((written, rows, through_orm)) = file.with_calls(|tree, calls| {
                    let root = tree.root_node();
                    if family == Family::Js {
                        (
                            ts_written_keys(root, calls, src),
                            ts_helper_rows(root, calls, src, &may_be_helper),
                            ts_orm_written_keys(root, calls, src),
                        )
                    } else {
                        (
                            py_written_keys(root, calls, src),
                            py_helper_rows(root, calls, src, &may_be_helper),
                            py_orm_written_keys(root, calls, src),
                        )
                    }
                }) else {
                    return;
                };
                for key in written.into_iter().chain(through_orm) {
                    self.report_key(out, &mut seen, &names, key, None);
                }
                for HelperRow {
                    callee,
                    param,
                    keys,
                } in rows
                {
                    for key in keys {
                        self.report_key(out, &mut seen, &names, key, Some((&callee, param)));
                    }
                }
            }
            Family::Sql => {
                let text = file.text();
                for statement in file.sql() {
                    for (span, name) in sql_written_columns(statement, text) {
                        if self.columns.is_match(&name) && seen.insert(span.clone()) {
                            out.report(Report::at(span).var("column", name).label("written here"));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// What a file whose written column is a constant of another module, or
/// whose row goes to a helper, still spells.
const WRITE_LITERALS: &[&str] = &[".update(", ".upsert(", ".insert(", "]:"];

impl ForbiddenColumnWriteCheck {
    /// Reports a written key: at once when its name matches, asking the
    /// project model when the name is an imported constant (its value must
    /// match) or the row goes to a helper (its parameter must reach a write).
    fn report_key(
        &self,
        out: &mut Reporter<'_>,
        seen: &mut HashSet<Range<usize>>,
        names: &LocalNames,
        key: Key,
        helper: Option<(&str, usize)>,
    ) {
        let mut report = Report::at(key.span.clone()).var("column", key.display);
        let mut label = "written here".to_string();
        if !self.columns.is_match(&key.name) {
            match key.constant.filter(|c| names.is_imported(c)) {
                Some(constant) => {
                    let test = ValueTest::MatchesColumn(self.columns.patterns().to_vec());
                    label = format!("`{constant}` names a forbidden column; {label}");
                    report = report.requires_constant(constant, test);
                }
                None => return,
            }
        }
        if let Some((callee, param)) = helper {
            label = label.replace("written here", &format!("written by `{callee}`"));
            report = report.requires_helper(callee, param, Reach::WrittenRow);
        }
        let report = report.label(label);
        if seen.insert(key.span) {
            out.report(report);
        }
    }
}

#[cfg(test)]
mod tests {

    use crate::Finding;

    fn lint(path: &str, text: &str) -> Vec<Finding> {
        crate::rules::lint_with_only("supabase-integration-status-write", &[(path, text)])
    }

    fn flagged(path: &str, text: &str) -> Vec<String> {
        lint(path, text)
            .iter()
            .map(|f| text[f.span.clone()].to_string())
            .collect()
    }

    #[test]
    fn js_object_keys() {
        let src = "await supabase\n  .from('organizations')\n  .update({ integration_gcp_status: 'x', 'integration_aws_status': 1, \
                   [`integration_${p}_configured_at`]: now, integration_oci_status, name, integration_status: 2, ...patch })\n  .eq('integration_gcp_status', 'y');\n\
                   db.from('orgs').insert([{ integration_azure_status: 1 }, { plan: 'x' }]);\n\
                   db?.schema('public').from('orgs').upsert({ \"integration_a_status\": 1 }, { onConflict: 'id' });\n\
                   state.update({ integration_b_status: 1 });\n\
                   fetch(url, { body: JSON.stringify({ integration_c_status: 1 }) });\n";
        assert_eq!(
            flagged("a.ts", src),
            vec![
                "integration_gcp_status",
                "'integration_aws_status'",
                "`integration_${p}_configured_at`",
                "integration_oci_status",
                "integration_azure_status",
                "\"integration_a_status\"",
            ]
        );
        let findings = lint("a.ts", src);
        assert_eq!(
            findings[0].message,
            "`integration_gcp_status` is integration status; it must not be written to Supabase"
        );
        assert!(findings[2]
            .message
            .starts_with("`integration_${p}_configured_at` is"));
    }

    #[test]
    fn js_rows_through_variables() {
        let src = "const base = { integration_x_status: 1 };\n\
                   function f() {\n  const updates = { ...base, integration_y_status: 2 };\n  updates.integration_z_status = 3;\n  updates[`integration_${p}_configured_at`] = 4;\n\
                   const q = supabase.from('orgs');\n  q.update(updates);\n  supabase.from('orgs').update(updates as Row);\n}\n\
                   function g() { other.integration_w_status = 1; }\n";
        assert_eq!(
            flagged("a.ts", src),
            vec![
                "integration_x_status",
                "integration_y_status",
                "integration_z_status",
                "`integration_${p}_configured_at`",
            ]
        );
    }

    #[test]
    fn python_dict_keys() {
        let src = "supabase.table(\"organizations\").update({\"integration_gcp_status\": \"x\", f\"integration_{p}_status\": s}).eq(\"id\", i).execute()\n\
                   payload = {\"integration_aws_status\": 1}\n\
                   payload[\"integration_aws_configured_at\"] = now\n\
                   supabase.from_(\"organizations\").upsert([payload, {\"plan\": 1}]).execute()\n\
                   supabase.table(\"orgs\").insert(dict(integration_oci_status=1, plan=2)).execute()\n\
                   state.update({\"integration_b_status\": 1})\n\
                   supabase.table(\"orgs\").select(\"integration_c_status\").execute()\n";
        assert_eq!(
            flagged("a.py", src),
            vec![
                "\"integration_gcp_status\"",
                "f\"integration_{p}_status\"",
                "\"integration_aws_status\"",
                "\"integration_aws_configured_at\"",
                "integration_oci_status",
            ]
        );
    }

    #[test]
    fn keys_from_constants_and_embedded_sql() {
        let src = "const column = `integration_${provider}_status`;\n\
                   await supabase.from('organizations').update({ [column]: status });\n\
                   await sql`update organizations set integration_x_status = ${s} where id = ${id}`;\n\
                   await pool.query('insert into organizations (id, integration_y_configured_at) values ($1, now())');\n\
                   await sql`select integration_z_status from organizations`;\n";
        assert_eq!(
            flagged("a.ts", src),
            vec![
                "column",
                "integration_x_status",
                "integration_y_configured_at"
            ]
        );
        let py = "col = f\"integration_{p}_status\"\n\
                  supabase.table(\"organizations\").update({col: s}).execute()\n";
        assert_eq!(flagged("a.py", py), vec!["col"]);
        assert!(lint("a.py", py)[0]
            .message
            .starts_with("`integration_{p}_status` is"));
    }

    #[test]
    fn sql_writes() {
        let src = "-- alter table organizations add column integration_q_status text;\n\
                   ALTER TABLE public.organizations\n  ADD COLUMN integration_aws_status text NOT NULL DEFAULT 'x',\n  ADD COLUMN IF NOT EXISTS integration_aws_configured_at timestamptz,\n  ADD billing_email text,\n  ADD integration_gcp_status text;\n\
                   alter table organizations drop column integration_old_status;\n\
                   alter table organizations rename column a to integration_r_status;\n\
                   create table if not exists organizations (id uuid primary key, integration_c_status text, constraint k check (integration_c_status in ('a', 'b')));\n\
                   update organizations set integration_u_status = 'x', updated_at = now(), (integration_v_status, b) = (1, 2) where integration_w_status = 'y';\n\
                   insert into public.organizations (id, integration_i_status) values (1, 'x') on conflict (id) do update set integration_j_status = excluded.integration_j_status;\n\
                   select integration_s_status from organizations where integration_s_status = 'x';\n\
                   create function g() returns table (integration_t_status text) language sql as $$ select 1 $$;\n\
                   create temp table tmp (integration_k_status text);\n\
                   grant update (integration_g_status) on organizations to authenticated;\n\
                   create trigger t before update on organizations for each row execute function f();\n\
                   create function f() returns trigger language plpgsql set search_path = '' as $$ begin update public.organizations set integration_f_status = 'x' where id = new.id; return new; end; $$;\n";
        assert_eq!(
            flagged("m.sql", src),
            vec![
                "integration_aws_status",
                "integration_aws_configured_at",
                "integration_gcp_status",
                "integration_r_status",
                "integration_c_status",
                "integration_u_status",
                "integration_v_status",
                "integration_i_status",
                "integration_j_status",
                "integration_k_status",
                "integration_f_status",
            ]
        );
    }

    fn flagged_in(files: &[(&str, &str)]) -> Vec<String> {
        crate::rules::lint_with_only("supabase-integration-status-write", files)
            .iter()
            .map(|f| format!("{}:{}", f.path(), &f.source.text[f.span.clone()]))
            .collect()
    }

    #[test]
    fn rows_through_helpers_and_constants_of_other_modules() {
        let files = [
            (
                "lib/columns.ts",
                "export const STATUS_COLUMN = 'integration_gcp_status';
                 export const NAME_COLUMN = 'display_name';
                 export const COLUMNS = { status: 'integration_aws_status' } as const;
",
            ),
            (
                "lib/orgs.ts",
                "export async function saveRow(orgId: string, patch: Partial<Org>) {
  return db.from('organizations').update(patch).eq('id', orgId);
}
                 export const logRow = (orgId: string, row: object) => console.log(orgId, row);
",
            ),
            (
                "app/connect.ts",
                "import { STATUS_COLUMN, NAME_COLUMN, COLUMNS } from '../lib/columns';
                 import { saveRow, logRow } from '../lib/orgs';
                 const patch = { [STATUS_COLUMN]: 'connected', updated_at: now };
                 await saveRow(orgId, patch);
                 await saveRow(orgId, { integration_azure_status: 'connected' });
                 await saveRow(orgId, { [NAME_COLUMN]: 'Acme' });
                 logRow(orgId, { [STATUS_COLUMN]: 'connected' });
                 await db.from('organizations').update({ [COLUMNS.status]: 'connected' });
",
            ),
        ];
        assert_eq!(
            flagged_in(&files),
            vec![
                "app/connect.ts:STATUS_COLUMN",
                "app/connect.ts:integration_azure_status",
                "app/connect.ts:COLUMNS.status",
            ]
        );
        let py = [
            ("svc/app/__init__.py", ""),
            (
                "svc/app/columns.py",
                "STATUS_COLUMN = \"integration_gcp_status\"\n",
            ),
            (
                "svc/app/orgs.py",
                "def save_row(org_id, patch):\n    return supabase.table(\"organizations\").update(patch).eq(\"id\", org_id).execute()\n",
            ),
            (
                "svc/app/connect.py",
                "from app.columns import STATUS_COLUMN\nfrom app.orgs import save_row\n\
                 patch = {STATUS_COLUMN: \"connected\"}\n\
                 save_row(org_id, patch)\n\
                 save_row(org_id, {\"display_name\": \"Acme\"})\n\
                 supabase.table(\"organizations\").update({STATUS_COLUMN: \"connected\"}).execute()\n",
            ),
        ];
        assert_eq!(
            flagged_in(&py),
            vec![
                "svc/app/connect.py:STATUS_COLUMN",
                "svc/app/connect.py:STATUS_COLUMN",
            ]
        );
    }

    #[test]
    fn options_are_validated() {
        use crate::rules::Kind;
        let compile =
            |text: &str| super::ForbiddenColumnWrite.compile(&toml::from_str(text).unwrap());
        assert_eq!(
            compile("columns = []").err().unwrap().option.as_deref(),
            Some("columns")
        );
        assert_eq!(
            compile("columns = ['**']").err().unwrap().option.as_deref(),
            Some("columns")
        );
        assert!(compile("column = ['x']").is_err());
        let check = compile("columns = ['integration_*_status', 'legacy_*']")
            .ok()
            .unwrap();
        assert_eq!(
            check.literals(),
            vec![
                "integration_",
                "legacy_",
                ".update(",
                ".upsert(",
                ".insert(",
                "]:"
            ]
        );
    }
}

use crate::Finding;

fn lint(path: &str, text: &str) -> Vec<Finding> {
    crate::rules::lint_with_only("supabase-integration-status-read", &[(path, text)])
}

fn flagged(path: &str, text: &str) -> Vec<String> {
    lint(path, text)
        .iter()
        .map(|f| text[f.span.clone()].to_string())
        .collect()
}

#[test]
fn js_reads() {
    let src = "const { data } = await supabase\n  .from('organizations')\n  .select('id, name, integration_gcp_status, status:integration_aws_configured_at, org:organizations(integration_oci_status)')\n  .eq('integration_azure_status', 'connected')\n  .order('integration_gcp_status', { ascending: false })\n  .match({ integration_m_status: 'x', plan: 'pro' })\n  .or('integration_a_status.eq.connected,and(integration_b_status.is.null,plan.in.(a,b))');\n\
               await supabase.from('organizations').select(`id, integration_${provider}_status`);\n\
               await supabase.from('organizations').select('*').not('organizations.integration_n_status', 'is', null);\n\
               await supabase.from('organizations').update({ integration_u_status: 'x' }).eq('integration_u_status', 'y').select('integration_u_status, integration_v_status');\n\
               list.filter('integration_f_status');\n\
               expect(x).eq('integration_e_status');\n\
               // .select('integration_c_status')\n\
               console.log('reading integration_p_status now');\n";
    assert_eq!(
        flagged("a.ts", src),
        vec![
            "integration_gcp_status",
            "integration_aws_configured_at",
            "integration_oci_status",
            "integration_azure_status",
            "integration_gcp_status",
            "integration_m_status",
            "integration_a_status",
            "integration_b_status",
            "integration_${provider}_status",
            "integration_n_status",
            "integration_v_status",
        ]
    );
    let findings = lint("a.ts", src);
    assert_eq!(
        findings[0].message,
        "`integration_gcp_status` is integration status; read it from the API, not from Supabase"
    );
    assert!(findings[8]
        .message
        .starts_with("`integration_${provider}_status` is"));
}

#[test]
fn js_constants_and_embedded_sql() {
    let src = "const COLUMNS = ['id', 'integration_gcp_status'].join(', ');\n\
               const STATUS = 'integration_aws_status';\n\
               const FIELDS = ['id', 'integration_x_status'];\n\
               await supabase.from('organizations').select(COLUMNS).eq(STATUS, 'connected');\n\
               await supabase.from('organizations').select(FIELDS.join(','));\n\
               await sql`select integration_s_status from organizations where id = ${id}`;\n\
               await sql`update organizations set integration_t_status = ${s} where integration_w_status = 'x'`;\n";
    assert_eq!(
        flagged("a.ts", src),
        vec![
            "COLUMNS",
            "STATUS",
            "FIELDS",
            "integration_s_status",
            "integration_w_status",
        ]
    );
}

#[test]
fn python_reads() {
    let src = "res = supabase.table(\"organizations\").select(\"id, integration_gcp_status\").eq(\"integration_aws_status\", \"connected\").execute()\n\
               q = supabase.table(\"organizations\").select(\"id\", \"integration_oci_status\")\n\
               q = q.is_(\"integration_x_status\", \"null\").order(\"integration_y_configured_at\", desc=True)\n\
               supabase.table(\"organizations\").select(f\"integration_{p}_status\").execute()\n\
               supabase.table(\"organizations\").update({\"integration_u_status\": 1}).eq(\"integration_u_status\", 0).execute()\n\
               cur.execute(\"select integration_db_status from organizations\")\n\
               items.eq(\"integration_z_status\")\n\
               label = text(\"Status: integration_t_status is shown here\")\n\
               print(\"integration_p_status\")\n";
    assert_eq!(
        flagged("a.py", src),
        vec![
            "integration_gcp_status",
            "integration_aws_status",
            "integration_oci_status",
            "integration_x_status",
            "integration_y_configured_at",
            "integration_{p}_status",
            "integration_db_status",
        ]
    );
}

#[test]
fn sql_reads() {
    let src = "-- select integration_q_status from organizations;\n\
               alter table organizations add column integration_a_status text;\n\
               alter table organizations drop column integration_b_status;\n\
               create index on organizations (integration_c_status);\n\
               comment on column organizations.integration_d_status is 'x';\n\
               select id, o.integration_e_status, count(*) as integration_alias_status from organizations o where integration_f_status = 'x';\n\
               create or replace view org_status as select integration_g_status from organizations;\n\
               update organizations set integration_h_status = 'x' where integration_h_status is null and integration_i_status = 'y';\n\
               insert into organizations (id, integration_j_status) values (1, 'x') on conflict (id) do update set integration_j_status = excluded.integration_j_status;\n\
               create policy p on organizations for select using (integration_k_status = 'connected');\n\
               create function f() returns table (integration_l_status text) language plpgsql as $$ begin if new.integration_m_status = 'x' then return; end if; end $$;\n\
               create table t (integration_n_status text, check (integration_n_status <> ''));\n\
               delete from organizations where integration_o_status = 'gone';\n\
               insert into moved (org_id, status) select id, integration_z_status from organizations;\n\
               alter table organizations drop column if exists integration_z_status;\n";
    assert_eq!(
        flagged("m.sql", src),
        vec![
            "integration_e_status",
            "integration_f_status",
            "integration_g_status",
            "integration_i_status",
            "integration_k_status",
            "integration_m_status",
            "integration_o_status",
        ]
    );
}

#[test]
fn writes_are_not_reads() {
    let src = "await supabase.from('organizations').update({ integration_gcp_status: 'x' }).eq('id', id);\n\
               await supabase.from('organizations').insert([{ integration_aws_status: 1 }]);\n";
    assert!(flagged("a.ts", src).is_empty());
    let write = crate::rules::lint_with_only("supabase-integration-status-write", &[("a.ts", src)]);
    assert_eq!(write.len(), 2);
}

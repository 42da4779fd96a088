fn flagged(path: &str, text: &str) -> Vec<String> {
    crate::rules::lint_with_only("supabase-service-role-for-integrations", &[(path, text)])
        .iter()
        .map(|f| format!("{}: {}", &text[f.span.clone()], f.message))
        .collect()
}

#[test]
fn calls_in_integration_paths() {
    let src = "import { createServiceRoleClient } from '@/lib/supabase/admin';\n\
               export type F = typeof createServiceRoleClient;\n\
               export async function sync() { const admin = lib.createServiceRoleClient(); }\n";
    assert_eq!(
        flagged("src/integrations/gcp/sync.ts", src),
        vec!["createServiceRoleClient: `lib.createServiceRoleClient` creates a service-role Supabase client in integration code (the file is integration code)"]
    );
    assert_eq!(flagged("lib/aws-integration.ts", src).len(), 1);
    assert!(flagged("src/app/admin/users.ts", src).is_empty());
    let py = "from app.supabase import create_service_role_client\n\
              def f():\n    return create_service_role_client()\n";
    assert_eq!(flagged("app/integrations/aws.py", py).len(), 1);
    assert!(flagged("scripts/reset.py", py).is_empty());
}

#[test]
fn calls_in_functions_that_touch_forbidden_state() {
    let src = "export async function a() {\n  const s = createServiceRoleClient();\n  await s.from('cloud_provider_integrations').delete();\n}\n\
               export const b = async () => {\n  const s = createServiceRoleClient();\n  await s.from('organizations').update({ integration_gcp_status: 'x' });\n};\n\
               export async function c() {\n  const s = createServiceRoleClient();\n  await s.auth.admin.deleteUser(id);\n}\n\
               export async function d() {\n  await db.from('cloud_provider_integrations').select();\n}\n";
    assert_eq!(
        flagged("lib/jobs.ts", src),
        vec![
            "createServiceRoleClient: `createServiceRoleClient` creates a service-role Supabase client in integration code (the same function touches `cloud_provider_integrations`)",
            "createServiceRoleClient: `createServiceRoleClient` creates a service-role Supabase client in integration code (the same function touches `integration_gcp_status`)",
        ]
    );
    // Module-level calls are judged by their file's path only.
    let module = "const admin = createServiceRoleClient();\nexport const q = () => admin.from('cloud_provider_integrations');\n";
    assert!(flagged("lib/x.ts", module).is_empty());
    assert_eq!(flagged("lib/integrations/x.ts", module).len(), 1);
    let aliased = "import { createServiceRoleClient as adminClient } from '@/lib/supabase/admin';\nexport async function up(rows) {\n  const db = adminClient();\n  return db.from('cloud_provider_integrations').upsert(rows);\n}\n";
    assert_eq!(flagged("lib/cloud.ts", aliased).len(), 1);
    let py_aliased = "from app.db import create_service_role_client as admin\ndef f():\n    admin().table(\"cloud_provider_integrations\").select(\"*\").execute()\n";
    assert_eq!(flagged("app/jobs.py", py_aliased).len(), 1);
    let py = "def f(org):\n    s = create_service_role_client()\n    s.table(\"cloud_provider_integrations\").select(\"*\").execute()\n\
              def g():\n    s = create_service_role_client()\n    s.auth.reset_password_email(e)\n";
    assert_eq!(flagged("app/services/billing.py", py).len(), 1);
}

#[test]
fn client_constructors_with_service_role_keys() {
    let src = "const key = process.env.SUPABASE_SERVICE_ROLE_KEY!;\n\
               export const a = createClient(url, process.env.SUPABASE_SERVICE_ROLE_KEY!);\n\
               export const b = createClient<Database>(url, key, { auth: {} });\n\
               export const c = createClient(url, config.supabaseServiceRoleKey);\n\
               export const d = createClient(url, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!);\n\
               export const e = new SupabaseClient(url, key);\n";
    assert_eq!(flagged("src/integrations/aws/client.ts", src).len(), 3);
    let py = "KEY = os.environ[\"SUPABASE_SERVICE_ROLE_KEY\"]\n\
              a = create_client(url, os.environ[\"SUPABASE_SERVICE_ROLE_KEY\"])\n\
              b = create_client(url, KEY)\n\
              c = create_client(url, settings.supabase_service_role_key)\n\
              d = create_client(url, settings.supabase_anon_key)\n";
    assert_eq!(flagged("app/integrations/db.py", py).len(), 3);
    assert!(flagged("app/db.py", py).is_empty());
}

#[test]
fn options_are_validated() {
    use crate::rules::Kind;
    let compile = |text: &str| super::ForbiddenCallInScope.compile(&toml::from_str(text).unwrap());
    assert_eq!(
        compile("paths = ['x/**']").err().unwrap().option.as_deref(),
        Some("functions")
    );
    assert_eq!(
        compile("functions = ['f']")
            .err()
            .unwrap()
            .option
            .as_deref(),
        Some("paths")
    );
    assert_eq!(
        compile("functions = ['f']\npaths = ['a[']")
            .err()
            .unwrap()
            .option
            .as_deref(),
        Some("paths")
    );
    assert_eq!(
        compile("functions = ['f']\ntables = []\ncolumns = ['']")
            .err()
            .unwrap()
            .option
            .as_deref(),
        Some("columns")
    );
    let check = compile(
        "functions = ['createAdmin']\npaths = ['**/x/**']\nkey_markers = ['SERVICE_ROLE']\nclient_constructors = ['createClient']",
    )
    .ok()
    .unwrap();
    assert_eq!(
        check.literals(),
        vec![
            "createAdmin",
            "create_admin",
            "SERVICE_ROLE",
            "servicerole",
            "SERVICE-ROLE"
        ]
    );
}

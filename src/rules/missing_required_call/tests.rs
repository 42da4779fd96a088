use super::deletion::{mentions, words};
use super::*;
use crate::facts::route_text::registers_route;

#[test]
fn a_long_list_of_required_calls_is_named_in_part() {
    let globs: Vec<String> = (0..1000).map(|i| format!("revoke{i}*")).collect();
    let display = required_display(&globs);
    assert!(
        display.starts_with("revoke0` or `revoke1` or `"),
        "{display}"
    );
    assert!(
        display.ends_with("` or `revoke7` or `one of 992 more"),
        "{display}"
    );
    assert_eq!(required_display(&["revoke*".to_string()]), "revoke");
}

fn flagged(path: &str, text: &str) -> Vec<String> {
    crate::rules::lint_with_only("connector-disconnect-without-revoke", &[(path, text)])
        .iter()
        .map(|f| format!("{} | {}", &text[f.span.clone()], f.message))
        .collect()
}

fn spans(path: &str, text: &str) -> Vec<String> {
    crate::rules::lint_with_only("connector-disconnect-without-revoke", &[(path, text)])
        .iter()
        .map(|f| text[f.span.clone()].to_string())
        .collect()
}

#[test]
fn route_registration_shapes() {
    for text in [
        "router.delete('/connections/:id', handler)",
        "app.delete(\n  `/integrations/${id}`, h)",
        "@router.delete(\"/{provider}\")",
        "@router.delete(f\"/{provider}\")",
        "@router.delete(path=\"/x\")",
        "router.del(('/a'), h)",
        "admin.delete<Params>('/integrations/:id', h)",
        "router.delete<{ id: string }>(\n  '/x', h)",
        "router.delete(\n  // remove it\n  '/integrations/:provider', h)",
        "router.delete(/* id */ '/x', h)",
        "@router.delete(  # the route\n    \"/x\")",
        "@router.delete(status_code=204, path=\"/x\")",
        "@bp.delete(rule=\"/integrations/<provider>\")",
        "@router.delete(API_V2 + \"/integrations/{provider}\")",
    ] {
        let token = if text.contains(".del(") {
            "del"
        } else {
            "delete"
        };
        assert!(registers_route(text, token), "{text}");
    }
    for text in [
        "this.items.delete(id)",
        "listeners.delete(callback)",
        "deleteConnection('/x')",
        "obj.deleted('/x')",
        "delete('/x')",
    ] {
        assert!(!registers_route(text, "delete"), "{text}");
    }
}

#[test]
fn word_matching() {
    let phrases = vec![
        vec!["token".to_string()],
        vec!["api".to_string(), "key".to_string()],
    ];
    assert!(mentions(&words("oauthTokens"), &phrases));
    assert!(mentions(&words("oauth_tokens"), &phrases));
    assert!(mentions(&words("deleteApiKeys"), &phrases));
    assert!(!mentions(&words("tokenizer"), &phrases));
    assert!(!mentions(
        &words("apiKeyId"),
        &[vec!["key".to_string(), "id".to_string(), "x".to_string()]]
    ));
    assert_eq!(words("sessionConn"), ["session", "connection"]);
}

#[test]
fn js_deletions() {
    let cases = [
        ("await prisma.account.delete({ where: { id } });", true),
        ("await prisma.connection.deleteMany();", true),
        (
            "await supabase.from('oauth_tokens').delete().eq('user_id', id);",
            true,
        ),
        (
            "await supabase\n    .from('connections')\n    .delete()\n    .eq('id', id);",
            true,
        ),
        ("await knex('integrations').where({ id }).del();", true),
        (
            "await db.deleteFrom('connections').where('id', '=', id).execute();",
            true,
        ),
        (
            "await db.delete(oauthTokens).where(eq(oauthTokens.userId, id));",
            true,
        ),
        ("await tokenStore.delete(userId);", true),
        ("await this.vault.delete(`gmail:${userId}`);", true),
        ("await deleteToken(userId);", true),
        ("await deleteConnection(id);", false),
        ("await this.repo.deleteConnection(id);", true),
        ("await dynamo.deleteConnection(id);", false),
        ("await redis.del(`oauth:tokens:${userId}`);", true),
        ("await Connection.destroy({ where: { id } });", true),
        ("await this.connectionRepository.delete(id);", true),
        (
            "await pool.query('DELETE FROM oauth_tokens WHERE user_id = $1', [id]);",
            true,
        ),
        ("await sql`delete from connections where id = ${id}`;", true),
        (
            "await db.collection('accounts').deleteOne({ _id: id });",
            true,
        ),
        ("this.connections.delete(socket.id);", false),
        ("await this.connection.destroy();", false),
        ("localStorage.removeItem('gmail_token');", false),
        ("res.clearCookie('refresh_token');", false),
        ("await axios.delete(`/api/connections/${id}`);", false),
        ("await api.delete('/integrations/gmail');", false),
        ("socket.removeListener('token', onToken);", false),
        ("clearTimeout(this.tokenRefreshTimer);", false),
        ("await this.client.quit();", false),
        (
            "queryClient.removeQueries({ queryKey: ['integrations'] });",
            false,
        ),
        ("await db.from('webhooks').delete().eq('id', id);", false),
    ];
    for (body, expected) in cases {
        let src = format!("export async function disconnectGmail(id: string) {{\n  {body}\n}}\n");
        let got = !spans("a.ts", &src).is_empty();
        assert_eq!(got, expected, "{body}");
    }
}

#[test]
fn python_deletions() {
    let cases = [
        ("await self.token_store.delete(user_id)", true),
        (
            "supabase.table(\"connections\").delete().eq(\"id\", cid).execute()",
            true,
        ),
        ("await session.delete(conn)", true),
        ("db.delete(integration)", true),
        ("Integration.objects.filter(org=org).delete()", true),
        ("db.query(OAuthToken).filter_by(user_id=uid).delete()", true),
        (
            "await session.execute(delete(Credential).where(Credential.id == cid))",
            true,
        ),
        ("integration.delete()", true),
        ("del self._tokens[user_id]", true),
        (
            "cur.execute(\"delete from oauth_tokens where id = %s\", (cid,))",
            true,
        ),
        ("self.redis.delete(f\"oauth:token:{uid}\")", true),
        ("del session[\"oauth_token\"]", false),
        ("await self.ws.close()", false),
        ("self.connections.pop(sid, None)", false),
        ("requests.delete(f\"{API}/connections/{cid}\")", false),
        (
            "await httpx.AsyncClient().delete(\"/integrations/1\")",
            false,
        ),
    ];
    for (body, expected) in cases {
        let src = format!("async def disconnect_gmail(user_id, cid):\n    {body}\n");
        let got = !spans("a.py", &src).is_empty();
        assert_eq!(got, expected, "{body}");
    }
}

#[test]
fn revoking_paths_pass() {
    let src = "export async function disconnectGmail(id: string) {\n  const conn = await prisma.connection.findUnique({ where: { id } });\n  await gmailConnector.revoke(conn.refreshToken);\n  await prisma.connection.delete({ where: { id } });\n}\n\
               export async function disconnectSlack(id: string) {\n  await connector.revoke?.(id);\n  await tokenStore.delete(id);\n}\n\
               export const disconnectDrive = async (id: string) => {\n  await fetch(`https://oauth2.googleapis.com/revoke?token=${t}`, { method: 'POST' });\n  await tokenStore.delete(id);\n};\n\
               async function disconnectCalendar(id: string) {\n  await revokeAndForget(id);\n}\n\
               async function revokeAndForget(id: string) {\n  await client.revokeToken(id);\n  await tokenStore.delete(id);\n}\n\
               async function disconnectAds(id: string) {\n  await Promise.all(tokens.map((t) => provider.revoke(t)));\n  await tokenStore.delete(id);\n}\n\
               async function disconnectOther(id: string) { await fetch(REVOKE_URL); await tokenStore.delete(id); }\n\
               async function disconnectSocket() { this.socket.disconnect(); }\n";
    assert!(
        flagged("a.ts", src).is_empty(),
        "{:?}",
        flagged("a.ts", src)
    );
}

#[test]
fn helper_called_by_a_revoking_caller_passes() {
    let src = "async function deleteConnection(id: string) {\n  await db.from('connections').delete().eq('id', id);\n}\n\
               export async function disconnect(id: string) {\n  await connector.revoke(id);\n  await deleteConnection(id);\n}\n";
    assert!(flagged("lib/connections.ts", src).is_empty());
    let repository = "export class ConnectionRepository {\n  async deleteConnection(id: string) {\n    await this.prisma.connection.delete({ where: { id } });\n  }\n}\n";
    assert!(flagged("src/connections/service.ts", repository).is_empty());
    let data = "export async function deleteConnection(id: string) {\n  await db.from('connections').delete().eq('id', id);\n}\n";
    assert!(flagged("src/lib/db/connections.ts", data).is_empty());
    assert!(flagged("src/connections/connection.repository.ts", data).is_empty());
    assert!(flagged(
        "app/crud.py",
        "def delete_connection(db, cid):\n    db.query(Connection).filter_by(id=cid).delete()\n"
    )
    .is_empty());
    let lone = "export async function deleteGmailConnection(id: string) {\n  await db.from('connections').delete().eq('id', id);\n}\n";
    assert_eq!(
        flagged("lib/connections.ts", lone),
        vec!["deleteGmailConnection | `deleteGmailConnection` deletes a stored credential (`db.from('connections').delete()`) but never calls `revoke`"]
    );
}

#[test]
fn routes() {
    let express = "router.delete('/integrations/:provider', requireAuth, async (req, res) => {\n  await prisma.account.deleteMany({ where: { provider: req.params.provider } });\n  res.sendStatus(204);\n});\n\
                   router.delete('/webhooks/:id', async (req, res) => { await tokenStore.delete(req.params.id); });\n\
                   router.route('/connections/:id').delete(removeConnection);\n\
                   async function removeConnection(req, res) { await deleteToken(req.params.id); }\n\
                   axios.delete('/integrations/1', () => {});\n";
    assert_eq!(
        spans("server/routes.ts", express),
        vec!["'/integrations/:provider'", "'/connections/:id'"]
    );
    let next = "export async function GET() {}\nexport async function DELETE(req: Request, { params }) {\n  await supabase.from('integrations').delete().eq('id', params.id);\n  return new Response(null, { status: 204 });\n}\n";
    assert_eq!(
        flagged("src/app/api/integrations/[id]/route.ts", next),
        vec!["DELETE | `DELETE /api/integrations/[id]` deletes a stored credential (`supabase.from('integrations').delete()`) but never calls `revoke`"]
    );
    assert!(flagged("src/app/api/webhooks/[id]/route.ts", next).is_empty());
    let fastapi = "router = APIRouter(prefix=\"/integrations\")\n\n@router.delete(\"/{provider}\")\nasync def remove(provider: str, db: Session = Depends(get_db)):\n    db.query(OAuthToken).filter_by(provider=provider).delete()\n\n\
                   @app.route(\"/connections/<cid>\", methods=[\"DELETE\"])\ndef drop_connection(cid):\n    Connection.objects.filter(id=cid).delete()\n\n\
                   @app.route(\"/connections/<cid>\", methods=[\"GET\"])\ndef show(cid):\n    Connection.objects.filter(id=cid).delete()\n";
    assert_eq!(
        flagged("api/routes.py", fastapi),
        vec![
            "\"/{provider}\" | `DELETE /integrations/{provider}` deletes a stored credential (`db.query(OAuthToken).filter_by(…).delete()`) but never calls `revoke`",
            "\"/connections/<cid>\" | `DELETE /connections/<cid>` deletes a stored credential (`Connection.objects.filter(…).delete()`) but never calls `revoke`",
        ]
    );
}

#[test]
fn disconnect_named_routes() {
    let next = "export async function POST(req: Request, { params }) {\n  await db.delete(oauthTokens).where(eq(oauthTokens.integrationId, params.id));\n  return Response.json({ ok: true });\n}\n";
    assert_eq!(
        spans("app/api/integrations/[id]/disconnect/route.ts", next),
        vec!["POST"]
    );
    assert!(spans("app/api/integrations/[id]/refresh/route.ts", next).is_empty());
    let terse = "export async function POST() {\n  await tokenStore.remove(1);\n}\n";
    assert_eq!(
        spans("app/api/gmail/disconnect/route.ts", terse),
        vec!["POST"]
    );
    assert_eq!(
        spans(
            "pages/api/gmail/disconnect.js",
            "export default async (req, res) => { await tokenStore.remove(1); };\n"
        ),
        vec!["default"]
    );
    let pages = "export default async function handler(req, res) {\n  await prisma.account.deleteMany({ where: { userId: req.query.id } });\n  res.status(200).end();\n}\n";
    assert_eq!(
        flagged("src/pages/api/google/disconnect.ts", pages),
        vec!["handler | `/api/google/disconnect` deletes a stored credential (`prisma.account.deleteMany(…)`) but never calls `revoke`"]
    );
    let express = "router.post('/:provider/disconnect', async (req, res) => { await tokenStore.delete(req.user.id); });\n\
                   router.post('/:provider/refresh', async (req, res) => { await tokenStore.delete(req.user.id); });\n\
                   api.post('/integrations/x/disconnect', async () => { await tokenStore.delete(1); });\n";
    assert_eq!(spans("server.ts", express), vec!["'/:provider/disconnect'"]);
    let fastapi = "@router.post(\"/{provider}/disconnect\")\nasync def disc(provider: str):\n    await token_store.delete(provider)\n\n\
                   @app.route(\"/gmail/disconnect\", methods=[\"POST\"])\ndef gmail():\n    OAuthToken.query.delete()\n";
    assert_eq!(
        spans("api.py", fastapi),
        vec!["\"/{provider}/disconnect\"", "\"/gmail/disconnect\""]
    );
}

#[test]
fn options_are_validated() {
    use crate::rules::Kind;
    let compile = |t: &str| super::MissingRequiredCall.compile(&toml::from_str(t).unwrap());
    let base = "deletes = ['token']\nrequired_calls = ['revoke*']\n";
    assert_eq!(
        compile(base).err().unwrap().option.as_deref(),
        Some("functions")
    );
    assert_eq!(
        compile(&format!("{base}functions = ['*']"))
            .err()
            .unwrap()
            .option
            .as_deref(),
        Some("functions")
    );
    assert_eq!(
        compile(&format!(
            "{base}route_paths = ['[']\nroute_methods = ['delete']"
        ))
        .err()
        .unwrap()
        .option
        .as_deref(),
        Some("route_paths")
    );
    assert_eq!(
        compile(&format!("{base}route_paths = ['**/x/**']"))
            .err()
            .unwrap()
            .option
            .as_deref(),
        Some("route_methods")
    );
    assert_eq!(
        compile("functions = ['disconnect*']\ndeletes = []\nrequired_calls = ['revoke']")
            .err()
            .unwrap()
            .option
            .as_deref(),
        Some("deletes")
    );
    assert_eq!(
        compile("functions = ['disconnect*']\ndeletes = ['token']\nrequired_calls = []")
            .err()
            .unwrap()
            .option
            .as_deref(),
        Some("required_calls")
    );
    assert!(compile(&format!("{base}functions = ['disconnect*']")).is_ok());
}

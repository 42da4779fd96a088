use crate::rules::Kind;

const RULE: &str = "cached-connector-client";

/// `flagged text | where` for each finding in one file.
fn flagged(path: &str, text: &str) -> Vec<String> {
    crate::rules::lint_with_only(RULE, &[(path, text)])
        .iter()
        .map(|f| {
            let place = f
                .message
                .split_once(" result is cached ")
                .map_or("", |(_, w)| w);
            format!("{} | {place}", &text[f.span.clone()])
        })
        .collect()
}

#[test]
fn message_names_factory_and_place() {
    let found = crate::rules::lint_with_only(
        RULE,
        &[("a.ts", "const gmail = await getUncachableGmailClient();")],
    );
    assert_eq!(
        found[0].message,
        "`getUncachableGmailClient()` result is cached in module-scope `gmail`"
    );
    assert_eq!(found[0].label, "cached here");
}

#[test]
fn js_module_scope() {
    let src = r#"
const a = await getUncachableGmailClient();
export let b = getUncachableDriveClient();
var c = connectors.getUncachableSlackClient().catch(() => null);
const d = existing ?? (await getUncachableGmailClient());
const e = { gmail: await getUncachableGmailClient() };
const f = new Service(await getUncachableGmailClient());
const [g, h] = await Promise.all([getUncachableGmailClient(), getUncachableDriveClient()]);
export default getUncachableGmailClient();
const i = ready ? getUncachableGmailClient() : null;
const j = (await getUncachableGmailClient()) as Gmail;
"#;
    assert_eq!(
        flagged("a.ts", src),
        [
            "getUncachableGmailClient() | in module-scope `a`",
            "getUncachableDriveClient() | in module-scope `b`",
            "connectors.getUncachableSlackClient() | in module-scope `c`",
            "getUncachableGmailClient() | in module-scope `d`",
            "getUncachableGmailClient() | in module-scope `e`",
            "getUncachableGmailClient() | in module-scope `f`",
            "getUncachableGmailClient() | in module-scope `g`",
            "getUncachableDriveClient() | in module-scope `h`",
            "getUncachableGmailClient() | in the module's default export",
            "getUncachableGmailClient() | in module-scope `i`",
            "getUncachableGmailClient() | in module-scope `j`",
        ]
    );
}

#[test]
fn js_assignments_that_outlive_the_call() {
    let src = r#"
import * as state from './state';
let client;
const cache = new Map();
const box = {};
class Holder {}
export async function f(key) {
  client = await getUncachableGmailClient();
  if (!client) client = await getUncachableGmailClient();
  client ??= await getUncachableGmailClient();
  client ||= getUncachableGmailClient();
  cache.set(key, await getUncachableGmailClient());
  box[key] = await getUncachableGmailClient();
  box.gmail = await getUncachableGmailClient();
  state.gmail = await getUncachableGmailClient();
  Holder.client = await getUncachableGmailClient();
  globalThis.gmail = await getUncachableGmailClient();
  (global as any).gmail = getUncachableGmailClient();
  window['gmail'] = getUncachableGmailClient();
  exports.gmail = getUncachableGmailClient();
}
"#;
    assert_eq!(
        flagged("a.ts", src),
        [
            "getUncachableGmailClient() | in module-scope `client`",
            "getUncachableGmailClient() | in module-scope `client`",
            "getUncachableGmailClient() | in module-scope `client`",
            "getUncachableGmailClient() | in module-scope `client`",
            "getUncachableGmailClient() | in module-scope cache `cache`",
            "getUncachableGmailClient() | in module-scope cache `box`",
            "getUncachableGmailClient() | in module-scope `box.gmail`",
            "getUncachableGmailClient() | in module-scope `state.gmail`",
            "getUncachableGmailClient() | in class static `Holder.client`",
            "getUncachableGmailClient() | in global `globalThis.gmail`",
            "getUncachableGmailClient() | in global `global.gmail`",
            "getUncachableGmailClient() | in global `window['gmail']`",
            "getUncachableGmailClient() | in module-scope `exports.gmail`",
        ]
    );
}

#[test]
fn js_locals_are_fine() {
    let src = r#"
let client;
export async function a(client) {
  client = await getUncachableGmailClient();
}
export async function b() {
  let client;
  client = await getUncachableGmailClient();
  const { data } = await (await getUncachableGmailClient()).users.labels.list();
  const cache = new Map();
  cache.set('k', await getUncachableGmailClient());
  const box = {};
  box.gmail = await getUncachableGmailClient();
  await send(await getUncachableGmailClient());
  return getUncachableGmailClient();
}
export const c = async () => getUncachableGmailClient();
export const d = await getUncachableGmailClient().then((g) => g.users);
export const e = fetchProfile(getUncachableGmailClient());
export function getUncachableGmailClient() { return build(); }
const f = getUncachableGmailClient;
try {
  const g = await getUncachableGmailClient();
} catch (err) {}
undeclared = await getUncachableGmailClient();
const h = getCachedGmailClient();
const i = getUncachableGmailClientOptions();
"#;
    assert!(
        flagged("a.ts", src).is_empty(),
        "{:?}",
        flagged("a.ts", src)
    );
}

#[test]
fn js_classes() {
    let src = r#"
class A {
  static client = getUncachableGmailClient();
  static { this.other = getUncachableGmailClient(); }
  static async get() { return (this.cached ??= await getUncachableGmailClient()); }
  field = getUncachableGmailClient();
  constructor() { this.client = getUncachableGmailClient(); }
  async memo() {
    if (!this.gmail) {
      this.gmail = await getUncachableGmailClient();
    }
    return this.gmail;
  }
  async keyed(id) { this.clients.set(id, await getUncachableGmailClient()); this.byId[id] = await getUncachableGmailClient(); }
  async reset() { this.constructor.client = getUncachableGmailClient(); }
  async plain() { this.latest = await getUncachableGmailClient(); }
  @Memoize()
  async decorated() { return getUncachableGmailClient(); }
  async local() { const c = await getUncachableGmailClient(); return c; }
}
"#;
    assert_eq!(
        flagged("a.ts", src),
        [
            "getUncachableGmailClient() | in class static `A.client`",
            "getUncachableGmailClient() | in class static `A.other`",
            "getUncachableGmailClient() | in class static `A.cached`",
            "getUncachableGmailClient() | in memoized field `this.gmail`",
            "getUncachableGmailClient() | in instance cache `this.clients`",
            "getUncachableGmailClient() | in instance cache `this.byId`",
            "getUncachableGmailClient() | in class static `A.client`",
            "getUncachableGmailClient() | by `@Memoize` on `decorated`",
        ]
    );
}

#[test]
fn js_singletons() {
    let module_instance = r#"
class Gmail {
  client = getUncachableGmailClient();
  constructor() { this.other = getUncachableGmailClient(); }
}
export const gmail = new Gmail();
"#;
    assert_eq!(
        flagged("a.ts", module_instance),
        [
            "getUncachableGmailClient() | in `this.client` of module-level singleton `gmail`",
            "getUncachableGmailClient() | in `this.other` of module-level singleton `gmail`",
        ]
    );
    let default_export = "class G { constructor() { this.c = getUncachableGmailClient(); } }\nexport default new G();\n";
    assert_eq!(
        flagged("a.ts", default_export),
        ["getUncachableGmailClient() | in `this.c` of the module's default export"]
    );
    let nest = "@Injectable()\nexport class S { async onModuleInit() { this.c = await getUncachableGmailClient(); } }\n";
    assert_eq!(
        flagged("a.ts", nest),
        ["getUncachableGmailClient() | in `this.c` of singleton service `S`"]
    );
    for scoped in [
        "@Injectable({ scope: Scope.REQUEST })",
        "@Injectable({ scope: Scope.TRANSIENT })",
        "",
    ] {
        let src = format!("{scoped}\nexport class S {{ async init() {{ this.c = await getUncachableGmailClient(); }} }}\n");
        assert!(flagged("a.ts", &src).is_empty(), "{scoped}");
    }
}

#[test]
fn js_memo_wrappers() {
    let src = r#"
export const a = memoize(async () => getUncachableGmailClient());
export const b = _.once(async () => { return await getUncachableGmailClient(); });
export const c = pMemoize(getUncachableGmailClient);
export const d = memoizeOne(async () => { const g = await getUncachableGmailClient(); return g; });
export const e = cache(async () => getUncachableGmailClient());
emitter.once('ready', async () => getUncachableGmailClient());
export const f = useCallback(async () => getUncachableGmailClient(), []);
"#;
    assert_eq!(
        flagged("a.ts", src),
        [
            "getUncachableGmailClient() | by `memoize(…)`",
            "getUncachableGmailClient() | by `_.once(…)`",
            "getUncachableGmailClient | by `pMemoize(…)`",
            "getUncachableGmailClient() | by `memoizeOne(…)`",
        ]
    );
}

#[test]
fn python_places() {
    let src = r#"
import functools
from state import registry

gmail = get_uncachable_gmail_client()
drive: Drive = get_uncachable_drive_client()
_clients = {}
try:
    slack = get_uncachable_slack_client()
except Exception:
    slack = None
pair = (get_uncachable_gmail_client(), 1)
service = GmailService(get_uncachable_gmail_client())

def memo():
    global gmail
    if gmail is None:
        gmail = get_uncachable_gmail_client()
    return gmail

def keyed(key):
    _clients[key] = get_uncachable_gmail_client()
    _clients.setdefault(key, get_uncachable_gmail_client())
    registry.gmail = get_uncachable_gmail_client()

@functools.lru_cache(maxsize=None)
def cached():
    return get_uncachable_gmail_client()

@cache
def cached_local():
    client = get_uncachable_gmail_client()
    return client

get_gmail = functools.cache(get_uncachable_gmail_client)

class Conf:
    client = get_uncachable_gmail_client()

    @classmethod
    def refresh(cls):
        cls.client = get_uncachable_gmail_client()

    @cached_property
    def lazy(self):
        return get_uncachable_gmail_client()

    def memo(self):
        self._c = self._c or get_uncachable_gmail_client()
        return self._c
"#;
    assert_eq!(
        flagged("a.py", src),
        [
            "get_uncachable_gmail_client() | in module-scope `gmail`",
            "get_uncachable_drive_client() | in module-scope `drive`",
            "get_uncachable_slack_client() | in module-scope `slack`",
            "get_uncachable_gmail_client() | in module-scope `pair`",
            "get_uncachable_gmail_client() | in module-scope `service`",
            "get_uncachable_gmail_client() | in module-scope `gmail`",
            "get_uncachable_gmail_client() | in module-scope cache `_clients`",
            "get_uncachable_gmail_client() | in module-scope cache `_clients`",
            "get_uncachable_gmail_client() | in module-scope `registry.gmail`",
            "get_uncachable_gmail_client() | by `@functools.lru_cache(maxsize=None)` on `cached`",
            "get_uncachable_gmail_client() | by `@cache` on `cached_local`",
            "get_uncachable_gmail_client | by `functools.cache(…)`",
            "get_uncachable_gmail_client() | in class static `Conf.client`",
            "get_uncachable_gmail_client() | in class static `Conf.client`",
            "get_uncachable_gmail_client() | by `@cached_property` on `lazy`",
            "get_uncachable_gmail_client() | in memoized field `self._c`",
        ]
    );
}

#[test]
fn python_fine() {
    let src = r#"
from connectors import get_uncachable_gmail_client

def send():
    gmail = get_uncachable_gmail_client()
    gmail.users().messages().send().execute()
    return get_uncachable_gmail_client()

def shadow(gmail=None):
    gmail = get_uncachable_gmail_client()
    cache = {}
    cache["k"] = get_uncachable_gmail_client()

def no_global():
    client = get_uncachable_gmail_client()

class Per:
    def __init__(self):
        self.client = get_uncachable_gmail_client()

    @property
    def fresh(self):
        return get_uncachable_gmail_client()

labels = get_uncachable_gmail_client().users().labels().list().execute()
asyncio.run(process(get_uncachable_gmail_client()))

for account in accounts:
    client = get_uncachable_gmail_client(account)

if __name__ == "__main__":
    client = get_uncachable_gmail_client()
    main()

def get_uncachable_drive_client():
    return build("drive", "v3")
"#;
    assert!(
        flagged("a.py", src).is_empty(),
        "{:?}",
        flagged("a.py", src)
    );
}

#[test]
fn js_locals_kept_by_long_lived_callbacks() {
    let src = r#"
export async function registerRoutes(app) {
  const stripe = getUncachableStripeClient();
  app.get('/api/health', (_req, res) => res.json({ ok: true }));
  app.get('/api/products', async (_req, res) => res.json(await stripe.products.list()));
  return createServer(app);
}
export function startJobs() {
  const gmail = getUncachableGmailClient();
  setInterval(async () => { await gmail.users.messages.list(); }, 60_000);
}
export function schedule() {
  const drive = getUncachableDriveClient();
  cron.schedule('0 * * * *', async () => drive.files.list());
}
export const middleware = (app) => {
  const slack = getUncachableSlackClient();
  app.use((req, _res, next) => { req.slack = slack; next(); });
};
"#;
    assert_eq!(
        flagged("server/routes.ts", src),
        [
            "getUncachableStripeClient() | in `stripe` of `registerRoutes`, kept by the route handler for `/api/products`",
            "getUncachableGmailClient() | in `gmail` of `startJobs`, kept by a `setInterval` callback",
            "getUncachableDriveClient() | in `drive` of `schedule`, kept by a cron job",
            "getUncachableSlackClient() | in `slack` of `middleware`, kept by a middleware",
        ]
    );
    let fine = r#"
export async function GET(req) {
  const gmail = await getUncachableGmailClient();
  const all = await Promise.all(ids.map(async (id) => gmail.users.messages.get({ id })));
  await withRetry(async () => gmail.users.labels.list());
  app.get('/api/x', (req, res) => res.json({ ok: true }));
  router.get('/api/y', async (req, res) => { const gmail = await getUncachableGmailClient(); res.json(await gmail.users.labels.list()); });
  return Response.json(all);
}
"#;
    assert!(
        flagged("app/api/route.ts", fine).is_empty(),
        "{:?}",
        flagged("app/api/route.ts", fine)
    );
}

#[test]
fn js_closure_memos() {
    let src = r#"
export const gmail = (() => {
  let client;
  return async () => (client ??= await getUncachableGmailClient());
})();
export function makeGetter() {
  let c = null;
  return async () => {
    if (!c) c = await getUncachableGmailClient();
    return c;
  };
}
export async function send() {
  let g;
  await withRetry(async () => { g = await getUncachableGmailClient(); });
  let h;
  h ??= await getUncachableGmailClient();
}
"#;
    assert_eq!(
        flagged("a.ts", src),
        [
            "getUncachableGmailClient() | in `client`, memoized by a closure",
            "getUncachableGmailClient() | in `c`, memoized by a closure",
        ]
    );
}

#[test]
fn python_locals_kept_by_route_handlers() {
    let src = r#"
def create_app():
    app = FastAPI()
    gmail = get_uncachable_gmail_client()

    @app.get("/labels")
    def labels():
        return gmail.users().labels().list(userId="me").execute()

    @app.get("/health")
    def health():
        return {"ok": True}

    return app

def handler(request):
    gmail = get_uncachable_gmail_client()

    def page(token):
        return gmail.users().messages().list(pageToken=token).execute()

    return [page(t) for t in tokens]
"#;
    assert_eq!(
        flagged("app/main.py", src),
        ["get_uncachable_gmail_client() | in `gmail` of `create_app`, kept by the route handler for `/labels`"]
    );
}

#[test]
fn python_singleton_instance() {
    let src = "class Gmail:\n    def __init__(self):\n        self.client = get_uncachable_gmail_client()\n\ngmail = Gmail()\n";
    assert_eq!(
        flagged("svc.py", src),
        ["get_uncachable_gmail_client() | in `self.client` of module-level singleton `gmail`"]
    );
}

#[test]
fn test_files_are_skipped() {
    let src = "const gmail = await getUncachableGmailClient();";
    for path in [
        "src/gmail.test.ts",
        "tests/gmail.ts",
        "src/__tests__/g.ts",
        "test_gmail.py",
    ] {
        let text = if path.ends_with(".py") {
            "gmail = get_uncachable_gmail_client()"
        } else {
            src
        };
        assert!(flagged(path, text).is_empty(), "{path}");
    }
}

#[test]
fn options_are_validated() {
    let compile = |text: &str| {
        super::CachedFactoryResult
            .compile(&toml::from_str(text).unwrap())
            .err()
            .and_then(|e| e.option)
    };
    assert_eq!(compile("factories = []").as_deref(), Some("factories"));
    assert_eq!(compile("factories = ['*']").as_deref(), Some("factories"));
    assert_eq!(
        compile("factories = ['get client']").as_deref(),
        Some("factories")
    );
    assert_eq!(compile("names = ['x']").as_deref(), Some("names"));
    let check = super::CachedFactoryResult
        .compile(&toml::from_str("factories = ['getUncachable*Client']").unwrap())
        .ok()
        .unwrap();
    assert_eq!(check.literals(), ["getUncachable", "get_uncachable_"]);
}

#!/usr/bin/env python3
"""Deterministic synthetic monorepo for plumbline's whole-run benchmark.

    python3 benches/gen_corpus.py OUT_DIR --files 20000 --seed 1
    python3 benches/gen_corpus.py --single-ts FILE --lines 500 --seed 1

The first form writes a Next.js + FastAPI + Rust + Supabase monorepo of exactly
--files scannable files (TS/TSX 45%, Python 25%, Rust 12%, SQL 5%, config 13%),
plus a .gitignore, a minimal .git marker (so that ripgrep and the `ignore`
crate honour the .gitignore), an ignored node_modules/ tree, and MANIFEST.json
listing every injected violation (about one file in 500) together with the
near misses that must *not* be reported and the decoys inside node_modules.

The second form writes one clean TypeScript file of about --lines lines, for
the single-file timing.

--vocabulary everyday (the default) draws identifiers from a word list that
includes the everyday words plumbline's trigger literals contain (token,
secret, key, client, callback, log, print) and adds logging calls that
mention them harmlessly; --vocabulary classic writes the first version's
corpus, byte for byte (its numbers are the ones quoted before this option).

Same arguments -> byte-identical output: every file's content comes from a
Random seeded with "SEED:path" (str seeds hash through SHA-512, so this does
not depend on PYTHONHASHSEED), and the plan itself from Random(SEED).
Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import random
import re
import shutil
import sys
import time

GENERATOR_ID = "plumbline-benches/gen_corpus.py"
GENERATOR_VERSION = 1

# --------------------------------------------------------------------------
# vocabulary
# --------------------------------------------------------------------------

NOUNS = [
    ("project", "projects"), ("task", "tasks"), ("invoice", "invoices"),
    ("customer", "customers"), ("order", "orders"), ("product", "products"),
    ("report", "reports"), ("comment", "comments"), ("document", "documents"),
    ("workspace", "workspaces"), ("member", "members"), ("team", "teams"),
    ("subscription", "subscriptions"), ("notification", "notifications"),
    ("event", "events"), ("label", "labels"), ("milestone", "milestones"),
    ("sprint", "sprints"), ("ticket", "tickets"), ("asset", "assets"),
    ("payment", "payments"), ("shipment", "shipments"), ("contact", "contacts"),
    ("deal", "deals"), ("campaign", "campaigns"), ("article", "articles"),
    ("category", "categories"), ("review", "reviews"), ("booking", "bookings"),
    ("address", "addresses"), ("attachment", "attachments"),
    ("activity", "activities"), ("board", "boards"), ("metric", "metrics"),
    ("experiment", "experiments"), ("survey", "surveys"),
    ("schedule", "schedules"), ("warehouse", "warehouses"),
    ("supplier", "suppliers"), ("discount", "discounts"), ("quote", "quotes"),
    ("lead", "leads"), ("note", "notes"), ("release", "releases"),
]

# name, ts type, python type, rust type, sql type
FIELDS = [
    ("name", "string", "str", "String", "text not null"),
    ("title", "string", "str", "String", "text not null"),
    ("description", "string | null", "str | None", "Option<String>", "text"),
    ("status", "string", "str", "String", "text not null default 'draft'"),
    ("priority", "number", "int", "i32", "integer not null default 0"),
    ("amount", "number", "Decimal", "f64", "numeric(12, 2) not null default 0"),
    ("currency", "string", "str", "String", "text not null default 'USD'"),
    ("due_date", "string | null", "date | None", "Option<String>", "date"),
    ("archived", "boolean", "bool", "bool", "boolean not null default false"),
    ("owner_id", "string", "UUID", "Uuid", "uuid references auth.users (id)"),
    ("position", "number", "int", "i32", "integer not null default 0"),
    ("color", "string", "str", "String", "text"),
    ("notes", "string | null", "str | None", "Option<String>", "text"),
    ("quantity", "number", "int", "i64", "integer not null default 1"),
    ("score", "number", "float", "f64", "double precision"),
    ("slug", "string", "str", "String", "text"),
    ("email", "string", "str", "String", "text"),
    ("starts_at", "string | null", "datetime | None", "Option<String>", "timestamptz"),
    ("ends_at", "string | null", "datetime | None", "Option<String>", "timestamptz"),
    ("tags", "string[]", "list[str]", "Vec<String>", "text[] not null default '{}'"),
    ("metadata", "Record<string, unknown>", "dict[str, Any]", "serde_json::Value",
     "jsonb not null default '{}'::jsonb"),
    ("external_ref", "string | null", "str | None", "Option<String>", "text"),
    ("completed_at", "string | null", "datetime | None", "Option<String>", "timestamptz"),
    ("region", "string", "str", "String", "text"),
    ("locale", "string", "str", "String", "text not null default 'en'"),
    ("weight", "number", "float", "f64", "numeric(8, 3)"),
    ("sku", "string", "str", "String", "text"),
    ("rating", "number", "int", "i16", "smallint"),
]

# The default vocabulary adds the words real projects use everywhere and
# plumbline's trigger literals include (`token`, `secret`, `key`, `client`,
# `callback`, `log`, `print`, ...), with logging calls that mention them
# harmlessly (`console.info(..., tokenId)`), so the benchmark pays what real
# code costs. `--vocabulary classic` leaves them out, as the first version
# of this generator did (its corpus is byte-identical to that version's).
EVERYDAY_NOUNS = [
    ("token", "tokens"), ("secret", "secrets"), ("key", "keys"),
    ("client", "clients"), ("callback", "callbacks"), ("log", "logs"),
    ("session", "sessions"), ("credential", "credentials"),
    ("channel", "channels"), ("webhook", "webhooks"),
    ("account", "accounts"), ("print_job", "print_jobs"),
]
VOCABULARIES = ("everyday", "classic")
# Set by use_vocabulary().
EVERYDAY = False


def use_vocabulary(name: str) -> None:
    global EVERYDAY
    EVERYDAY = name == "everyday"
    if EVERYDAY and EVERYDAY_NOUNS[0] not in NOUNS:
        NOUNS.extend(EVERYDAY_NOUNS)


STATUSES = ["draft", "active", "paused", "archived", "pending", "completed",
            "failed", "scheduled", "cancelled", "open", "closed", "in_review"]

PROVIDERS = ["github", "slack", "notion", "hubspot", "salesforce", "zoom",
             "dropbox", "linear", "asana", "jira", "zendesk", "intercom",
             "shopify", "quickbooks", "xero", "airtable", "figma", "gitlab",
             "bitbucket", "mailchimp", "pipedrive", "box", "monday", "clickup",
             "trello", "discord", "okta", "pagerduty", "datadog", "freshdesk"]

APP_NAMES = ["web", "admin", "portal", "console", "partners", "studio"]
TS_PKG_NAMES = ["ui", "sdk", "utils", "emails", "analytics", "forms", "charts",
                "config", "i18n", "billing"]
WORKER_NAMES = ["edge-cache", "webhooks-in", "notifier", "image-resizer",
                "geo-router", "rate-limiter"]
SERVICE_NAMES = ["api", "worker", "billing", "ingest", "notifications",
                 "reports", "search", "scheduler", "exports", "audit"]
CRATE_NAMES = ["core", "parser", "connectors", "store", "http", "cli",
               "metrics", "auth", "queue", "cache", "sync", "config", "telemetry",
               "scheduler", "storage", "search", "diff", "render", "index",
               "codec", "pool", "retry", "ledger", "graph", "events", "policy",
               "fs", "archive", "limits", "tracing-ext"]
COMPONENT_AREAS = ["ui", "forms", "layout", "dashboard", "settings", "billing",
                   "projects", "tables", "charts", "integrations", "auth",
                   "marketing", "onboarding", "navigation", "modals", "editor"]
LIB_AREAS = ["supabase", "api", "utils", "validation", "billing", "projects",
             "integrations", "analytics", "auth", "admin", "format", "search",
             "cache", "dates"]
PKG_AREAS = ["components", "hooks", "lib", "utils", "types"]
PY_DIRS = ["routers", "services", "models", "schemas", "core", "db", "utils",
           "tasks", "repositories", "clients"]
RUST_MODS = ["model", "store", "handlers", "util", "config", "error", "codec",
             "query", "cache", "io", "types", "service", "validate", "format"]
LOCALES = ["en", "de", "fr", "es", "it", "nl", "pt", "ja", "ko", "sv", "pl", "tr"]
ENVS = ["dev", "staging", "prod", "preview"]
ROUTE_EXTRAS = ["settings/profile", "settings/team", "settings/billing",
                "settings/notifications", "settings/integrations",
                "settings/security", "(marketing)/pricing", "(marketing)/about",
                "(marketing)/blog", "onboarding", "search", "reports/weekly",
                "admin/users", "admin/audit"]

LEGACY_HOST_URL = "https://chi-gateway.example.workers.dev"
GATEWAY_URL = "https://diiiploy-gateway.diiiploy.workers.dev"

RULE_IDS = {
    "table": "supabase-integration-table",
    "status_write": "supabase-integration-status-write",
    "save_fn": "supabase-save-integration-status",
    "service_role": "supabase-service-role-for-integrations",
    "host": "forbidden-gateway-host",
    "callback": "dead-oauth-callback",
    "missing_revoke": "connector-missing-revoke",
    "revoke_stub": "connector-revoke-stub",
}
VIOLATION_ORDER = ["table", "host", "callback", "missing_revoke", "status_write",
                   "service_role", "revoke_stub", "save_fn"]
VIOLATION_FORMS = {
    "table": ["ts", "py", "ts", "sql", "ts-template"],
    "status_write": ["ts", "py", "ts-aws"],
    "save_fn": ["ts", "py", "ts-const"],
    "service_role": ["ts"],
    "host": ["ts", "env", "yaml", "toml", "py", "rust"],
    "callback": ["ts"],
    "missing_revoke": ["ts", "py", "rust"],
    "revoke_stub": ["ts", "py", "rust"],
}

# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

_TPL = re.compile("«(\\w+)»")


def fill(tpl: str, **kw) -> str:
    return _TPL.sub(lambda m: str(kw[m.group(1)]), tpl)


def pascal(s: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[_\- ]+", s) if p)


def camel(s: str) -> str:
    p = pascal(s)
    return p[:1].lower() + p[1:]


def kebab(s: str) -> str:
    return re.sub(r"[_ ]+", "-", s).lower()


def clamp(v, lo, hi):
    return max(lo, min(hi, v))


class Ctx:
    """Per-file state: RNG and the names already used in the file."""

    __slots__ = ("r", "used", "noun")

    def __init__(self, r: random.Random, noun=None):
        self.r = r
        self.used = {}
        self.noun = noun or r.choice(NOUNS)

    def uniq(self, name: str) -> str:
        n = self.used.get(name, 0)
        self.used[name] = n + 1
        return name if n == 0 else f"{name}{n + 1}"

    def pick_noun(self):
        # mostly the file's own noun, sometimes a neighbour
        return self.noun if self.r.random() < 0.6 else self.r.choice(NOUNS)

    def fields(self, lo: int, hi: int):
        k = self.r.randint(lo, hi)
        return self.r.sample(FIELDS, k)


def body_lines(text: str) -> int:
    return text.count("\n")


HARD_MAX_LINES = 600


def compose(ctx: Ctx, target: int, header: str, blocks, footer: str = "",
            inject=None):
    """Concatenate random blocks until about `target` lines.

    blocks: list of (weight, fn(ctx) -> str).  inject: optional
    (text, offset) inserted between blocks; returns (text, line) where line is
    the 1-based line of text's line `offset`.
    """
    r = ctx.r
    parts = [header]
    n = body_lines(header) + body_lines(footer)
    weights = [w for w, _ in blocks]
    fns = [f for _, f in blocks]
    chosen = []
    extra_lines = body_lines(inject[0]) if inject is not None else 0
    while n < target or not chosen:
        fn = r.choices(fns, weights)[0]
        b = fn(ctx)
        if chosen and n + body_lines(b) > HARD_MAX_LINES - extra_lines:
            break
        chosen.append(b)
        n += body_lines(b)
    line = None
    if inject is not None:
        text_i, offset = inject
        pos = r.randint(0, len(chosen))
        chosen.insert(pos, text_i)
        line = body_lines(header) + sum(body_lines(b) for b in chosen[:pos]) + offset + 1
    parts.extend(chosen)
    parts.append(footer)
    text = "".join(parts)
    if text.endswith("\n\n"):
        text = text.rstrip("\n") + "\n"
    return text, line


# --------------------------------------------------------------------------
# TypeScript blocks
# --------------------------------------------------------------------------

def ts_interface(c: Ctx) -> str:
    noun, _ = c.pick_noun()
    name = c.uniq(pascal(noun) + c.r.choice(["", "Row", "Summary", "Input", "Record", "Detail", "View"]))
    out = [f"export interface {name} {{\n", "  id: string;\n"]
    for f in c.fields(3, 10):
        opt = "?" if c.r.random() < 0.2 else ""
        out.append(f"  {camel(f[0])}{opt}: {f[1]};\n")
    out.append("  createdAt: string;\n}\n\n")
    return "".join(out)


def ts_type_union(c: Ctx) -> str:
    noun, _ = c.pick_noun()
    name = c.uniq(pascal(noun) + "Status")
    sts = c.r.sample(STATUSES, c.r.randint(3, 6))
    const = c.uniq(noun.upper() + "_STATUSES")
    return (f"export const {const} = [{', '.join(repr(s) for s in sts)}] as const;\n"
            f"export type {name} = (typeof {const})[number];\n\n"
            f"export function is{name}(value: string): value is {name} {{\n"
            f"  return ({const} as readonly string[]).includes(value);\n}}\n\n")


ZOD_TYPES = {"string": "z.string().min(1)", "number": "z.number()",
             "boolean": "z.boolean()", "string[]": "z.array(z.string())",
             "string | null": "z.string().nullable()",
             "Record<string, unknown>": "z.record(z.unknown())"}


def ts_zod(c: Ctx) -> str:
    noun, _ = c.pick_noun()
    name = c.uniq(camel(noun) + "Schema")
    out = [f"export const {name} = z.object({{\n"]
    for f in c.fields(3, 8):
        out.append(f"  {camel(f[0])}: {ZOD_TYPES[f[1]]},\n")
    out.append("});\n")
    out.append(f"export type {pascal(name)}Payload = z.infer<typeof {name}>;\n\n")
    return "".join(out)


TS_SELECT = """export async function «fn»(orgId: string, opts: { limit?: number; status?: string } = {}) {
  const supabase = createClient();
  let query = supabase
    .from('«table»')
    .select('«cols»')
    .eq('org_id', orgId)
    .order('«order»', { ascending: «asc» })
    .limit(opts.limit ?? «limit»);
  if (opts.status) {
    query = query.eq('status', opts.status);
  }
  const { data, error } = await query;
  if (error) {
    throw new Error(`Failed to load «plural»: ${error.message}`);
  }
  return data ?? [];
}

"""

TS_GET_ONE = """export async function «fn»(id: string) {
  const supabase = createClient();
  const { data, error } = await supabase.from('«table»').select('«cols»').eq('id', id).maybeSingle();
  if (error) throw error;
  if (!data) {
    return null;
  }
  return data;
}

"""

TS_UPDATE = """export async function «fn»(id: string, patch: Record<string, unknown>) {
  const supabase = createClient();
  const { data, error } = await supabase
    .from('«table»')
    .update({ ...patch, «key»: «value», updated_at: new Date().toISOString() })
    .eq('id', id)
    .select()
    .single();
  if (error) {
    throw new Error(`Could not update «noun» ${id}: ${error.message}`);
  }
  return data;
}

"""

TS_INSERT = """export async function «fn»(orgId: string, input: { «params» }) {
  const supabase = createClient();
  const { data, error } = await supabase
    .from('«table»')
    .insert({
«rows»      org_id: orgId,
    })
    .select('id')
    .single();
  if (error) throw error;
  return data.id as string;
}

"""

TS_DELETE = """export async function «fn»(id: string): Promise<void> {
  const supabase = createClient();
  const { error } = await supabase.from('«table»').delete().eq('id', id);
  if (error) {
    throw error;
  }
}

"""


def _ts_cols(c: Ctx):
    return ", ".join(["id"] + [f[0] for f in c.fields(2, 6)] + ["created_at"])


def ts_supabase(c: Ctx) -> str:
    noun, plural = c.pick_noun()
    k = c.r.random()
    if k < 0.35:
        return fill(TS_SELECT, fn=c.uniq("list" + pascal(plural)), table=plural, plural=plural,
                    cols=_ts_cols(c), order=c.r.choice(["created_at", "updated_at", "position", "name"]),
                    asc=c.r.choice(["true", "false"]), limit=c.r.choice([20, 25, 50, 100]))
    if k < 0.55:
        return fill(TS_GET_ONE, fn=c.uniq("get" + pascal(noun)), table=plural, cols=_ts_cols(c))
    if k < 0.75:
        f = c.r.choice(FIELDS)
        val = {"string": "'updated'", "number": "1", "boolean": "true"}.get(f[1], "null")
        return fill(TS_UPDATE, fn=c.uniq("update" + pascal(noun)), table=plural, noun=noun,
                    key=f[0], value=val)
    if k < 0.92:
        fs = c.fields(2, 5)
        params = "; ".join(f"{camel(f[0])}: {f[1]}" for f in fs)
        rows = "".join(f"      {f[0]}: input.{camel(f[0])},\n" for f in fs)
        return fill(TS_INSERT, fn=c.uniq("create" + pascal(noun)), table=plural, params=params, rows=rows)
    return fill(TS_DELETE, fn=c.uniq("delete" + pascal(noun)), table=plural)


TS_FETCH = """export async function «fn»(params: Record<string, string> = {}): Promise<«P»[]> {
  const search = new URLSearchParams(params).toString();
  const res = await fetch(`/api/«plural»?${search}`, {
    headers: { 'Content-Type': 'application/json' },
    cache: 'no-store',
  });
  if (!res.ok) {
    throw new Error(`Request for «plural» failed with status ${res.status}`);
  }
  const body = (await res.json()) as { items: «P»[]; nextCursor?: string };
  return body.items;
}

"""

TS_GROUP = """export function «fn»<T extends { «key»: string }>(items: T[]): Record<string, T[]> {
  const groups: Record<string, T[]> = {};
  for (const item of items) {
    const bucket = groups[item.«key»] ?? [];
    bucket.push(item);
    groups[item.«key»] = bucket;
  }
  return groups;
}

"""

TS_SUM = """export function «fn»(rows: Array<{ «key»: number; archived?: boolean }>): number {
  let total = 0;
  for (const row of rows) {
    if (row.archived) continue;
    total += row.«key»;
  }
  return Math.round(total * 100) / 100;
}

"""

TS_FORMAT = """export function «fn»(value: number, currency = '«cur»', locale = '«loc»'): string {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    maximumFractionDigits: «digits»,
  }).format(value);
}

"""

TS_DEBOUNCE = """export function «fn»<A extends unknown[]>(callback: (...args: A) => void, wait = «wait») {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => callback(...args), wait);
  };
}

"""

TS_RETRY = """export async function «fn»<T>(
  task: () => Promise<T>,
  { attempts = «att», delayMs = «delay», onRetry }: { attempts?: number; delayMs?: number; onRetry?: (attempt: number, err: unknown) => void } = {},
): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await task();
    } catch (err) {
      lastError = err;
      onRetry?.(attempt, err);
      await new Promise((resolve) => setTimeout(resolve, delayMs * attempt));
    }
  }
  throw lastError;
}

"""

TS_SORT = """export function «fn»<T extends { «key»?: string | null; id: string }>(items: readonly T[], direction: 'asc' | 'desc' = 'asc'): T[] {
  const factor = direction === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const left = a.«key» ?? '';
    const right = b.«key» ?? '';
    if (left === right) return a.id.localeCompare(b.id);
    return left < right ? -factor : factor;
  });
}

"""

TS_CHUNK = """export function «fn»<T>(items: T[], size = «size»): T[][] {
  if (size <= 0) throw new RangeError('size must be positive');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

"""

TS_SLUG = """export function «fn»(input: string): string {
  return input
    .normalize('NFKD')
    .replace(/[\\u0300-\\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, «max»);
}

"""

TS_CLASS = """export class «P»Store {
  private readonly items = new Map<string, «P»>();
  private readonly listeners = new Set<(items: «P»[]) => void>();

  constructor(initial: «P»[] = []) {
    for (const item of initial) {
      this.items.set(item.id, item);
    }
  }

  get(id: string): «P» | undefined {
    return this.items.get(id);
  }

  upsert(item: «P»): void {
    this.items.set(item.id, item);
    this.emit();
  }

  remove(id: string): boolean {
    const removed = this.items.delete(id);
    if (removed) this.emit();
    return removed;
  }

  list(filter?: (item: «P») => boolean): «P»[] {
    const all = Array.from(this.items.values());
    return filter ? all.filter(filter) : all;
  }

  subscribe(callback: (items: «P»[]) => void): () => void {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  private emit(): void {
    const snapshot = this.list();
    this.listeners.forEach((listener) => listener(snapshot));
  }
}

"""

TS_GATEWAY = """// Third-party integrations are owned by the integration gateway; the app only reads their status.
export async function «fn»(orgId: string): Promise<Array<{ provider: string; connected: boolean }>> {
  const base = process.env.NEXT_PUBLIC_GATEWAY_URL ?? '«gw»';
  const res = await fetch(`${base}/integrations?orgId=${encodeURIComponent(orgId)}`, { cache: 'no-store' });
  if (!res.ok) {
    return [];
  }
  const body = (await res.json()) as { integrations: Array<{ provider: string; connected: boolean }> };
  return body.integrations;
}

"""

TS_CONST_MAP = """export const «name»: Record<string, { label: string; tone: 'neutral' | 'success' | 'warning' | 'danger' }> = {
«rows»};

"""

TS_SWITCH = """export function «fn»(status: string): string {
  switch (status) {
«cases»    default:
      return 'Unknown';
  }
}

"""


TS_LOG = """export function «fn»(«id»: string, count: number) {
  console.info(`[«plural»] synced ${count} for ${«id»}`);
  if (count === 0) {
    console.warn('no «plural» to sync', { «id» });
  }
  return count;
}

"""


def ts_utility(c: Ctx) -> str:
    noun, plural = c.pick_noun()
    P = pascal(noun)
    k = c.r.randrange(13 if EVERYDAY else 11)
    if k >= 11:
        return fill(TS_LOG, fn=c.uniq(f"log{pascal(plural)}Sync"), id=camel(noun) + "Id", plural=plural)
    key = c.r.choice(["status", "region", "currency", "locale", "color", "slug"])
    if k == 0:
        return fill(TS_GROUP, fn=c.uniq(f"group{pascal(plural)}By{pascal(key)}"), key=key)
    if k == 1:
        return fill(TS_SUM, fn=c.uniq(f"total{P}{c.r.choice(['Amount', 'Quantity', 'Score'])}"),
                    key=c.r.choice(["amount", "quantity", "score"]))
    if k == 2:
        return fill(TS_FORMAT, fn=c.uniq(f"format{P}Amount"), cur=c.r.choice(["USD", "EUR", "GBP"]),
                    loc=c.r.choice(["en-US", "de-DE", "en-GB", "fr-FR"]), digits=c.r.choice([0, 2]))
    if k == 3:
        return fill(TS_DEBOUNCE, fn=c.uniq(f"debounce{P}Search"), wait=c.r.choice([150, 200, 300, 500]))
    if k == 4:
        return fill(TS_RETRY, fn=c.uniq(f"with{P}Retry"), att=c.r.randint(2, 5), delay=c.r.choice([100, 250, 500]))
    if k == 5:
        return fill(TS_SORT, fn=c.uniq(f"sort{pascal(plural)}"), key=c.r.choice(["name", "title", "due_date", "slug"]))
    if k == 6:
        return fill(TS_CHUNK, fn=c.uniq(f"chunk{pascal(plural)}"), size=c.r.choice([10, 25, 50, 100]))
    if k == 7:
        return fill(TS_SLUG, fn=c.uniq(f"{noun}Slug"), max=c.r.choice([48, 64, 80]))
    if k == 8:
        rows = "".join(f"  {s}: {{ label: '{s.replace('_', ' ').title()}', tone: '{c.r.choice(['neutral', 'success', 'warning', 'danger'])}' }},\n"
                       for s in c.r.sample(STATUSES, c.r.randint(3, 7)))
        return fill(TS_CONST_MAP, name=c.uniq(noun.upper() + "_STATUS_META"), rows=rows)
    if k == 9:
        cases = "".join(f"    case '{s}':\n      return '{s.replace('_', ' ').title()}';\n"
                        for s in c.r.sample(STATUSES, c.r.randint(3, 6)))
        return fill(TS_SWITCH, fn=c.uniq(f"{noun}StatusLabel"), cases=cases)
    return fill(TS_FETCH, fn=c.uniq("fetch" + pascal(plural)), P=P, plural=plural)


def ts_class(c: Ctx) -> str:
    noun, _ = c.pick_noun()
    P = pascal(noun)
    if P + "Store" in c.used:
        return ts_utility(c)
    c.uniq(P + "Store")
    return fill(TS_CLASS, P=P)


def ts_gateway(c: Ctx) -> str:
    return fill(TS_GATEWAY, fn=c.uniq("list" + c.r.choice(["Org", "Workspace", "Team", "Account"]) + "Integrations"),
                gw=GATEWAY_URL)


TS_LIB_BLOCKS = [(4, ts_interface), (2, ts_type_union), (2, ts_zod), (6, ts_supabase),
                 (7, ts_utility), (1.5, ts_class), (0.25, ts_gateway)]
TS_PURE_BLOCKS = [(4, ts_interface), (2, ts_type_union), (2, ts_zod), (8, ts_utility), (1.5, ts_class),
                  (0.2, ts_gateway)]


def ts_lib_header(c: Ctx, supabase=True) -> str:
    noun, _ = c.noun
    lines = []
    if supabase:
        lines.append("import { createClient } from '@/lib/supabase/server';\n")
    lines.append(f"import type {{ {pascal(noun)} }} from '@/types/{noun}';\n")
    lines.append("import { z } from 'zod';\n\n")
    return "".join(lines)


def gen_ts_lib(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    header = ts_lib_header(c, supabase=True)
    inject = spec.extra.get("inject")
    if inject is not None:
        header = inject.get("header", "") + header
        text, line = compose(c, spec.lines, header, TS_LIB_BLOCKS, inject=(inject["block"], inject["offset"]))
        spec.extra["line"] = line
        return text
    if spec.extra.get("near") == "service_role_admin":
        header = "import { createServiceRoleClient } from '@/lib/supabase/admin';\n" + header
        blk = fill(TS_ADMIN_SERVICE_ROLE, P=pascal(c.noun[0]), plural=c.noun[1])
        text, _ = compose(c, spec.lines, header, TS_LIB_BLOCKS, inject=(blk, 0))
        return text
    if spec.extra.get("near") == "ts_comment_table":
        header = ("// History: the legacy cloud_provider_integrations table was dropped; provider\n"
                  "// credentials now live behind the credential API.\n") + header
    text, _ = compose(c, spec.lines, header, TS_LIB_BLOCKS)
    return text


TS_ADMIN_SERVICE_ROLE = """export async function purgeArchived«P»(olderThanDays = 90): Promise<number> {
  const admin = createServiceRoleClient();
  const cutoff = new Date(Date.now() - olderThanDays * 24 * 60 * 60 * 1000).toISOString();
  const { data, error } = await admin.from('«plural»').delete().lt('updated_at', cutoff).eq('archived', true).select('id');
  if (error) throw error;
  return data?.length ?? 0;
}

"""


def gen_ts_pure(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    header = f"import type {{ {pascal(c.noun[0])} }} from '@/types/{c.noun[0]}';\nimport {{ z }} from 'zod';\n\n"
    text, _ = compose(c, spec.lines, header, TS_PURE_BLOCKS)
    return text


def gen_ts_types(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    text, _ = compose(c, spec.lines, "", [(6, ts_interface), (3, ts_type_union), (1, ts_zod)])
    if "z." in text:
        text = "import { z } from 'zod';\n\n" + text
    return text


TS_TEST_CASE = """  it('«desc»', () => {
    const input = [«items»];
    const result = «fn»(input);
    expect(result).toHaveLength(«n»);
    expect(result[0]).toMatchObject({ id: '«id»' });
  });

"""


def gen_ts_test(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    noun, plural = c.noun
    fn = f"sort{pascal(plural)}"
    header = (f"import {{ describe, expect, it }} from 'vitest';\n"
              f"import {{ {fn} }} from '../{kebab(noun)}';\n\n"
              f"describe('{fn}', () => {{\n")

    def case(cc: Ctx) -> str:
        n = cc.r.randint(1, 5)
        items = ", ".join(f"{{ id: '{noun[:2]}-{i}', name: '{cc.r.choice(STATUSES)}' }}" for i in range(n))
        return fill(TS_TEST_CASE, desc=cc.uniq(f"orders {plural} {cc.r.choice(['by name', 'stably', 'with ties', 'when empty names'])}"),
                    items=items, fn=fn, n=n, id=f"{noun[:2]}-0")

    text, _ = compose(c, spec.lines, header, [(1, case)], footer="});\n")
    return text


# ---- React components -----------------------------------------------------

TSX_COMPONENT = """export function «Comp»({ items, title = '«title»', onSelect, className }: «Comp»Props) {
  const [query, setQuery] = useState('');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [page, setPage] = useState(0);

  const filtered = useMemo(
    () => items.filter((item) => item.«key».toLowerCase().includes(query.trim().toLowerCase())),
    [items, query],
  );
  const visible = filtered.slice(page * «pageSize», (page + 1) * «pageSize»);

  useEffect(() => {
    setPage(0);
  }, [query]);

  const handleSelect = useCallback(
    (id: string) => {
      setSelectedId(id);
      onSelect?.(id);
    },
    [onSelect],
  );

  return (
    <section className={cn('rounded-lg border bg-card p-4', className)}>
      <header className="mb-3 flex items-center justify-between">
        <h2 className="text-lg font-semibold">{title}</h2>
        <input
          className="h-9 rounded-md border px-3 text-sm"
          placeholder="Search «plural»"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </header>
      <ul className="divide-y">
        {visible.map((item) => (
          <li key={item.id} className={cn('flex items-center gap-3 py-2', item.id === selectedId && 'bg-muted')}>
            <button type="button" className="text-left" onClick={() => handleSelect(item.id)}>
              {item.«key»}
            </button>
«extra»          </li>
        ))}
      </ul>
      <footer className="mt-3 flex justify-end gap-2">
        <Button variant="outline" size="sm" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
          Previous
        </Button>
        <Button variant="outline" size="sm" disabled={(page + 1) * «pageSize» >= filtered.length} onClick={() => setPage((p) => p + 1)}>
          Next
        </Button>
      </footer>
    </section>
  );
}

"""

TSX_SMALL = """export function «Comp»({ «prop», label }: { «prop»: «type»; label?: string }) {
  return (
    <div className="«cls»">
      {label ? <span className="text-xs text-muted-foreground">{label}</span> : null}
      <span className="font-medium">{String(«prop»)}</span>
    </div>
  );
}

"""

TSX_FORM = """export function «Comp»({ defaultValues, onSubmit }: { defaultValues?: Partial<«P»>; onSubmit: (values: «P») => Promise<void> }) {
  const [values, setValues] = useState<Partial<«P»>>(defaultValues ?? {});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const update = useCallback(<K extends keyof «P»>(key: K, value: «P»[K]) => {
    setValues((prev) => ({ ...prev, [key]: value }));
  }, []);

  async function handleSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await onSubmit(values as «P»);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Something went wrong');
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={handleSubmit} className="space-y-4">
«inputs»      {error ? <p className="text-sm text-destructive">{error}</p> : null}
      <Button type="submit" disabled={saving}>
        {saving ? 'Saving…' : 'Save «noun»'}
      </Button>
    </form>
  );
}

"""

TSX_INPUT = """      <label className="block space-y-1">
        <span className="text-sm font-medium">«label»</span>
        <input
          className="w-full rounded-md border px-3 py-2"
          value={String(values.«key» ?? '')}
          onChange={(event) => update('«key»', event.target.value as never)}
        />
      </label>
"""

TSX_HOOK = """export function «fn»(orgId: string) {
  const [data, setData] = useState<«P»[]>([]);
  const [loading, setLoading] = useState(true);

  const reload = useCallback(async () => {
    setLoading(true);
    try {
      const res = await fetch(`/api/«plural»?orgId=${orgId}`);
      const body = await res.json();
      setData(body.items ?? []);
    } finally {
      setLoading(false);
    }
  }, [orgId]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, loading, reload };
}

"""


def tsx_component(c: Ctx) -> str:
    noun, plural = c.pick_noun()
    P = pascal(noun)
    comp = c.uniq(P + c.r.choice(["List", "Table", "Picker", "Panel", "Browser", "Grid"]))
    extra = ""
    if c.r.random() < 0.5:
        extra = "            <Badge variant=\"secondary\">{item.status}</Badge>\n"
    props = (f"interface {comp}Props {{\n  items: Array<{{ id: string; {c.r.choice(['name', 'title'])}: string; status?: string }}>;\n"
             f"  title?: string;\n  onSelect?: (id: string) => void;\n  className?: string;\n}}\n\n")
    key = props.split("id: string; ")[1].split(":")[0]
    return props + fill(TSX_COMPONENT, Comp=comp, title=pascal(plural), plural=plural, key=key,
                        pageSize=c.r.choice([10, 20, 25]), extra=extra)


def tsx_small(c: Ctx) -> str:
    noun, _ = c.pick_noun()
    f = c.r.choice(FIELDS)
    return fill(TSX_SMALL, Comp=c.uniq(pascal(noun) + pascal(f[0]) + c.r.choice(["Cell", "Badge", "Label", "Value"])),
                prop=camel(f[0]), type=f[1], cls=c.r.choice(["flex flex-col", "inline-flex items-center gap-1", "grid gap-0.5"]))


def tsx_form(c: Ctx) -> str:
    noun, _ = c.pick_noun()
    P = pascal(noun)
    inputs = "".join(fill(TSX_INPUT, label=f[0].replace("_", " ").title(), key=camel(f[0])) for f in c.fields(2, 6))
    return fill(TSX_FORM, Comp=c.uniq(P + "Form"), P=P, noun=noun, inputs=inputs)


def tsx_hook(c: Ctx) -> str:
    noun, plural = c.pick_noun()
    return fill(TSX_HOOK, fn=c.uniq("use" + pascal(plural)), P=pascal(noun), plural=plural)


TSX_BLOCKS = [(5, tsx_component), (4, tsx_small), (3, tsx_form), (2, tsx_hook), (2, ts_interface), (2, ts_utility)]

TSX_HEADER = """«client»import { useCallback, useEffect, useMemo, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/utils';
import type { «P» } from '@/types/«noun»';

"""


def gen_tsx(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    header = fill(TSX_HEADER, client="'use client';\n\n" if r.random() < 0.7 else "", P=pascal(c.noun[0]), noun=c.noun[0])
    text, _ = compose(c, spec.lines, header, TSX_BLOCKS)
    return text


# ---- Next.js route files ----------------------------------------------------

PAGE_TPL = """import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { createClient } from '@/lib/supabase/server';
import { «P»List } from '@/components/«area»/«kebab»-list';

export const metadata: Metadata = {
  title: '«title»',
};

export const dynamic = 'force-dynamic';

export default async function «P»Page({ params, searchParams }: { params: Promise<Record<string, string>>; searchParams: Promise<{ q?: string }> }) {
  const { q } = await searchParams;
  const routeParams = await params;
  const supabase = await createClient();
  const { data: items, error } = await supabase
    .from('«table»')
    .select('«cols»')
    .order('created_at', { ascending: false })
    .limit(«limit»);
  if (error) {
    throw error;
  }
  if (!items) {
    notFound();
  }
  const visible = q ? items.filter((item) => JSON.stringify(item).toLowerCase().includes(q.toLowerCase())) : items;
  return (
    <main className="container space-y-6 py-8">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-bold">«title»</h1>
        <span className="text-sm text-muted-foreground">{visible.length} of {items.length}</span>
      </div>
      <«P»List items={visible} data-route={JSON.stringify(routeParams)} />
    </main>
  );
}

"""

INTEGRATIONS_PAGE_TPL = """import { listOrgIntegrations } from '@/lib/integrations/gateway-status';
import { Badge } from '@/components/ui/badge';

export const metadata = { title: 'Integrations' };

// Integrations are connected by the onboarding team through the gateway; this page only shows their status.
export default async function IntegrationsSettingsPage({ params }: { params: Promise<{ orgId?: string }> }) {
  const { orgId = 'current' } = await params;
  const integrations = await listOrgIntegrations(orgId);
  return (
    <main className="container space-y-4 py-8">
      <h1 className="text-2xl font-bold">Integrations</h1>
      <p className="text-sm text-muted-foreground">Contact support to connect a new provider.</p>
      <ul className="grid gap-3 md:grid-cols-2">
        {integrations.map((integration) => (
          <li key={integration.provider} className="flex items-center justify-between rounded border p-3">
            <span className="font-medium capitalize">{integration.provider}</span>
            <Badge variant={integration.connected ? 'default' : 'secondary'}>
              {integration.connected ? 'Connected' : 'Not connected'}
            </Badge>
          </li>
        ))}
      </ul>
    </main>
  );
}

"""

LAYOUT_TPL = """import type { ReactNode } from 'react';
import Link from 'next/link';

const NAV = [
«nav»];

export default function «P»Layout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen">
      <aside className="w-56 border-r p-4">
        <nav className="space-y-1">
          {NAV.map((item) => (
            <Link key={item.href} href={item.href} className="block rounded px-2 py-1 hover:bg-muted">
              {item.label}
            </Link>
          ))}
        </nav>
      </aside>
      <div className="flex-1">{children}</div>
    </div>
  );
}
"""

LOADING_TPL = """import { Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="container space-y-4 py-8">
      <Skeleton className="h-8 w-48" />
«rows»    </div>
  );
}
"""

ERROR_TPL = """'use client';

import { useEffect } from 'react';
import { Button } from '@/components/ui/button';

export default function «P»Error({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error('«route» failed to render', error.digest);
  }, [error]);

  return (
    <div className="container space-y-4 py-16 text-center">
      <h2 className="text-xl font-semibold">Something went wrong</h2>
      <p className="text-muted-foreground">We could not load this page. Please try again.</p>
      {error.digest ? (
        <p className="font-mono text-xs text-muted-foreground">Reference: {error.digest}</p>
      ) : null}
      <Button onClick={() => reset()}>Try again</Button>
    </div>
  );
}
"""

API_ROUTE_TPL = """import { NextResponse, type NextRequest } from 'next/server';
import { z } from 'zod';
import { createClient } from '@/lib/supabase/server';

const «schema» = z.object({
«zod»});

export async function GET(request: NextRequest«ctxparam») {
  const supabase = await createClient();
  const { searchParams } = new URL(request.url);
  const limit = Math.min(Number(searchParams.get('limit') ?? «limit»), 200);
  const { data, error } = await supabase
    .from('«table»')
    .select('«cols»')«idfilter»
    .limit(limit);
  if (error) {
    return NextResponse.json({ error: error.message }, { status: 500 });
  }
  return NextResponse.json({ items: data });
}

export async function «method»(request: NextRequest«ctxparam») {
  const supabase = await createClient();
  const parsed = «schema».safeParse(await request.json());
  if (!parsed.success) {
    return NextResponse.json({ error: parsed.error.flatten() }, { status: 400 });
  }
  const { data, error } = await supabase
    .from('«table»')
    .«op»(parsed.data)«idfilter»
    .select('id')
    .single();
  if (error) {
    return NextResponse.json({ error: error.message }, { status: 500 });
  }
  return NextResponse.json(data, { status: «code» });
}
"""

AUTH_CALLBACK_TPL = """import { NextResponse, type NextRequest } from 'next/server';
import { createClient } from '@/lib/supabase/server';

// Supabase email/magic-link sign-in lands here; it is not a provider OAuth flow.
export async function GET(request: NextRequest) {
  const { searchParams, origin } = new URL(request.url);
  const code = searchParams.get('code');
  const next = searchParams.get('next') ?? '/';
  if (!code) {
    return NextResponse.redirect(`${origin}/auth/login?error=missing_code`);
  }
  const supabase = await createClient();
  const { error } = await supabase.auth.exchangeCodeForSession(code);
  if (error) {
    return NextResponse.redirect(`${origin}/auth/login?error=exchange_failed`);
  }
  const safeNext = next.startsWith('/') ? next : '/';
  return NextResponse.redirect(`${origin}${safeNext}`);
}

export const dynamic = 'force-dynamic';
"""

DEAD_CALLBACK_TPL = """import { NextResponse, type NextRequest } from 'next/server';
import { completeProviderLink } from '@/lib/providers/link';

// «Prov» redirects here after the user approves access.
export async function GET(request: NextRequest) {
  const { searchParams } = new URL(request.url);
  const code = searchParams.get('code');
  const state = searchParams.get('state');
  if (!code || !state) {
    return NextResponse.redirect(new URL('/settings/integrations?error=missing_code', request.url));
  }
  try {
    await completeProviderLink('«prov»', code, state);
  } catch {
    return NextResponse.redirect(new URL('/settings/integrations?error=link_failed', request.url));
  }
  return NextResponse.redirect(new URL('/settings/integrations?connected=«prov»', request.url));
}

export const dynamic = 'force-dynamic';
"""


def gen_next_page(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    noun, plural = c.noun
    if spec.extra.get("integrations_page"):
        return INTEGRATIONS_PAGE_TPL.rstrip("\n") + "\n"
    page = fill(PAGE_TPL, P=pascal(noun), area=r.choice(COMPONENT_AREAS[1:8]), kebab=kebab(noun),
                title=pascal(plural), table=plural, cols=_ts_cols(c), limit=r.choice([50, 100, 200]))
    text, _ = compose(c, spec.lines, page, [(3, tsx_small), (1, ts_utility)])
    return text


def gen_next_layout(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    nav = "".join(f"  {{ href: '/{p}', label: '{pascal(p)}' }},\n" for _, p in r.sample(NOUNS, r.randint(3, 8)))
    return fill(LAYOUT_TPL, P=pascal(c.noun[0]), nav=nav)


def gen_next_loading(r, spec):
    rows = "".join(f"      <Skeleton className=\"h-{r.choice([4, 6, 10, 16])} w-full\" />\n" for _ in range(r.randint(11, 20)))
    return fill(LOADING_TPL, rows=rows)


def gen_next_error(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    return fill(ERROR_TPL, P=pascal(c.noun[0]), route=spec.extra.get("route", c.noun[1]))


def gen_api_route(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    noun, plural = c.noun
    has_id = spec.extra.get("has_id", False)
    fs = c.fields(2, 6)
    zod = "".join(f"  {f[0]}: {ZOD_TYPES[f[1]]},\n" for f in fs)
    method = "PATCH" if has_id else "POST"
    text = fill(API_ROUTE_TPL, schema=c.uniq(camel(noun) + "Body"), zod=zod,
                ctxparam=", { params }: { params: Promise<{ id: string }> }" if has_id else "",
                limit=r.choice([20, 50, 100]), table=plural, cols=_ts_cols(c),
                idfilter="\n    .eq('id', (await params).id)" if has_id else "",
                method=method, op="update" if has_id else "insert", code=200 if has_id else 201)
    if spec.lines > body_lines(text) + 10:
        extra, _ = compose(c, spec.lines - body_lines(text), "\n", [(2, ts_utility), (1, ts_interface)])
        text = text + extra
    return text


def gen_auth_callback(r, spec):
    return AUTH_CALLBACK_TPL


def gen_dead_callback(r, spec):
    prov = spec.extra["provider"]
    spec.extra["line"] = 1
    return fill(DEAD_CALLBACK_TPL, prov=prov, Prov=pascal(prov))


# ---- connectors (TS) --------------------------------------------------------

TS_CONNECTOR_IFACE = """// Connector contract of the integrations module. Every provider implements it;
// tokens never leave the vault: connectors only ever see opaque grants.
export interface StoredGrant {
  grantId: string;
  provider: string;
  expiresAt?: string;
}

export interface Signal {
  source: string;
  kind: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

export interface ConnectorContext {
  gateway: {
    beginFlow(provider: string, opts: { state: string; scopes: readonly string[] }): Promise<string>;
    finishFlow(provider: string, opts: { code: string; state: string }): Promise<StoredGrant>;
    request(grant: StoredGrant, path: string, query?: Record<string, string | undefined>): Promise<Array<Record<string, unknown>>>;
    revokeGrant(provider: string, grant: StoredGrant): Promise<void>;
  };
}

export interface Connector {
  readonly id: string;
  readonly scopes: readonly string[];
  beginOAuth(state: string): Promise<string>;
  finishOAuth(code: string, state: string): Promise<StoredGrant>;
  fetchSignals(grant: StoredGrant, since?: Date): Promise<Signal[]>;
  act?(grant: StoredGrant, action: string, input: Record<string, unknown>): Promise<void>;
  revoke(grant: StoredGrant): Promise<void>;
}

export type ConnectorFactory = (ctx: ConnectorContext) => Connector;
"""

TS_CONNECTOR_CLASS_HEAD = """export class «P»Connector implements Connector {
  readonly id = '«prov»';
  readonly scopes = [«scopes»] as const;

  constructor(private readonly ctx: ConnectorContext) {}

  async beginOAuth(state: string): Promise<string> {
    return this.ctx.gateway.beginFlow(this.id, { state, scopes: this.scopes });
  }

  async finishOAuth(code: string, state: string): Promise<StoredGrant> {
    return this.ctx.gateway.finishFlow(this.id, { code, state });
  }

  async fetchSignals(grant: StoredGrant, since?: Date): Promise<Signal[]> {
    const rows = await this.ctx.gateway.request(grant, '/«resource»', { since: since?.toISOString() });
    return rows.map((row) => ({
      source: this.id,
      kind: '«resource»',
      occurredAt: String(row.updated_at ?? row.created_at ?? new Date().toISOString()),
      payload: row,
    }));
  }
"""
TS_REVOKE_REAL = """
  async revoke(grant: StoredGrant): Promise<void> {
    await this.ctx.gateway.revokeGrant(this.id, grant);
  }
"""
TS_REVOKE_STUB = """
  async revoke(grant: StoredGrant): Promise<void> {}
"""


def ts_connector_class(prov: str, r, revoke: str) -> tuple[str, int]:
    scopes = ", ".join(f"'{s}'" for s in r.sample(["read", "write", "offline", "profile", "files.read", "events.read"], r.randint(1, 3)))
    head = fill(TS_CONNECTOR_CLASS_HEAD, P=pascal(prov), prov=prov, scopes=scopes,
                resource=r.choice(["events", "messages", "files", "issues", "contacts", "deals"]))
    body = head
    stub_line = None
    if revoke == "real":
        body += TS_REVOKE_REAL
    elif revoke == "stub":
        stub_line = body_lines(head) + 1  # 0-based offset of the `async revoke` line
        body += TS_REVOKE_STUB
    body += "}\n\n"
    return body, stub_line


def gen_ts_connector(r, spec):
    prov = spec.extra["provider"]
    mode = spec.extra.get("revoke", "real")
    c = Ctx(r)
    header = "import type { Connector, ConnectorContext, Signal, StoredGrant } from '../connector';\n\n"
    cls, stub = ts_connector_class(prov, r, mode)
    offset = 0 if mode != "stub" else stub
    text, line = compose(c, spec.lines, header, [(1, ts_utility)], inject=(cls, offset))
    if mode in ("missing", "stub"):
        spec.extra["line"] = line
    return text


# --------------------------------------------------------------------------
# Python
# --------------------------------------------------------------------------

PY_ROUTER_HEADER = """from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, status

from app.schemas.«noun» import «P»Create, «P»Out, «P»Update
from app.services.«noun» import «P»Service, get_«noun»_service

router = APIRouter(prefix="/«plural»", tags=["«plural»"])

"""

PY_EP_LIST = """
@router.get("«sub»", response_model=list[«P»Out])
async def «fn»(
    org_id: UUID,
    status_filter: str | None = Query(default=None, alias="status"),
    limit: int = Query(default=«limit», le=200),
    service: «P»Service = Depends(get_«noun»_service),
) -> list[«P»Out]:
    items = await service.list(org_id=org_id, status=status_filter, limit=limit)
    return [«P»Out.model_validate(item) for item in items]

"""

PY_EP_GET = """
@router.get("«sub»/{item_id}", response_model=«P»Out)
async def «fn»(item_id: UUID, service: «P»Service = Depends(get_«noun»_service)) -> «P»Out:
    item = await service.get(item_id)
    if item is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="«noun» not found")
    return «P»Out.model_validate(item)

"""

PY_EP_CREATE = """
@router.post("«sub»", response_model=«P»Out, status_code=status.HTTP_201_CREATED)
async def «fn»(payload: «P»Create, service: «P»Service = Depends(get_«noun»_service)) -> «P»Out:
    existing = await service.find_by_name(payload.name) if hasattr(payload, "name") else None
    if existing is not None:
        raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail="«noun» already exists")
    created = await service.create(payload.model_dump())
    return «P»Out.model_validate(created)

"""

PY_EP_UPDATE = """
@router.patch("«sub»/{item_id}", response_model=«P»Out)
async def «fn»(
    item_id: UUID,
    payload: «P»Update,
    service: «P»Service = Depends(get_«noun»_service),
) -> «P»Out:
    changes: dict[str, Any] = payload.model_dump(exclude_unset=True)
    if not changes:
        raise HTTPException(status_code=status.HTTP_400_BAD_REQUEST, detail="nothing to update")
    updated = await service.update(item_id, changes)
    return «P»Out.model_validate(updated)

"""

PY_EP_DELETE = """
@router.delete("«sub»/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def «fn»(item_id: UUID, service: «P»Service = Depends(get_«noun»_service)) -> None:
    await service.archive(item_id)

"""


def py_endpoint(c: Ctx) -> str:
    noun, plural = c.noun
    P = pascal(noun)
    k = c.r.randrange(5)
    sub = c.r.choice(["", "", "/recent", "/archived", "/search", "/export"])
    if k == 0:
        return fill(PY_EP_LIST, sub=sub or "", P=P, fn=c.uniq(f"list_{plural}"), noun=noun, limit=c.r.choice([20, 50, 100]))
    if k == 1:
        return fill(PY_EP_GET, sub=sub, P=P, fn=c.uniq(f"get_{noun}"), noun=noun)
    if k == 2:
        return fill(PY_EP_CREATE, sub=sub, P=P, fn=c.uniq(f"create_{noun}"), noun=noun)
    if k == 3:
        return fill(PY_EP_UPDATE, sub=sub, P=P, fn=c.uniq(f"update_{noun}"), noun=noun)
    return fill(PY_EP_DELETE, sub=sub, P=P, fn=c.uniq(f"delete_{noun}"), noun=noun)


PY_HELPER_FNS = [
    """
def «fn»(rows: list[dict[str, Any]], key: str = "«key»") -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(str(row.get(key, "unknown")), []).append(row)
    return grouped

""",
    """
def «fn»(values: list[float], *, digits: int = «digits») -> float:
    if not values:
        return 0.0
    total = 0.0
    for value in values:
        total += value
    return round(total / len(values), digits)

""",
    """
def «fn»(items: list[Any], size: int = «size») -> list[list[Any]]:
    if size <= 0:
        raise ValueError("size must be positive")
    return [items[i : i + size] for i in range(0, len(items), size)]

""",
    """
def «fn»(text: str, max_length: int = «size») -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned[:max_length] or "item"

""",
    """
async def «fn»(task: Callable[[], Awaitable[T]], attempts: int = «digits», delay: float = 0.25) -> T:
    last_error: Exception | None = None
    for attempt in range(1, attempts + 1):
        try:
            return await task()
        except Exception as exc:  # noqa: BLE001
            last_error = exc
            logger.warning("attempt %s failed: %s", attempt, exc)
            await asyncio.sleep(delay * attempt)
    assert last_error is not None
    raise last_error

""",
    """
def «fn»(started: datetime, finished: datetime | None = None) -> str:
    end = finished or datetime.now(timezone.utc)
    seconds = int((end - started).total_seconds())
    hours, rem = divmod(seconds, 3600)
    minutes, secs = divmod(rem, 60)
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"

""",
    """
def «fn»(payload: dict[str, Any], allowed: tuple[str, ...] = («allowed»)) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key in allowed and value is not None}

""",
]

PY_HELPER_NAMES = ["group_{p}_by_{k}", "average_{n}_{k}", "chunk_{p}", "{n}_slug", "retry_{n}_call",
                   "{n}_duration_label", "clean_{n}_payload"]


PY_LOG = """
def «fn»(«noun»_id: str, count: int) -> int:
    logger.info("synced %d «plural» for %s", count, «noun»_id)
    if not count:
        print(f"no «plural» to sync for {«noun»_id}")
    return count

"""


def py_helper(c: Ctx) -> str:
    if EVERYDAY and c.r.random() < 0.2:
        noun, plural = c.pick_noun()
        return fill(PY_LOG, fn=c.uniq(f"log_{plural}_sync"), noun=noun, plural=plural)
    return py_helper_plain(c)


def py_helper_plain(c: Ctx) -> str:
    noun, plural = c.pick_noun()
    i = c.r.randrange(len(PY_HELPER_FNS))
    key = c.r.choice(["status", "region", "currency", "owner_id", "locale"])
    fn = c.uniq(PY_HELPER_NAMES[i].format(p=plural, n=noun, k=key))
    allowed = ", ".join(f'"{f[0]}"' for f in c.fields(2, 5)) + ","
    return fill(PY_HELPER_FNS[i], fn=fn, key=key, digits=c.r.randint(2, 4), size=c.r.choice([10, 25, 50, 64]),
                allowed=allowed)


PY_HELPER_HEADER = """from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")

"""


def gen_py_router(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    noun, plural = c.noun
    header = fill(PY_ROUTER_HEADER, noun=noun, P=pascal(noun), plural=plural)
    text, _ = compose(c, spec.lines, header, [(5, py_endpoint)])
    return text


PY_MODEL_CLASS = """

class «name»(BaseModel):
    model_config = ConfigDict(«cfg»)

«fields»"""

PY_VALIDATOR = """
    @field_validator("«field»")
    @classmethod
    def «fn»(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("«field» must not be empty")
        return value
"""


def py_model(c: Ctx) -> str:
    noun, _ = c.pick_noun()
    name = c.uniq(pascal(noun) + c.r.choice(["Base", "Create", "Update", "Out", "Summary", "Filter", "Row"]))
    fs = c.fields(3, 9)
    lines = []
    for f in fs:
        if c.r.random() < 0.3:
            lines.append(f"    {f[0]}: {f[2]} = Field(default=None, description=\"{f[0].replace('_', ' ')}\")\n"
                         if "None" in f[2] else f"    {f[0]}: {f[2]} = Field(..., description=\"{f[0].replace('_', ' ')}\")\n")
        else:
            lines.append(f"    {f[0]}: {f[2]}\n")
    text = fill(PY_MODEL_CLASS, name=name, cfg=c.r.choice(["from_attributes=True", "extra=\"forbid\"", "populate_by_name=True"]),
                fields="".join(lines))
    strs = [f[0] for f in fs if f[2] == "str"]
    if strs and c.r.random() < 0.5:
        fld = c.r.choice(strs)
        text += fill(PY_VALIDATOR, field=fld, fn=f"_check_{fld}")
    return text + "\n"


PY_MODEL_HEADER = """from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator
"""


def gen_py_models(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    text, _ = compose(c, spec.lines, PY_MODEL_HEADER, [(5, py_model)])
    return text


PY_SERVICE_CLASS_HEAD = """

class «P»Service:
    \"\"\"Reads and writes «plural» through Supabase.\"\"\"

    table = "«table»"

    def __init__(self, client: Client, *, page_size: int = «ps») -> None:
        self.client = client
        self.page_size = page_size
"""

PY_SVC_METHODS = [
    """
    async def list(self, org_id: UUID, status: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        query = (
            self.client.table(self.table)
            .select("«cols»")
            .eq("org_id", str(org_id))
            .order("created_at", desc=True)
            .limit(limit or self.page_size)
        )
        if status:
            query = query.eq("status", status)
        response = query.execute()
        return response.data or []
""",
    """
    async def get(self, item_id: UUID) -> dict[str, Any] | None:
        response = self.client.table(self.table).select("«cols»").eq("id", str(item_id)).limit(1).execute()
        rows = response.data or []
        return rows[0] if rows else None
""",
    """
    async def create(self, values: dict[str, Any]) -> dict[str, Any]:
        values = {key: value for key, value in values.items() if value is not None}
        response = self.client.table(self.table).insert(values).execute()
        logger.info("created «noun» %s", response.data[0]["id"])
        return response.data[0]
""",
    """
    async def update(self, item_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
        changes["updated_at"] = datetime.now(timezone.utc).isoformat()
        response = self.client.table(self.table).update(changes).eq("id", str(item_id)).execute()
        if not response.data:
            raise LookupError(f"«noun» {item_id} not found")
        return response.data[0]
""",
    """
    async def archive(self, item_id: UUID) -> None:
        self.client.table(self.table).update({"archived": True, "«field»": «val»}).eq("id", str(item_id)).execute()
""",
    """
    async def find_by_name(self, name: str) -> dict[str, Any] | None:
        response = self.client.table(self.table).select("id, name").ilike("name", name).limit(1).execute()
        return (response.data or [None])[0]
""",
    """
    async def count_by_status(self, org_id: UUID) -> dict[str, int]:
        rows = await self.list(org_id, limit=1000)
        counts: dict[str, int] = {}
        for row in rows:
            key = row.get("status") or "unknown"
            counts[key] = counts.get(key, 0) + 1
        return counts
""",
]

PY_SERVICE_HEADER = """from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, TypeVar
from uuid import UUID

from supabase import Client

from app.core.config import get_settings
from app.db.supabase import get_client

logger = logging.getLogger(__name__)
T = TypeVar("T")
"""

PY_SERVICE_FACTORY = """

def get_«noun»_service() -> «P»Service:
    return «P»Service(get_client(), page_size=get_settings().default_page_size)

"""


def py_service_class(c: Ctx) -> str:
    noun, plural = c.pick_noun()
    P = pascal(noun)
    if P + "Service" in c.used:
        return py_helper(c)
    c.uniq(P + "Service")
    cols = ", ".join(["id"] + [f[0] for f in c.fields(2, 6)] + ["created_at"])
    out = [fill(PY_SERVICE_CLASS_HEAD, P=P, plural=plural, table=plural, ps=c.r.choice([25, 50, 100]))]
    idx = sorted(c.r.sample(range(len(PY_SVC_METHODS)), c.r.randint(3, len(PY_SVC_METHODS))))
    for i in idx:
        f = c.r.choice([("status", '"archived"'), ("position", "0"), ("notes", "None")])
        out.append(fill(PY_SVC_METHODS[i], cols=cols, noun=noun, field=f[0], val=f[1]))
    out.append(fill(PY_SERVICE_FACTORY, noun=noun, P=P))
    return "".join(out)


def gen_py_service(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    inject = spec.extra.get("inject")
    header = PY_SERVICE_HEADER
    if spec.extra.get("near") == "py_log_table":
        header += ('\n\ndef log_legacy_notice() -> None:\n'
                   '    logger.info("cloud_provider_integrations was retired; credentials live in the credential API")\n')
    blocks = [(3, py_service_class), (2, py_helper)]
    if inject is not None:
        text, line = compose(c, spec.lines, header, blocks, inject=(inject["block"], inject["offset"]))
        spec.extra["line"] = line
        return text
    text, _ = compose(c, spec.lines, header, blocks)
    return text


def gen_py_utils(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    text, _ = compose(c, spec.lines, PY_HELPER_HEADER, [(1, py_helper)])
    return text


PY_TEST_CASE = """

«deco»def «fn»(«arg») -> None:
    rows = [«rows»]
    grouped = {{}}
    for row in rows:
        grouped.setdefault(row["status"], []).append(row)
    assert sum(len(v) for v in grouped.values()) == «n»
    assert «check»
"""


def gen_py_test(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    noun, plural = c.noun
    header = "from __future__ import annotations\n\nimport pytest\n"

    def case(cc: Ctx) -> str:
        n = cc.r.randint(1, 6)
        rows = ", ".join(f'{{"id": {i}, "status": "{cc.r.choice(STATUSES)}"}}' for i in range(n))
        deco = '@pytest.mark.parametrize("scale", [1, 2, 3])\n' if cc.r.random() < 0.3 else ""
        return fill(PY_TEST_CASE.replace("{{}}", "{}"), deco=deco, arg="scale: int" if deco else "",
                    fn=cc.uniq(f"test_{plural}_{cc.r.choice(['group', 'count', 'filter', 'status'])}"),
                    rows=rows, n=n, check="all(isinstance(k, str) for k in grouped)" if cc.r.random() < 0.5 else "len(grouped) >= 1")

    text, _ = compose(c, spec.lines, header, [(1, case)])
    return text


PY_MAIN = """from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.core.config import get_settings
«imports»

logger = logging.getLogger(__name__)
settings = get_settings()

app = FastAPI(title="«title»", version="«ver»")
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_methods=["*"],
    allow_headers=["*"],
)

«includes»

@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok", "service": "«svc»"}
"""

PY_CONFIG = """from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    service_name: str = "«svc»"
    environment: str = "development"
    supabase_url: str = "http://localhost:54321"
    gateway_url: str = "«gw»"
    credential_api_url: str = "http://localhost:8081"
    default_page_size: int = «ps»
    cors_origins: list[str] = ["http://localhost:3000"]
    request_timeout_seconds: float = «timeout»
    enable_metrics: bool = True
«extra»

@lru_cache
def get_settings() -> Settings:
    return Settings()
"""


def gen_py_main(r, spec):
    svc = spec.extra["service"]
    routers = spec.extra.get("routers", [])[:30]
    imports = "".join(f"from app.routers import {m} as {m}_router\n" for m in routers)
    includes = "".join(f"app.include_router({m}_router.router)\n" for m in routers)
    text = fill(PY_MAIN, imports=imports, title=f"{svc} service", ver=f"0.{r.randint(1, 30)}.{r.randint(0, 9)}",
                includes=includes, svc=svc)
    return text


def gen_py_config(r, spec):
    extra = "".join(f"    {n}: int = {r.randint(1, 500)}\n" for n in r.sample(
        ["max_batch_size", "worker_concurrency", "cache_ttl_seconds", "export_chunk_size", "retry_attempts",
         "queue_poll_ms", "search_limit"], r.randint(2, 6)))
    return fill(PY_CONFIG, svc=spec.extra["service"], gw=GATEWAY_URL, ps=r.choice([25, 50, 100]),
                timeout=r.choice(["5.0", "10.0", "30.0"]), extra=extra)


# ---- Python connectors --------------------------------------------------------

PY_CONNECTOR_BASE = """from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class StoredGrant:
    grant_id: str
    provider: str
    expires_at: datetime | None = None


@dataclass
class Signal:
    source: str
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)


class GatewayClient(Protocol):
    async def begin_flow(self, provider: str, *, state: str, scopes: tuple[str, ...]) -> str: ...

    async def finish_flow(self, provider: str, *, code: str, state: str) -> StoredGrant: ...

    async def request(self, grant: StoredGrant, path: str, **params: Any) -> list[dict[str, Any]]: ...

    async def revoke_grant(self, provider: str, grant: StoredGrant) -> None: ...


class Connector(ABC):
    \"\"\"Contract every provider connector implements. Tokens stay in the vault.\"\"\"

    id: str
    scopes: tuple[str, ...] = ()

    @abstractmethod
    async def begin_oauth(self, state: str) -> str: ...

    @abstractmethod
    async def finish_oauth(self, code: str, state: str) -> StoredGrant: ...

    @abstractmethod
    async def fetch_signals(self, grant: StoredGrant, since: datetime | None = None) -> list[Signal]: ...

    @abstractmethod
    async def revoke(self, grant: StoredGrant) -> None: ...
"""

PY_CONNECTOR_HEAD = """

class «P»Connector(Connector):
    id = "«prov»"
    scopes = («scopes»)

    def __init__(self, gateway: GatewayClient) -> None:
        self.gateway = gateway

    async def begin_oauth(self, state: str) -> str:
        return await self.gateway.begin_flow(self.id, state=state, scopes=self.scopes)

    async def finish_oauth(self, code: str, state: str) -> StoredGrant:
        return await self.gateway.finish_flow(self.id, code=code, state=state)

    async def fetch_signals(self, grant: StoredGrant, since: datetime | None = None) -> list[Signal]:
        rows = await self.gateway.request(grant, "/«resource»", since=since.isoformat() if since else None)
        return [Signal(source=self.id, kind="«resource»", payload=row) for row in rows]
"""
PY_REVOKE_REAL = """
    async def revoke(self, grant: StoredGrant) -> None:
        await self.gateway.revoke_grant(self.id, grant)
"""
PY_REVOKE_STUB = """
    async def revoke(self, grant: StoredGrant) -> None:
        pass
"""

PY_CONNECTOR_HEADER = """from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any, TypeVar

from app.integrations.connectors.base import Connector, GatewayClient, Signal, StoredGrant

logger = logging.getLogger(__name__)
T = TypeVar("T")
"""


def gen_py_connector(r, spec):
    prov = spec.extra["provider"]
    mode = spec.extra.get("revoke", "real")
    c = Ctx(r)
    scopes = ", ".join(f'"{s}"' for s in r.sample(["read", "write", "offline", "files.read", "events.read"], r.randint(1, 3))) + ","
    head = fill(PY_CONNECTOR_HEAD, P=pascal(prov), prov=prov, scopes=scopes,
                resource=r.choice(["events", "messages", "files", "issues", "contacts"]))
    offset = 2  # `class X(Connector):` is the 3rd line of the block
    cls = head
    if mode == "real":
        cls += PY_REVOKE_REAL
    elif mode == "stub":
        offset = body_lines(head) + 1
        cls += PY_REVOKE_STUB
    text, line = compose(c, spec.lines, PY_CONNECTOR_HEADER, [(1, py_helper)], inject=(cls + "\n", offset))
    if mode in ("missing", "stub"):
        spec.extra["line"] = line
    return text


def gen_py_connector_base(r, spec):
    return PY_CONNECTOR_BASE


# --------------------------------------------------------------------------
# Rust
# --------------------------------------------------------------------------

RS_STRUCT = """
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct «P» {
    pub id: Uuid,
«fields»}

impl «P» {
    pub fn new(id: Uuid«params») -> Self {
        Self {
            id,
«inits»        }
    }

    pub fn key(&self) -> String {
        format!("«snake»:{}", self.id)
    }
«method»}
"""

RS_METHODS = [
    """
    pub fn is_«flag»(&self) -> bool {
        self.key().len() % «m» == 0
    }
""",
    """
    pub fn with_«field»(mut self, value: «ty») -> Self {
        self.«field» = value;
        self
    }
""",
    "",
]

RS_ENUM = """
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum «E» {
«variants»}

impl «E» {
    pub fn as_str(&self) -> &'static str {
        match self {
«arms»        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
«parse»            _ => None,
        }
    }
}

impl fmt::Display for «E» {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
"""

RS_FN_ITER = """
pub fn «fn»(items: &[«P»]) -> HashMap<String, Vec<&«P»>> {
    let mut groups: HashMap<String, Vec<&«P»>> = HashMap::new();
    for item in items {
        groups.entry(item.key()).or_default().push(item);
    }
    groups
}
"""

RS_FN_SUM = """
pub fn «fn»(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let total: f64 = values.iter().copied().filter(|v| v.is_finite()).sum();
    Some(total / values.len() as f64)
}
"""

RS_FN_PARSE = """
pub fn «fn»(input: &str) -> Result<Vec<(String, String)>, «Err»> {
    let mut out = Vec::new();
    for (line_no, line) in input.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| «Err»::Invalid(format!("line {}: missing '='", line_no + 1)))?;
        out.push((key.trim().to_string(), value.trim().to_string()));
    }
    Ok(out)
}
"""

RS_ERROR = """
#[derive(Debug)]
pub enum «Err» {
    NotFound(String),
    Invalid(String),
    Io(std::io::Error),
}

impl fmt::Display for «Err» {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound(what) => write!(f, "not found: {what}"),
            Self::Invalid(why) => write!(f, "invalid input: {why}"),
            Self::Io(err) => write!(f, "io error: {err}"),
        }
    }
}

impl std::error::Error for «Err» {}

impl From<std::io::Error> for «Err» {
    fn from(err: std::io::Error) -> Self {
        Self::Io(err)
    }
}
"""

RS_TRAIT = """
pub trait «T» {
    fn name(&self) -> &str;

    fn weight(&self) -> u32 {
        1
    }

    fn describe(&self) -> String {
        format!("{} (weight {})", self.name(), self.weight())
    }
}

impl «T» for «P» {
    fn name(&self) -> &str {
        "«snake»"
    }

    fn weight(&self) -> u32 {
        «w»
    }
}
"""

RS_CACHE = """
#[derive(Debug, Default)]
pub struct «C» {
    entries: HashMap<String, (u64, Vec<u8>)>,
    capacity: usize,
}

impl «C» {
    pub fn with_capacity(capacity: usize) -> Self {
        Self { entries: HashMap::with_capacity(capacity), capacity }
    }

    pub fn get(&self, key: &str, now: u64) -> Option<&[u8]> {
        match self.entries.get(key) {
            Some((expires, value)) if *expires > now => Some(value.as_slice()),
            _ => None,
        }
    }

    pub fn insert(&mut self, key: impl Into<String>, value: Vec<u8>, expires: u64) {
        if self.entries.len() >= self.capacity {
            if let Some(oldest) = self.entries.iter().min_by_key(|(_, (e, _))| *e).map(|(k, _)| k.clone()) {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(key.into(), (expires, value));
    }
}
"""

RS_TESTS = """
#[cfg(test)]
mod tests {
    use super::*;
«cases»}
"""

RS_TEST_CASE = """
    #[test]
    fn «fn»() {
        let values = vec![«vals»];
        let total: f64 = values.iter().sum();
        assert!(total >= 0.0);
        assert_eq!(values.len(), «n»);
    }
"""


def rs_struct(c: Ctx) -> str:
    noun, _ = c.pick_noun()
    P = pascal(noun) + c.r.choice(["", "Record", "Entry", "Snapshot", "Spec"])
    if P in c.used:
        return rs_fn(c)
    c.uniq(P)
    fs = c.fields(2, 7)
    fields = "".join(f"    pub {f[0]}: {f[3]},\n" for f in fs)
    params = "".join(f", {f[0]}: {f[3]}" for f in fs)
    inits = "".join(f"            {f[0]},\n" for f in fs)
    mi = c.r.randrange(len(RS_METHODS))
    f0 = fs[0]
    method = fill(RS_METHODS[mi], flag=c.r.choice(["even", "ready", "stale"]), m=c.r.randint(2, 5),
                  field=f0[0], ty=f0[3])
    return fill(RS_STRUCT, P=P, fields=fields, params=params, inits=inits, snake=noun, method=method)


def rs_enum(c: Ctx) -> str:
    noun, _ = c.pick_noun()
    E = pascal(noun) + c.r.choice(["Status", "Kind", "State", "Phase"])
    if E in c.used:
        return rs_fn(c)
    c.uniq(E)
    sts = c.r.sample(STATUSES, c.r.randint(3, 6))
    variants = "".join(f"    {pascal(s)},\n" for s in sts)
    arms = "".join(f"            Self::{pascal(s)} => \"{s}\",\n" for s in sts)
    parse = "".join(f"            \"{s}\" => Some(Self::{pascal(s)}),\n" for s in sts)
    return fill(RS_ENUM, E=E, variants=variants, arms=arms, parse=parse)


RS_LOG = """pub fn «fn»(«noun»_id: &str, count: usize) -> usize {
    tracing::info!(count, «noun»_id, "«plural» synced");
    if count == 0 {
        eprintln!("no «plural» to sync for {}", «noun»_id);
    }
    count
}

"""


def rs_fn(c: Ctx) -> str:
    noun, plural = c.pick_noun()
    k = c.r.randrange(4 if EVERYDAY else 3)
    if k == 3:
        return fill(RS_LOG, fn=c.uniq(f"log_{plural}_sync"), noun=noun, plural=plural)
    if k == 0:
        return fill(RS_FN_ITER, fn=c.uniq(f"group_{plural}"), P=c.rs_primary)
    if k == 1:
        return fill(RS_FN_SUM, fn=c.uniq(f"mean_{noun}_{c.r.choice(['score', 'weight', 'amount'])}"))
    return fill(RS_FN_PARSE, fn=c.uniq(f"parse_{noun}_pairs"), Err=c.rs_err)


def rs_trait(c: Ctx) -> str:
    noun, _ = c.pick_noun()
    T = pascal(noun) + c.r.choice(["Named", "Weighted", "Describe"])
    if T in c.used:
        return rs_fn(c)
    c.uniq(T)
    return fill(RS_TRAIT, T=T, P=c.rs_primary, snake=noun, w=c.r.randint(1, 9))


def rs_cache(c: Ctx) -> str:
    noun, _ = c.pick_noun()
    C = pascal(noun) + "Cache"
    if C in c.used:
        return rs_fn(c)
    c.uniq(C)
    return fill(RS_CACHE, C=C)


class RsCtx(Ctx):
    __slots__ = ("rs_primary", "rs_err")


RS_HEADER = """use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;
"""


def rs_module(r, spec, header_extra: str = "", inject=None):
    c = RsCtx(r, spec.extra.get("noun"))
    c.rs_primary = pascal(c.noun[0])
    c.rs_err = pascal(c.noun[0]) + "Error"
    c.used[c.rs_primary] = 1
    c.used[c.rs_err] = 1
    fs = c.fields(2, 6)
    primary = fill(RS_STRUCT, P=c.rs_primary, fields="".join(f"    pub {f[0]}: {f[3]},\n" for f in fs),
                   params="".join(f", {f[0]}: {f[3]}" for f in fs), inits="".join(f"            {f[0]},\n" for f in fs),
                   snake=c.noun[0], method="")
    header = RS_HEADER + header_extra + primary + fill(RS_ERROR, Err=c.rs_err)
    tests = ""
    if r.random() < 0.45:
        cases = "".join(fill(RS_TEST_CASE, fn=f"{c.noun[0]}_case_{i}", vals=", ".join(f"{r.randint(0, 99)}.0" for _ in range(n)), n=n)
                        for i, n in enumerate([r.randint(1, 5) for _ in range(r.randint(1, 4))]))
        tests = fill(RS_TESTS, cases=cases)
    blocks = [(4, rs_struct), (3, rs_enum), (4, rs_fn), (2, rs_trait), (1, rs_cache)]
    return compose(c, spec.lines, header, blocks, footer=tests, inject=inject)


def gen_rs_module(r, spec):
    inject = spec.extra.get("inject")
    if inject is not None:
        text, line = rs_module(r, spec, inject=(inject["block"], inject["offset"]))
        spec.extra["line"] = line
        return text
    text, _ = rs_module(r, spec)
    return text


def gen_rs_lib(r, spec):
    mods = spec.extra.get("mods", [])
    head = "".join(f"pub mod {m};\n" for m in mods)
    if spec.extra.get("main"):
        head = "use std::process::ExitCode;\n\n" + "".join(f"mod {m};\n" for m in mods)
        body = ("\nfn main() -> ExitCode {\n    let args: Vec<String> = std::env::args().skip(1).collect();\n"
                "    if args.is_empty() {\n        eprintln!(\"usage: tool <command>\");\n        return ExitCode::from(2);\n    }\n"
                "    println!(\"running {}\", args.join(\" \"));\n    ExitCode::SUCCESS\n}\n")
        return head + body
    text, _ = rs_module(r, spec, header_extra="\n" + head)
    return text


RS_CONNECTOR_TRAIT = """//! Provider connectors. Grants are opaque handles into the token vault.

pub mod providers;

use std::fmt;

#[derive(Debug, Clone)]
pub struct Grant {
    pub id: String,
    pub provider: String,
}

#[derive(Debug, Clone)]
pub struct Signal {
    pub source: String,
    pub kind: String,
    pub payload: serde_json::Value,
}

#[derive(Debug)]
pub enum ConnectorError {
    Gateway(String),
    Expired,
}

impl fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Gateway(msg) => write!(f, "gateway error: {msg}"),
            Self::Expired => f.write_str("grant expired"),
        }
    }
}

pub trait GatewayClient: Send + Sync {
    fn begin_flow(&self, provider: &str, state: &str) -> Result<String, ConnectorError>;
    fn finish_flow(&self, provider: &str, code: &str, state: &str) -> Result<Grant, ConnectorError>;
    fn request(&self, grant: &Grant, path: &str) -> Result<Vec<serde_json::Value>, ConnectorError>;
    fn revoke_grant(&self, provider: &str, grant: &Grant) -> Result<(), ConnectorError>;
}

pub trait Connector {
    fn id(&self) -> &str;
    fn scopes(&self) -> &[&'static str];
    fn begin_oauth(&self, state: &str) -> Result<String, ConnectorError>;
    fn finish_oauth(&self, code: &str, state: &str) -> Result<Grant, ConnectorError>;
    fn fetch_signals(&self, grant: &Grant) -> Result<Vec<Signal>, ConnectorError>;
    fn revoke(&self, grant: &Grant) -> Result<(), ConnectorError>;
}
"""

RS_CONNECTOR_IMPL = """
pub struct «P»Connector<G: GatewayClient> {
    gateway: G,
}

impl<G: GatewayClient> «P»Connector<G> {
    pub fn new(gateway: G) -> Self {
        Self { gateway }
    }
}

impl<G: GatewayClient> Connector for «P»Connector<G> {
    fn id(&self) -> &str {
        "«prov»"
    }

    fn scopes(&self) -> &[&'static str] {
        &[«scopes»]
    }

    fn begin_oauth(&self, state: &str) -> Result<String, ConnectorError> {
        self.gateway.begin_flow(self.id(), state)
    }

    fn finish_oauth(&self, code: &str, state: &str) -> Result<Grant, ConnectorError> {
        self.gateway.finish_flow(self.id(), code, state)
    }

    fn fetch_signals(&self, grant: &Grant) -> Result<Vec<Signal>, ConnectorError> {
        let rows = self.gateway.request(grant, "/«resource»")?;
        Ok(rows
            .into_iter()
            .map(|payload| Signal { source: self.id().to_string(), kind: "«resource»".to_string(), payload })
            .collect())
    }
«revoke»}
"""
RS_REVOKE_REAL = """
    fn revoke(&self, grant: &Grant) -> Result<(), ConnectorError> {
        self.gateway.revoke_grant(self.id(), grant)
    }
"""
RS_REVOKE_STUB = """
    fn revoke(&self, _grant: &Grant) -> Result<(), ConnectorError> {
        Ok(())
    }
"""


def gen_rs_connector(r, spec):
    prov = spec.extra["provider"]
    mode = spec.extra.get("revoke", "real")
    scopes = ", ".join(f'"{s}"' for s in r.sample(["read", "write", "offline", "files.read"], r.randint(1, 3)))
    revoke = {"real": RS_REVOKE_REAL, "stub": RS_REVOKE_STUB, "missing": ""}[mode]
    block = fill(RS_CONNECTOR_IMPL, P=pascal(prov), prov=prov, scopes=scopes,
                 resource=r.choice(["events", "messages", "files", "issues"]), revoke=revoke)
    lines = block.split("\n")
    if mode == "stub":
        offset = next(i for i, l in enumerate(lines) if "fn revoke" in l)
    else:
        offset = next(i for i, l in enumerate(lines) if l.startswith("impl<G: GatewayClient> Connector for"))
    extra = "\nuse crate::{Connector, ConnectorError, GatewayClient, Grant, Signal};\n"
    text, line = rs_module(r, spec, header_extra=extra, inject=(block, offset))
    if mode in ("missing", "stub"):
        spec.extra["line"] = line
    return text


def gen_rs_connector_lib(r, spec):
    return RS_CONNECTOR_TRAIT


def gen_rs_providers_mod(r, spec):
    mods = spec.extra.get("mods", [])
    out = ["//! One module per provider; each implements `crate::Connector`.\n", "\n"]
    out += [f"pub mod {m};\n" for m in mods]
    out += ["\n", "/// Provider ids known to this build.\n", "pub const PROVIDERS: &[&str] = &[\n"]
    out += [f"    \"{m}\",\n" for m in mods]
    out += ["];\n", "\n", "pub fn is_known(provider: &str) -> bool {\n", "    PROVIDERS.contains(&provider)\n", "}\n"]
    return "".join(out)


# --------------------------------------------------------------------------
# SQL
# --------------------------------------------------------------------------

SQL_CREATE = """create table if not exists public.«table» (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
«cols»  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index if not exists «table»_org_id_idx on public.«table» (org_id);
«extra_idx»
alter table public.«table» enable row level security;

create policy "Members can read «table»" on public.«table»
  for select using (
    exists (
      select 1 from public.memberships m
      where m.org_id = «table».org_id and m.user_id = auth.uid()
    )
  );

create policy "Members can write «table»" on public.«table»
  for all using (
    exists (
      select 1 from public.memberships m
      where m.org_id = «table».org_id and m.user_id = auth.uid() and m.role in ('owner', 'admin', 'editor')
    )
  );

"""

SQL_ALTER = """alter table public.«table»
  add column if not exists «col» «type»;

comment on column public.«table».«col» is '«comment»';

"""

SQL_TRIGGER = """create or replace function public.set_«table»_updated_at()
returns trigger
language plpgsql
as $$
begin
  new.updated_at = now();
  return new;
end;
$$;

drop trigger if exists «table»_set_updated_at on public.«table»;
create trigger «table»_set_updated_at
  before update on public.«table»
  for each row execute function public.set_«table»_updated_at();

"""

SQL_VIEW = """create or replace view public.«table»_summary as
select
  t.org_id,
  count(*) as total,
  count(*) filter (where t.status = '«st»') as «st»_count,
  max(t.updated_at) as last_updated_at
from public.«table» t
group by t.org_id;

"""

SQL_BACKFILL = """update public.«table»
set «col» = «val»
where «col» is null;

"""


def sql_block(c: Ctx) -> str:
    noun, plural = c.pick_noun()
    table = plural + c.r.choice(["", "", "", "_history", "_snapshots", "_tags"])
    k = c.r.random()
    if k < 0.38:
        fs = c.fields(2, 8)
        cols = "".join(f"  {f[0]} {f[4]},\n" for f in fs if f[0] != "owner_id" or c.r.random() < 0.5)
        extra = "".join(f"create index if not exists {table}_{f[0]}_idx on public.{table} ({f[0]});\n"
                        for f in fs[:c.r.randint(0, 2)] if f[0] not in ("tags", "metadata"))
        return fill(SQL_CREATE, table=table, cols=cols, extra_idx=extra)
    if k < 0.62:
        f = c.r.choice(FIELDS)
        return fill(SQL_ALTER, table=table, col=f[0], type=f[4], comment=f"{f[0].replace('_', ' ')} of the {noun}")
    if k < 0.78:
        return fill(SQL_TRIGGER, table=table)
    if k < 0.9:
        return fill(SQL_VIEW, table=plural, st=c.r.choice(STATUSES))
    f = c.r.choice([("status", "'draft'"), ("position", "0"), ("locale", "'en'"), ("currency", "'USD'")])
    return fill(SQL_BACKFILL, table=table, col=f[0], val=f[1])


SQL_FORBIDDEN_TABLE = """create table if not exists public.cloud_provider_integrations (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  provider text not null,
  status text not null default 'pending',
  created_at timestamptz not null default now()
);

"""

SQL_DROP_LEGACY = """-- The credential API owns provider state now; remove the legacy table.
drop table if exists public.cloud_provider_integrations;

"""


def gen_sql(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    header = f"-- {spec.extra.get('title', 'schema change')}\n\n"
    inject = spec.extra.get("inject")
    if inject is not None:
        text, line = compose(c, spec.lines, header, [(1, sql_block)], inject=(inject["block"], inject["offset"]))
        spec.extra["line"] = line
        return text
    if spec.extra.get("near") == "sql_drop_table":
        text, _ = compose(c, spec.lines, header, [(1, sql_block)], inject=(SQL_DROP_LEGACY, 0))
        return text
    text, _ = compose(c, spec.lines, header, [(1, sql_block)])
    return text


# --------------------------------------------------------------------------
# config files
# --------------------------------------------------------------------------

NPM_DEPS = [("next", "^15.1.0"), ("react", "^19.0.0"), ("react-dom", "^19.0.0"),
            ("@supabase/supabase-js", "^2.47.0"), ("@supabase/ssr", "^0.5.2"), ("zod", "^3.24.1"),
            ("clsx", "^2.1.1"), ("date-fns", "^4.1.0"), ("lucide-react", "^0.468.0"),
            ("tailwind-merge", "^2.5.5"), ("swr", "^2.2.5"), ("@tanstack/react-query", "^5.62.0"),
            ("react-hook-form", "^7.54.0"), ("recharts", "^2.15.0"), ("nanoid", "^5.0.9"),
            ("hono", "^4.6.14"), ("stripe", "^17.4.0"), ("resend", "^4.0.1")]
NPM_DEV = [("typescript", "^5.7.2"), ("@types/node", "^22.10.2"), ("@types/react", "^19.0.1"),
           ("eslint", "^9.16.0"), ("vitest", "^2.1.8"), ("prettier", "^3.4.2"),
           ("tailwindcss", "^3.4.16"), ("@cloudflare/workers-types", "^4.20241205.0"), ("wrangler", "^3.95.0")]


def gen_package_json(r, spec):
    name = spec.extra.get("pkg", "app")
    deps = dict(sorted(r.sample(NPM_DEPS, r.randint(4, 12))))
    dev = dict(sorted(r.sample(NPM_DEV, r.randint(3, 7))))
    obj = {"name": f"@acme/{name}", "version": f"0.{r.randint(1, 40)}.{r.randint(0, 9)}", "private": True,
           "type": "module",
           "scripts": {"dev": "next dev" if spec.extra.get("next") else "tsx watch src/index.ts",
                       "build": "next build" if spec.extra.get("next") else "tsc -p tsconfig.json",
                       "lint": "eslint .", "typecheck": "tsc --noEmit", "test": "vitest run"},
           "dependencies": deps, "devDependencies": dev}
    if spec.extra.get("root"):
        obj = {"name": "acme", "private": True, "packageManager": "pnpm@9.15.0",
               "workspaces": ["apps/*", "packages/*", "workers/*"],
               "scripts": {"build": "turbo run build", "dev": "turbo run dev", "lint": "turbo run lint",
                           "test": "turbo run test", "db:reset": "supabase db reset"},
               "devDependencies": {"turbo": "^2.3.3", "typescript": "^5.7.2", "prettier": "^3.4.2"},
               "engines": {"node": ">=20"}}
        obj["pnpm"] = {"overrides": {k: v for k, v in NPM_DEPS[:r.randint(4, 10)]}}
    return json.dumps(obj, indent=2) + "\n"


def gen_tsconfig(r, spec):
    obj = {"compilerOptions": {"target": "ES2022", "lib": ["dom", "dom.iterable", "esnext"], "allowJs": False,
                               "skipLibCheck": True, "strict": True, "noEmit": True, "esModuleInterop": True,
                               "module": "esnext", "moduleResolution": "bundler", "resolveJsonModule": True,
                               "isolatedModules": True, "jsx": "preserve", "incremental": True,
                               "plugins": [{"name": "next"}], "paths": {"@/*": ["./src/*"]}},
           "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx"], "exclude": ["node_modules"]}
    if not spec.extra.get("next"):
        del obj["compilerOptions"]["plugins"]
        obj["compilerOptions"]["jsx"] = "react-jsx"
        obj["include"] = ["src"]
    return json.dumps(obj, indent=2) + "\n"


ENV_VARS = [
    ("NEXT_PUBLIC_SUPABASE_URL", "http://localhost:54321"), ("NEXT_PUBLIC_SUPABASE_ANON_KEY", ""),
    ("SUPABASE_SERVICE_ROLE_KEY", ""), ("NEXT_PUBLIC_GATEWAY_URL", GATEWAY_URL), ("GATEWAY_URL", GATEWAY_URL),
    ("CREDENTIAL_API_URL", "http://localhost:8081"), ("DATABASE_URL", "postgresql://localhost:54322/postgres"),
    ("REDIS_URL", "redis://localhost:6379"), ("LOG_LEVEL", "info"), ("SENTRY_DSN", ""), ("PORT", "3000"),
    ("NODE_ENV", "development"), ("STRIPE_SECRET_KEY", ""), ("STRIPE_WEBHOOK_SECRET", ""),
    ("RESEND_API_KEY", ""), ("POSTHOG_HOST", "https://eu.posthog.com"), ("FEATURE_FLAGS", "search,exports"),
    ("EXPORT_BUCKET", "exports-dev"), ("MAX_UPLOAD_MB", "25"), ("TZ", "UTC"), ("APP_URL", "http://localhost:3000"),
    ("RATE_LIMIT_PER_MINUTE", "120"), ("WORKER_CONCURRENCY", "4"), ("CACHE_TTL_SECONDS", "300"),
]


def gen_env(r, spec):
    inject = spec.extra.get("inject")
    out = ["# Copy to .env.local and fill in the blanks. Never commit real values.\n", "\n"]
    sections = [("# --- Supabase ---", ENV_VARS[:3]), ("# --- Services ---", ENV_VARS[3:8]),
                ("# --- Observability ---", ENV_VARS[8:12]), ("# --- Third parties ---", ENV_VARS[12:17]),
                ("# --- Tuning ---", ENV_VARS[17:])]
    for title, vars_ in sections:
        out.append(title + "\n")
        for k, v in vars_:
            if r.random() < 0.8:
                out.append(f"{k}={v}\n")
        if inject is not None and title.startswith("# --- Services"):
            spec.extra["line"] = len(out) + 1
            out.append(inject["line"] + "\n")
        out.append("\n")
    while len(out) < 20:
        out.append(f"# {r.choice(['optional', 'local only', 'see docs/setup.md'])}\n")
    return "".join(out).rstrip("\n") + "\n"


def gen_compose(r, spec):
    inject = spec.extra.get("inject")
    svcs = spec.extra.get("services", ["api"])
    out = ["services:\n"]
    for s in svcs:
        out += [f"  {s}:\n", "    build:\n", f"      context: ./services/{s}\n", "      dockerfile: Dockerfile\n",
                "    restart: unless-stopped\n", "    ports:\n", f"      - \"{8000 + r.randint(0, 99)}:8000\"\n",
                "    environment:\n", f"      SERVICE_NAME: {s}\n", "      LOG_LEVEL: info\n",
                f"      GATEWAY_URL: {GATEWAY_URL}\n", "      SUPABASE_URL: http://supabase-kong:8000\n"]
        if inject is not None and "line" not in spec.extra:
            spec.extra["line"] = len(out) + 1
            out.append("      " + inject["line"] + "\n")
        out += ["    depends_on:\n", "      - redis\n", "    healthcheck:\n",
                "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health\"]\n",
                f"      interval: {r.choice([10, 15, 30])}s\n", "      timeout: 5s\n", "      retries: 3\n", "\n"]
    out += ["  redis:\n", "    image: redis:7-alpine\n", "    ports:\n", "      - \"6379:6379\"\n", "\n",
            "volumes:\n", "  pgdata: {}\n"]
    return "".join(out)


def gen_k8s(r, spec):
    inject = spec.extra.get("inject")
    svc = spec.extra.get("service", "api")
    env = spec.extra.get("env", "dev")
    kind = spec.extra.get("kind", r.choice(["deployment", "configmap", "service", "hpa"]))
    out = []
    if kind == "configmap" or inject is not None:
        out += ["apiVersion: v1\n", "kind: ConfigMap\n", "metadata:\n", f"  name: {svc}-config\n",
                f"  namespace: {env}\n", "  labels:\n", f"    app: {svc}\n", "data:\n"]
        for k, v in r.sample(ENV_VARS[3:], r.randint(6, 16)):
            if k.endswith(("_KEY", "_SECRET", "_DSN")):
                continue
            out.append(f"  {k}: \"{v}\"\n")
        if inject is not None:
            spec.extra["line"] = len(out) + 1
            out.append("  " + inject["line"] + "\n")
    elif kind == "service":
        out += ["apiVersion: v1\n", "kind: Service\n", "metadata:\n", f"  name: {svc}\n", f"  namespace: {env}\n",
                "spec:\n", "  type: ClusterIP\n", "  selector:\n", f"    app: {svc}\n", "  ports:\n",
                "    - name: http\n", "      port: 80\n", "      targetPort: 8000\n", "      protocol: TCP\n"]
    elif kind == "hpa":
        out += ["apiVersion: autoscaling/v2\n", "kind: HorizontalPodAutoscaler\n", "metadata:\n",
                f"  name: {svc}\n", f"  namespace: {env}\n", "spec:\n", "  scaleTargetRef:\n",
                "    apiVersion: apps/v1\n", "    kind: Deployment\n", f"    name: {svc}\n",
                f"  minReplicas: {r.randint(1, 3)}\n", f"  maxReplicas: {r.randint(4, 20)}\n", "  metrics:\n",
                "    - type: Resource\n", "      resource:\n", "        name: cpu\n", "        target:\n",
                "          type: Utilization\n", f"          averageUtilization: {r.choice([60, 70, 80])}\n"]
    else:
        out += ["apiVersion: apps/v1\n", "kind: Deployment\n", "metadata:\n", f"  name: {svc}\n",
                f"  namespace: {env}\n", "spec:\n", f"  replicas: {r.randint(1, 6)}\n", "  selector:\n",
                "    matchLabels:\n", f"      app: {svc}\n", "  template:\n", "    metadata:\n", "      labels:\n",
                f"        app: {svc}\n", "    spec:\n", "      containers:\n", f"        - name: {svc}\n",
                f"          image: ghcr.io/acme/{svc}:{r.randint(1, 300)}\n", "          ports:\n",
                "            - containerPort: 8000\n", "          envFrom:\n", "            - configMapRef:\n",
                f"                name: {svc}-config\n", "          resources:\n", "            requests:\n",
                f"              cpu: {r.choice(['100m', '250m', '500m'])}\n",
                f"              memory: {r.choice(['128Mi', '256Mi', '512Mi'])}\n", "          readinessProbe:\n",
                "            httpGet:\n", "              path: /health\n", "              port: 8000\n"]
    while len(out) < 20:
        out.append(f"# {svc} {env} {kind}: managed by deploy/k8s/README\n")
    return "".join(out)


def gen_wrangler(r, spec):
    inject = spec.extra.get("inject")
    name = spec.extra.get("worker", "worker")
    out = [f"name = \"{name}\"\n", "main = \"src/index.ts\"\n",
           f"compatibility_date = \"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}\"\n",
           "compatibility_flags = [\"nodejs_compat\"]\n", "\n", "[vars]\n",
           f"GATEWAY_URL = \"{GATEWAY_URL}\"\n", f"LOG_LEVEL = \"{r.choice(['info', 'debug', 'warn'])}\"\n",
           f"CACHE_TTL_SECONDS = \"{r.choice([60, 300, 900])}\"\n"]
    if inject is not None:
        spec.extra["line"] = len(out) + 1
        out.append(inject["line"] + "\n")
    out += ["\n", "[[kv_namespaces]]\n", "binding = \"CACHE\"\n", f"id = \"{r.getrandbits(128):032x}\"\n", "\n",
            "[[r2_buckets]]\n", "binding = \"ASSETS\"\n", f"bucket_name = \"{name}-assets\"\n", "\n"]
    for env in ["staging", "production"]:
        out += [f"[env.{env}]\n", f"name = \"{name}-{env}\"\n", f"routes = [{{ pattern = \"{name}.{env}.acme.dev/*\", zone_name = \"acme.dev\" }}]\n", "\n",
                f"[env.{env}.vars]\n", f"LOG_LEVEL = \"{'info' if env == 'production' else 'debug'}\"\n", "\n"]
    return "".join(out).rstrip("\n") + "\n"


CARGO_DEPS = [("serde", '{ version = "1", features = ["derive"] }'), ("serde_json", '"1"'),
              ("uuid", '{ version = "1", features = ["v4", "serde"] }'), ("thiserror", '"2"'),
              ("tokio", '{ version = "1", features = ["rt-multi-thread", "macros"] }'), ("tracing", '"0.1"'),
              ("anyhow", '"1"'), ("bytes", '"1"'), ("regex", '"1"'), ("once_cell", '"1"'), ("smallvec", '"1"'),
              ("chrono", '{ version = "0.4", default-features = false, features = ["clock"] }')]


def gen_cargo_toml(r, spec):
    if spec.extra.get("workspace"):
        members = spec.extra.get("members", [])
        out = ["[workspace]\n", "resolver = \"2\"\n", "members = [\n"] + [f"    \"crates/{m}\",\n" for m in members] + \
              ["]\n", "\n", "[workspace.package]\n", "edition = \"2021\"\n", "license = \"MIT\"\n",
               "rust-version = \"1.80\"\n", "\n", "[workspace.dependencies]\n"] + \
              [f"{k} = {v}\n" for k, v in CARGO_DEPS] + ["\n", "[profile.release]\n", "lto = \"thin\"\n"]
        return "".join(out)
    name = spec.extra.get("crate", "core")
    out = ["[package]\n", f"name = \"acme-{name}\"\n", f"version = \"0.{r.randint(1, 20)}.{r.randint(0, 9)}\"\n",
           f"description = \"{name} building blocks for the acme platform\"\n",
           "edition.workspace = true\n", "license.workspace = true\n", "rust-version.workspace = true\n",
           "publish = false\n", "\n", "[lints.rust]\n", "unsafe_code = \"forbid\"\n", "\n", "[dependencies]\n"]
    out += [f"{k}.workspace = true\n" for k, _ in sorted(r.sample(CARGO_DEPS, r.randint(3, 8)))]
    out += ["\n", "[dev-dependencies]\n", "pretty_assertions = \"1\"\n", "\n", "[features]\n", "default = []\n",
            f"{r.choice(['metrics', 'tracing', 'serde'])} = []\n"]
    return "".join(out)


def gen_pyproject(r, spec):
    svc = spec.extra.get("service", "api")
    deps = r.sample(["fastapi>=0.115", "uvicorn[standard]>=0.32", "pydantic>=2.10", "pydantic-settings>=2.6",
                     "supabase>=2.10", "httpx>=0.28", "structlog>=24.4", "redis>=5.2", "tenacity>=9.0",
                     "orjson>=3.10"], r.randint(4, 9))
    out = ["[project]\n", f"name = \"acme-{svc}\"\n", f"version = \"0.{r.randint(1, 30)}.0\"\n",
           "requires-python = \">=3.11\"\n", "dependencies = [\n"] + [f"    \"{d}\",\n" for d in deps] + \
          ["]\n", "\n", "[project.optional-dependencies]\n", "dev = [\"pytest>=8\", \"pytest-asyncio>=0.24\", \"ruff>=0.8\"]\n",
           "\n", "[tool.ruff]\n", "line-length = 110\n", "target-version = \"py311\"\n", "\n",
           "[tool.pytest.ini_options]\n", "asyncio_mode = \"auto\"\n", "testpaths = [\"tests\"]\n"]
    return "".join(out)


def gen_settings_toml(r, spec):
    inject = spec.extra.get("inject")
    out = [f"# {spec.extra.get('env', 'dev')} settings\n", "\n", "[server]\n", f"port = {r.choice([8000, 8080, 3000])}\n",
           f"workers = {r.randint(1, 8)}\n", "\n", "[gateway]\n", f"url = \"{GATEWAY_URL}\"\n",
           f"timeout_ms = {r.choice([2000, 5000, 10000])}\n"]
    if inject is not None:
        spec.extra["line"] = len(out) + 1
        out.append(inject["line"] + "\n")
    out += ["\n", "[limits]\n"]
    for k in r.sample(["max_batch", "max_upload_mb", "max_page_size", "max_retries", "burst", "rps"], r.randint(3, 6)):
        out.append(f"{k} = {r.randint(1, 1000)}\n")
    out += ["\n", "[features]\n"]
    for k in r.sample(["search", "exports", "reports", "audit", "webhooks_out", "beta_ui", "bulk_edit"], r.randint(3, 7)):
        out.append(f"{k} = {r.choice(['true', 'false'])}\n")
    while len(out) < 20:
        out.append(f"# reserved {len(out)}\n")
    return "".join(out)


def _words(r, k):
    pool = ["save", "cancel", "delete", "archive", "share", "invite", "members", "settings", "search", "filter",
            "export", "import", "loading", "empty", "error", "retry", "title", "description", "status", "due",
            "owner", "priority", "created", "updated", "welcome", "back", "next", "done", "open", "closed"]
    return " ".join(r.choice(pool) for _ in range(k)).capitalize()


def gen_locale(r, spec):
    target = spec.lines
    obj = {}
    n = 1
    while n < target - 2:
        sec = r.choice(NOUNS)[1]
        if sec in obj:
            sec = f"{sec}_{n}"
        k = r.randint(3, 14)
        obj[sec] = {f"{camel(r.choice(['title', 'subtitle', 'empty', 'cta', 'confirm', 'help', 'label', 'error']))}{i}": _words(r, r.randint(1, 7))
                    for i in range(k)}
        n += k + 2
    text = json.dumps(obj, indent=2, ensure_ascii=False) + "\n"
    if text.count("\n") < 20:
        obj["common"] = {f"line{i}": _words(r, 3) for i in range(20)}
        text = json.dumps(obj, indent=2, ensure_ascii=False) + "\n"
    return text


def gen_fixture(r, spec):
    target = spec.lines
    c = Ctx(r, spec.extra.get("noun"))
    fs = c.fields(2, 6)
    rows = []
    n = 2
    while n < target - 2:
        row = {"id": f"{r.getrandbits(64):016x}"}
        for f in fs:
            if f[1].startswith("number"):
                row[f[0]] = r.randint(0, 1000)
            elif f[1] == "boolean":
                row[f[0]] = r.random() < 0.5
            elif f[1] == "string[]":
                row[f[0]] = r.sample(STATUSES, 2)
            elif f[1].startswith("Record"):
                row[f[0]] = {"source": "fixture"}
            else:
                row[f[0]] = _words(r, r.randint(1, 3))
        rows.append(row)
        n += len(row) + 2 + sum(3 if isinstance(v, (list, dict)) else 0 for v in row.values())
    while True:
        text = json.dumps(rows, indent=2) + "\n"
        if text.count("\n") >= 20:
            return text
        rows.append(dict(rows[-1], id=f"{r.getrandbits(64):016x}"))


def gen_openapi(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    noun, plural = c.noun
    out = ["openapi: 3.1.0\n", "info:\n", f"  title: {pascal(plural)} API\n", f"  version: 1.{r.randint(0, 9)}.0\n",
           "paths:\n"]
    for sub in ["", "/{id}"] + ([f"/{{id}}/{r.choice(NOUNS)[1]}"] if r.random() < 0.5 else []):
        out += [f"  /{plural}{sub}:\n"]
        for m in (["get", "post"] if not sub else ["get", "patch", "delete"]):
            out += [f"    {m}:\n", f"      operationId: {m}{pascal(plural)}{len(out)}\n", "      responses:\n",
                    "        \"200\":\n", "          description: OK\n"]
    out += ["components:\n", "  schemas:\n", f"    {pascal(noun)}:\n", "      type: object\n", "      properties:\n",
            "        id:\n", "          type: string\n", "          format: uuid\n"]
    for f in c.fields(3, 12):
        t = {"number": "number", "boolean": "boolean", "string[]": "array"}.get(f[1], "string")
        out += [f"        {f[0]}:\n", f"          type: {t}\n"]
        if t == "array":
            out += ["          items:\n", "            type: string\n"]
    return "".join(out)


def gen_json_schema(r, spec):
    c = Ctx(r, spec.extra.get("noun"))
    noun, _ = c.noun
    props = {"id": {"type": "string", "format": "uuid"}}
    for f in c.fields(4, 14):
        t = {"number": "number", "boolean": "boolean", "string[]": "array"}.get(f[1], "string")
        props[f[0]] = {"type": t, "description": f"{f[0].replace('_', ' ').capitalize()} of the {noun}."}
        if t == "array":
            props[f[0]]["items"] = {"type": "string"}
    obj = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"https://schemas.acme.dev/{noun}.json",
           "title": pascal(noun), "type": "object", "required": ["id"], "properties": props,
           "additionalProperties": False}
    return json.dumps(obj, indent=2) + "\n"


# --------------------------------------------------------------------------
# node_modules (ignored)
# --------------------------------------------------------------------------

NM_PKGS = ["lodash-es", "date-fns", "zod", "clsx", "nanoid", "swr", "ms", "debug", "tslib", "uuid",
           "@supabase/postgrest-js", "@supabase/auth-js", "@acme/legacy-integrations", "picocolors", "semver",
           "cookie", "deepmerge", "eventemitter3", "p-limit", "yocto-queue", "@tanstack/query-core", "immer",
           "superjson", "scheduler", "react-is", "loose-envify", "js-tokens", "object-assign", "fast-deep-equal",
           "dequal", "@next/env", "styled-jsx", "client-only", "busboy", "streamsearch", "caniuse-lite"]

NM_JS = """'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
function «fn»(input, options) {
  var opts = options || {};
  var out = [];
  for (var i = 0; i < input.length; i++) {
    if (opts.filter && !opts.filter(input[i], i)) continue;
    out.push(opts.map ? opts.map(input[i], i) : input[i]);
  }
  return out;
}
exports.«fn» = «fn»;
exports.default = «fn»;
"""

NM_DECOYS = [
    ("dist/legacy-store.js",
     "export async function loadLegacy(supabase) {\n  return supabase.from('cloud_provider_integrations').select('*');\n}\n"),
    ("dist/endpoints.js", f"export const LEGACY_GATEWAY = '{LEGACY_HOST_URL}';\n"),
    ("templates/app/api/oauth/github/callback/route.ts",
     "export async function GET() {\n  return new Response('ok');\n}\n"),
    ("src/connector.ts",
     "import type { Connector } from './types';\nexport class DemoConnector implements Connector {\n  id = 'demo';\n}\n"),
]


def plan_node_modules(n_files: int, rng: random.Random):
    files = []  # (path, content)
    decoys = []
    per = max(3, n_files // len(NM_PKGS))
    for i, pkg in enumerate(NM_PKGS):
        base = f"node_modules/{pkg}"
        files.append((f"{base}/package.json", json.dumps({"name": pkg, "version": f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}",
                                                           "main": "dist/index.js", "types": "dist/index.d.ts",
                                                           "license": "MIT"}, indent=2) + "\n"))
        for j in range(per - 1):
            sub = rng.choice(["dist", "dist/esm", "dist/cjs", "lib", "src"])
            ext = rng.choice([".js", ".js", ".mjs", ".d.ts", ".ts"]) if sub == "src" else rng.choice([".js", ".d.ts"])
            fn = f"{camel(rng.choice(NOUNS)[0])}{pascal(rng.choice(['map', 'merge', 'pick', 'parse', 'format']))}"
            body = NM_JS if not ext.endswith(".d.ts") else "export declare function «fn»<T>(input: T[], options?: { filter?: (v: T, i: number) => boolean }): T[];\nexport default «fn»;\n"
            files.append((f"{base}/{sub}/{fn}{j}{ext}", fill(body, fn=fn)))
        if pkg == "@acme/legacy-integrations":
            for rel, content in NM_DECOYS:
                files.append((f"{base}/{rel}", content))
                decoys.append(f"{base}/{rel}")
    return files, decoys


# --------------------------------------------------------------------------
# the plan
# --------------------------------------------------------------------------

class Spec:
    __slots__ = ("path", "gen", "lines", "extra")

    def __init__(self, path, gen, lines, extra=None):
        self.path = path
        self.gen = gen
        self.lines = lines
        self.extra = extra or {}


def code_lines(rng: random.Random) -> int:
    # lognormal, median ~125 lines; composed blocks overshoot by a few lines
    v = int(rng.lognormvariate(math.log(118), 0.62))
    return clamp(v, 22, 540)


class Planner:
    def __init__(self, n: int, seed: int):
        self.n = n
        self.rng = random.Random(seed)
        self.specs: list[Spec] = []
        self.paths: set[str] = set()
        self.dirs_used: dict[str, dict[str, int]] = {}

    def add(self, path, gen, lines=None, **extra):
        if path in self.paths:
            raise RuntimeError(f"duplicate path {path}")
        self.paths.add(path)
        s = Spec(path, gen, lines if lines is not None else code_lines(self.rng), extra)
        self.specs.append(s)
        return s

    def unique(self, d: str, stem: str, ext: str) -> str:
        used = self.dirs_used.setdefault(d, {})
        k = used.get(stem + ext, 0)
        used[stem + ext] = k + 1
        name = stem if k == 0 else f"{stem}-{k + 1}"
        if ext in (".py", ".rs"):
            name = name.replace("-", "_")
        return f"{d}/{name}{ext}"


def mig_stamp(i: int, offset_s: int = 0) -> str:
    """Supabase-style migration timestamp: monotonically increasing, deterministic."""
    t = datetime.datetime(2023, 1, 2, 9, 0, 0) + datetime.timedelta(hours=7 * i, seconds=offset_s + 37 * (i % 50))
    return t.strftime("%Y%m%d%H%M%S")


def scaled(base: float, scale: float, cap: int, lo: int = 1) -> int:
    return clamp(int(round(base * math.sqrt(scale))), lo, cap)


def build_plan(n: int, seed: int):
    P = Planner(n, seed)
    rng = P.rng
    scale = n / 20000
    budget = {"ts": round(n * 0.45), "py": round(n * 0.25), "rs": round(n * 0.12), "sql": round(n * 0.05)}
    budget["cfg"] = n - sum(budget.values())

    n_viol = max(1, round(n / 500))
    kinds = [VIOLATION_ORDER[i % len(VIOLATION_ORDER)] for i in range(n_viol)]
    seen: dict[str, int] = {}
    violations = []  # (kind, form)
    for k in kinds:
        i = seen.get(k, 0)
        seen[k] = i + 1
        forms = VIOLATION_FORMS[k]
        violations.append((k, forms[i % len(forms)]))
    # files the code-form violations add (they replace bulk files of the same language)
    lang_of_form = {"ts": "ts", "ts-template": "ts", "ts-aws": "ts", "ts-const": "ts", "py": "py", "rust": "rs", "sql": "sql"}
    for k, form in violations:
        if form in lang_of_form:
            budget[lang_of_form[form]] -= 1

    apps = APP_NAMES[:scaled(4, scale, len(APP_NAMES))]
    pkgs = TS_PKG_NAMES[:scaled(6, scale, len(TS_PKG_NAMES))]
    workers = WORKER_NAMES[:scaled(4, scale, len(WORKER_NAMES))]
    services = SERVICE_NAMES[:scaled(6, scale, len(SERVICE_NAMES))]
    crates = CRATE_NAMES[:scaled(16, scale, len(CRATE_NAMES), lo=3)]
    if "connectors" not in crates:
        crates = crates[:2] + ["connectors"]

    used = {"ts": 0, "py": 0, "rs": 0, "sql": 0, "cfg": 0}

    def add(lang, path, gen, lines=None, **extra):
        used[lang] += 1
        return P.add(path, gen, lines, **extra)

    cfg_small = lambda: rng.randint(20, 60)  # noqa: E731

    # ---------------- fixed config files ----------------
    add("cfg", "package.json", gen_package_json, 0, root=True)
    add("cfg", "tsconfig.json", gen_tsconfig, 0)
    add("cfg", "Cargo.toml", gen_cargo_toml, 0, workspace=True, members=crates)
    add("cfg", "docker-compose.yml", gen_compose, 0, services=services)
    add("cfg", ".env.example", gen_env, 0)
    add("cfg", "supabase/config.toml", gen_settings_toml, 0, env="local")
    env_specs, yaml_specs, toml_specs = [], [], []
    for a in apps:
        add("cfg", f"apps/{a}/package.json", gen_package_json, 0, pkg=a, next=True)
        add("cfg", f"apps/{a}/tsconfig.json", gen_tsconfig, 0, next=True)
        env_specs.append(add("cfg", f"apps/{a}/.env.example", gen_env, 0))
        if rng.random() < 0.5:
            env_specs.append(add("cfg", f"apps/{a}/.env.development", gen_env, 0))
    for p in pkgs:
        add("cfg", f"packages/{p}/package.json", gen_package_json, 0, pkg=p)
        add("cfg", f"packages/{p}/tsconfig.json", gen_tsconfig, 0)
    for w in workers:
        add("cfg", f"workers/{w}/package.json", gen_package_json, 0, pkg=w)
        add("cfg", f"workers/{w}/tsconfig.json", gen_tsconfig, 0)
        toml_specs.append(add("cfg", f"workers/{w}/wrangler.toml", gen_wrangler, 0, worker=w))
    for s in services:
        add("cfg", f"services/{s}/pyproject.toml", gen_pyproject, 0, service=s)
        env_specs.append(add("cfg", f"services/{s}/.env.example", gen_env, 0))
        yaml_specs.append(add("cfg", f"services/{s}/docker-compose.yml", gen_compose, 0, services=[s]))
    for cr in crates:
        add("cfg", f"crates/{cr}/Cargo.toml", gen_cargo_toml, 0, crate=cr)

    # ---------------- TypeScript ----------------
    ts_bulk_dirs = []  # (dir, weight, kind)
    route_specs = []
    for ai, a in enumerate(apps):
        base = f"apps/{a}/src"
        n_routes = scaled(13, scale, 40, lo=3)
        segs = []
        for _, plural in rng.sample(NOUNS, min(len(NOUNS), n_routes)):
            segs.append(f"(dashboard)/{plural}")
            if rng.random() < 0.4:
                segs.append(f"(dashboard)/{plural}/[id]")
            if rng.random() < 0.1:
                segs.append(f"(dashboard)/{plural}/[id]/edit")
        segs += [e for e in ROUTE_EXTRAS if rng.random() < 0.4 or e == "settings/integrations"]
        for seg in segs:
            d = f"{base}/app/{seg}"
            noun = next((nn for nn in NOUNS if nn[1] in seg.split("/")), rng.choice(NOUNS))
            route_specs.append(add("ts", f"{d}/page.tsx", gen_next_page, None, noun=noun,
                                   integrations_page=seg == "settings/integrations"))
            if rng.random() < 0.25:
                add("ts", f"{d}/layout.tsx", gen_next_layout, 0, noun=noun)
            if rng.random() < 0.3:
                add("ts", f"{d}/loading.tsx", gen_next_loading, 0)
            if rng.random() < 0.15:
                add("ts", f"{d}/error.tsx", gen_next_error, 0, noun=noun, route=seg)
        for _, plural in rng.sample(NOUNS, scaled(9, scale, 30, lo=2)):
            noun = next(nn for nn in NOUNS if nn[1] == plural)
            add("ts", f"{base}/app/api/{plural}/route.ts", gen_api_route, rng.randint(40, 140), noun=noun)
            if rng.random() < 0.5:
                add("ts", f"{base}/app/api/{plural}/[id]/route.ts", gen_api_route, rng.randint(40, 140), noun=noun, has_id=True)
        add("ts", f"{base}/app/auth/callback/route.ts", gen_auth_callback, 0)
        add("ts", f"{base}/app/layout.tsx", gen_next_layout, 0, noun=rng.choice(NOUNS))
        add("ts", f"{base}/lib/integrations/gateway-status.ts", gen_ts_lib, None)
        for area in COMPONENT_AREAS:
            ts_bulk_dirs.append((f"{base}/components/{area}", 3.0, "tsx"))
        for area in LIB_AREAS:
            ts_bulk_dirs.append((f"{base}/lib/{area}", 2.0, "lib"))
        ts_bulk_dirs.append((f"{base}/lib/__tests__", 1.2, "test"))
        ts_bulk_dirs.append((f"{base}/hooks", 1.5, "hook"))
        ts_bulk_dirs.append((f"{base}/types", 1.2, "types"))
        if ai == 0:
            add("ts", f"{base}/modules/integrations/connector.ts", gen_ts_types, 0)
            P.specs[-1].gen = lambda r, s: TS_CONNECTOR_IFACE
            n_conn = scaled(8, scale, 20, lo=2)
            for prov in PROVIDERS[:n_conn]:
                add("ts", f"{base}/modules/integrations/connectors/{prov}.ts", gen_ts_connector, rng.randint(60, 200),
                    provider=prov, revoke="real")
            ts_bulk_dirs.append((f"{base}/modules/integrations/lib", 0.6, "pure"))
    for p in pkgs:
        for area in PKG_AREAS:
            ts_bulk_dirs.append((f"packages/{p}/src/{area}", 1.5, "tsx" if area == "components" else ("hook" if area == "hooks" else "pure")))
    for w in workers:
        add("ts", f"workers/{w}/src/index.ts", gen_ts_pure, None)
        ts_bulk_dirs.append((f"workers/{w}/src/handlers", 1.0, "pure"))
        ts_bulk_dirs.append((f"workers/{w}/src/lib", 0.8, "pure"))

    # ---------------- Python ----------------
    py_bulk_dirs = []
    py_mains = []
    for si, s in enumerate(services):
        base = f"services/{s}/app"
        py_mains.append(add("py", f"{base}/main.py", gen_py_main, 0, service=s))
        add("py", f"{base}/core/config.py", gen_py_config, 0, service=s)
        for d in PY_DIRS:
            w = {"routers": 2.0, "services": 2.5, "models": 1.5, "schemas": 1.5}.get(d, 1.0)
            py_bulk_dirs.append((f"{base}/{d}", w, d))
        py_bulk_dirs.append((f"services/{s}/tests", 1.5, "tests"))
        py_bulk_dirs.append((f"services/{s}/tests/services", 0.8, "tests"))
        if si == 0:
            add("py", f"{base}/integrations/connectors/base.py", gen_py_connector_base, 0)
            for prov in PROVIDERS[:scaled(6, scale, 16, lo=2)]:
                add("py", f"{base}/integrations/connectors/{prov}.py", gen_py_connector, rng.randint(50, 180),
                    provider=prov, revoke="real")

    # ---------------- Rust ----------------
    rs_bulk_dirs = []
    rs_libs = []
    for cr in crates:
        base = f"crates/{cr}/src"
        if cr == "connectors":
            add("rs", f"{base}/lib.rs", gen_rs_connector_lib, 0)
            rs_libs.append(add("rs", f"{base}/providers/mod.rs", gen_rs_providers_mod, 0, crate_dir=f"{base}/providers"))
            for prov in PROVIDERS[:scaled(6, scale, 16, lo=2)]:
                add("rs", f"{base}/providers/{prov}.rs", gen_rs_connector, rng.randint(80, 220), provider=prov, revoke="real")
            continue
        is_cli = cr == "cli"
        rs_libs.append(add("rs", f"{base}/{'main' if is_cli else 'lib'}.rs", gen_rs_lib, None, crate_dir=base, main=is_cli))
        mods = rng.sample(RUST_MODS, rng.randint(2, 5))
        rs_bulk_dirs.append((base, 2.0, None))
        for m in mods:
            rs_libs.append(add("rs", f"{base}/{m}/mod.rs", gen_rs_lib, None, crate_dir=f"{base}/{m}"))
            rs_bulk_dirs.append((f"{base}/{m}", 1.5, None))
        if rng.random() < 0.5:
            rs_bulk_dirs.append((f"crates/{cr}/tests", 0.7, "tests"))

    # ---------------- config bulk dirs ----------------
    cfg_bulk = []  # (dir, weight, kind, extra)
    for a in apps:
        for loc in LOCALES[:scaled(8, scale, len(LOCALES), lo=2)]:
            cfg_bulk.append((f"apps/{a}/messages/{loc}", 1.0, "locale", {}))
    for s in services:
        cfg_bulk.append((f"services/{s}/tests/fixtures", 2.0, "fixture", {}))
        cfg_bulk.append((f"services/{s}/openapi", 0.6, "openapi", {}))
        for env in ENVS[:scaled(3, scale, 4, lo=1)]:
            cfg_bulk.append((f"deploy/k8s/{s}/{env}", 0.5, "k8s", {"service": s, "env": env}))
    for env in ENVS:
        cfg_bulk.append((f"config/{env}", 0.4, "settings", {"env": env}))
    cfg_bulk.append(("packages/schemas/src", 2.0, "schema", {}))

    # ---------------- SQL ----------------
    sql_specs = []
    sql_dirs = [("supabase/migrations", 0.7)] + [(f"services/{s}/migrations", 0.3 / len(services)) for s in services]

    def fill_bulk(lang, dirs, make):
        remaining = budget[lang] - used[lang]
        if remaining < 0:
            raise SystemExit(f"--files {n} is too small for the fixed layout ({lang} over budget by {-remaining})")
        weights = [d[1] for d in dirs]
        for _ in range(remaining):
            d = rng.choices(dirs, weights)[0]
            make(d)

    def make_ts(d):
        dirpath, _, kind = d
        noun = rng.choice(NOUNS)
        if kind == "tsx":
            stem = pascal(noun[0]) + rng.choice(["List", "Table", "Card", "Form", "Dialog", "Panel", "Header", "Filters", "Summary", "Badge", "Menu", "Row", "Chart", "Picker"])
            add("ts", P.unique(dirpath, stem, ".tsx"), gen_tsx, None, noun=noun)
        elif kind == "hook":
            stem = "use-" + kebab(noun[1]) + rng.choice(["", "-filters", "-query", "-mutations", "-selection"])
            add("ts", P.unique(dirpath, stem, ".ts"), gen_ts_pure, None, noun=noun)
        elif kind == "types":
            add("ts", P.unique(dirpath, kebab(noun[0]), ".ts"), gen_ts_types, None, noun=noun)
        elif kind == "test":
            add("ts", P.unique(dirpath, kebab(noun[0]) + rng.choice(["", "-utils", "-format"]), ".test.ts"), gen_ts_test, None, noun=noun)
        elif kind == "pure":
            add("ts", P.unique(dirpath, kebab(noun[0]) + rng.choice(["", "-utils", "-format", "-schema", "-client", "-helpers"]), ".ts"),
                gen_ts_pure, None, noun=noun)
        else:
            add("ts", P.unique(dirpath, kebab(noun[0]) + rng.choice(["", "-queries", "-actions", "-service", "-utils", "-mutations"]), ".ts"),
                gen_ts_lib, None, noun=noun)

    def make_py(d):
        dirpath, _, kind = d
        noun = rng.choice(NOUNS)
        stem = noun[0] if kind not in ("tests",) else f"test_{noun[1]}"
        gen = {"routers": gen_py_router, "services": gen_py_service, "models": gen_py_models, "schemas": gen_py_models,
               "repositories": gen_py_service, "clients": gen_py_service, "tests": gen_py_test}.get(kind, gen_py_utils)
        add("py", P.unique(dirpath, stem, ".py"), gen, None, noun=noun)

    def make_rs(d):
        dirpath, _, kind = d
        noun = rng.choice(NOUNS)
        add("rs", P.unique(dirpath, noun[0] if kind != "tests" else f"{noun[1]}_test", ".rs"), gen_rs_module, None, noun=noun)

    mig_counter = [0]

    def make_sql(d):
        dirpath, _ = d
        mig_counter[0] += 1
        i = mig_counter[0]
        noun = rng.choice(NOUNS)
        ts = mig_stamp(i)
        verb = rng.choice(["create", "alter", "add_columns_to", "index", "backfill", "policies_for", "views_for"])
        title = f"{verb}_{noun[1]}"
        sql_specs.append(add("sql", f"{dirpath}/{ts}_{title}.sql", gen_sql, None, noun=noun, title=title.replace("_", " ")))

    def make_cfg(d):
        dirpath, _, kind, extra = d
        noun = rng.choice(NOUNS)
        if kind == "locale":
            add("cfg", P.unique(dirpath, noun[1], ".json"), gen_locale, code_lines(rng))
        elif kind == "fixture":
            add("cfg", P.unique(dirpath, noun[1], ".json"), gen_fixture, code_lines(rng), noun=noun)
        elif kind == "openapi":
            add("cfg", P.unique(dirpath, noun[1], ".yaml"), gen_openapi, 0, noun=noun)
        elif kind == "k8s":
            k = rng.choice(["deployment", "service", "configmap", "hpa"])
            s = add("cfg", P.unique(dirpath, k, ".yaml"), gen_k8s, 0, kind=k, **extra)
            if k == "configmap":
                yaml_specs.append(s)
        elif kind == "settings":
            toml_specs.append(add("cfg", P.unique(dirpath, rng.choice(["app", "limits", "features", "server", "jobs"]), ".toml"),
                                  gen_settings_toml, 0, **extra))
        else:
            add("cfg", P.unique(dirpath, noun[0], ".schema.json"), gen_json_schema, 0, noun=noun)

    fill_bulk("ts", ts_bulk_dirs, make_ts)
    fill_bulk("py", py_bulk_dirs, make_py)
    fill_bulk("rs", rs_bulk_dirs, make_rs)
    fill_bulk("sql", sql_dirs, make_sql)
    fill_bulk("cfg", cfg_bulk, make_cfg)

    # python routers listed in main.py; rust mod lists
    for m in py_mains:
        pre = f"services/{m.extra['service']}/app/routers/"
        m.extra["routers"] = sorted(s.path[len(pre):-3] for s in P.specs if s.path.startswith(pre) and "/" not in s.path[len(pre):])
    rs_files_by_dir: dict[str, list[str]] = {}
    for s in P.specs:
        if s.path.endswith(".rs"):
            d, f = s.path.rsplit("/", 1)
            rs_files_by_dir.setdefault(d, []).append(f)
    for lib in rs_libs:
        d = lib.extra["crate_dir"]
        own = lib.path.rsplit("/", 1)[1]
        mods = sorted(f[:-3] for f in rs_files_by_dir.get(d, []) if f != own and f not in ("lib.rs", "main.rs", "mod.rs"))
        # sub-directories with a mod.rs
        subs = sorted({p[len(d) + 1:].split("/")[0] for p in (x.path for x in P.specs)
                       if p.startswith(d + "/") and p.endswith("/mod.rs") and p.count("/") == d.count("/") + 2})
        lib.extra["mods"] = sorted(set(mods) | set(subs))

    # ---------------- violations ----------------
    manifest_v = []
    taken = set()  # paths already carrying an injection or near miss

    def pick(cands):
        cands = [s for s in cands if s.path not in taken]
        s = cands[rng.randrange(len(cands))]
        taken.add(s.path)
        return s

    def new_path(d, stem, ext):
        return P.unique(d, stem, ext)

    prov_cycle = [p for p in PROVIDERS]
    rng.shuffle(prov_cycle)
    prov_i = [0]

    def next_prov():
        i = prov_i[0]
        prov_i[0] += 1
        p = prov_cycle[i % len(prov_cycle)]
        return p if i < len(prov_cycle) else f"{p}{i // len(prov_cycle) + 1}"

    ts_lib_dirs = [d for d, _, k in ts_bulk_dirs if k == "lib" and "integration" not in d]
    py_service_dirs = [d for d, _, k in py_bulk_dirs if k == "services"]
    rs_dirs = [d for d, _, k in rs_bulk_dirs if k is None]
    first_app = f"apps/{apps[0]}/src"
    ts_conn_dir = f"{first_app}/modules/integrations/connectors"
    py_conn_dir = f"services/{services[0]}/app/integrations/connectors"
    rs_conn_dir = "crates/connectors/src/providers"

    pending_rs_provider_mods = []
    sql_extra = [0]
    for kind, form in violations:
        rule = RULE_IDS[kind]
        entry = {"rule": rule, "form": form}
        spec = None
        if kind == "table":
            if form in ("ts", "ts-template"):
                q = "'cloud_provider_integrations'" if form == "ts" else "`cloud_provider_integrations`"
                blk = ("export async function listProviderAccounts(orgId: string) {\n"
                       "  const supabase = createClient();\n"
                       f"  const {{ data, error }} = await supabase.from({q}).select('id, provider, status').eq('org_id', orgId);\n"
                       "  if (error) throw error;\n  return data ?? [];\n}\n\n")
                d = rng.choice(ts_lib_dirs)
                spec = add("ts", new_path(d, "provider-accounts", ".ts"), gen_ts_lib, None, noun=rng.choice(NOUNS),
                           inject={"block": blk, "offset": 2})
            elif form == "py":
                blk = ("\n\ndef list_provider_accounts(client: Client, org_id: UUID) -> list[dict[str, Any]]:\n"
                       "    response = (\n"
                       "        client.table(\"cloud_provider_integrations\")\n"
                       "        .select(\"id, provider, status\")\n"
                       "        .eq(\"org_id\", str(org_id))\n"
                       "        .execute()\n    )\n    return response.data or []\n")
                d = rng.choice(py_service_dirs)
                spec = add("py", new_path(d, "provider_accounts", ".py"), gen_py_service, None, noun=rng.choice(NOUNS),
                           inject={"block": blk, "offset": 4})
            else:  # sql
                sql_extra[0] += 1
                i = len(sql_specs) + sql_extra[0]
                spec = add("sql", f"supabase/migrations/{mig_stamp(i, offset_s=1800)}_create_provider_accounts.sql",
                           gen_sql, None, noun=rng.choice(NOUNS), title="create provider accounts",
                           inject={"block": SQL_FORBIDDEN_TABLE, "offset": 0})
        elif kind == "status_write":
            col = "integration_aws_status" if form == "ts-aws" else "integration_gcp_status"
            if form.startswith("ts"):
                blk = ("export async function markCloudConnected(orgId: string) {\n"
                       "  const supabase = createClient();\n"
                       "  const { error } = await supabase\n"
                       "    .from('organizations')\n"
                       f"    .update({{ {col}: 'connected', updated_at: new Date().toISOString() }})\n"
                       "    .eq('id', orgId);\n  if (error) throw error;\n}\n\n")
                d = rng.choice(ts_lib_dirs)
                spec = add("ts", new_path(d, "cloud-status", ".ts"), gen_ts_lib, None, noun=rng.choice(NOUNS),
                           inject={"block": blk, "offset": 4})
            else:
                blk = ("\n\ndef mark_cloud_connected(client: Client, org_id: UUID) -> None:\n"
                       "    client.table(\"organizations\").update(\n"
                       f"        {{\"{col}\": \"connected\", \"updated_at\": datetime.now(timezone.utc).isoformat()}}\n"
                       "    ).eq(\"id\", str(org_id)).execute()\n")
                d = rng.choice(py_service_dirs)
                spec = add("py", new_path(d, "cloud_status", ".py"), gen_py_service, None, noun=rng.choice(NOUNS),
                           inject={"block": blk, "offset": 4})
        elif kind == "save_fn":
            if form == "ts":
                blk = ("export async function saveGcpIntegrationStatus(orgId: string, connected: boolean) {\n"
                       "  const res = await fetch(`/api/orgs/${orgId}/cloud`, {\n"
                       "    method: 'PUT',\n    body: JSON.stringify({ provider: 'gcp', connected }),\n  });\n"
                       "  return res.ok;\n}\n\n")
                off = 0
            elif form == "ts-const":
                blk = ("export const saveGcpIntegrationStatus = async (orgId: string, connected: boolean) => {\n"
                       "  const res = await fetch(`/api/orgs/${orgId}/cloud`, { method: 'PUT', body: JSON.stringify({ connected }) });\n"
                       "  return res.ok;\n};\n\n")
                off = 0
            if form.startswith("ts"):
                d = rng.choice(ts_lib_dirs)
                spec = add("ts", new_path(d, "cloud-settings", ".ts"), gen_ts_lib, None, noun=rng.choice(NOUNS),
                           inject={"block": blk, "offset": off})
            else:
                blk = ("\n\nasync def save_gcp_integration_status(http: Any, org_id: UUID, connected: bool) -> bool:\n"
                       "    response = await http.put(f\"/orgs/{org_id}/cloud\", json={\"provider\": \"gcp\", \"connected\": connected})\n"
                       "    return response.status_code == 200\n")
                d = rng.choice(py_service_dirs)
                spec = add("py", new_path(d, "cloud_settings", ".py"), gen_py_service, None, noun=rng.choice(NOUNS),
                           inject={"block": blk, "offset": 2})
        elif kind == "service_role":
            a = rng.choice(apps)
            prov = next_prov()
            blk = (f"export async function sync{pascal(prov)}Workspace(orgId: string) {{\n"
                   "  const admin = createServiceRoleClient();\n"
                   "  const { data, error } = await admin.from('organizations').select('id, name, plan').eq('id', orgId).single();\n"
                   "  if (error) throw error;\n  return data;\n}\n\n")
            spec = add("ts", new_path(f"apps/{a}/src/lib/integrations", f"{prov}-sync", ".ts"), gen_ts_lib, None,
                       noun=rng.choice(NOUNS),
                       inject={"block": blk, "offset": 1,
                               "header": "import { createServiceRoleClient } from '@/lib/supabase/admin';\n"})
        elif kind == "host":
            line_env = f"GATEWAY_FALLBACK_URL={LEGACY_HOST_URL}"
            if form == "ts":
                blk = (f"const LEGACY_GATEWAY_URL = '{LEGACY_HOST_URL}';\n\n"
                       "export async function pingLegacyGateway(): Promise<boolean> {\n"
                       "  const res = await fetch(`${LEGACY_GATEWAY_URL}/health`);\n  return res.ok;\n}\n\n")
                d = rng.choice(ts_lib_dirs)
                spec = add("ts", new_path(d, "gateway-health", ".ts"), gen_ts_lib, None, noun=rng.choice(NOUNS),
                           inject={"block": blk, "offset": 0})
            elif form == "py":
                blk = (f"\n\nLEGACY_GATEWAY_URL = \"{LEGACY_HOST_URL}\"\n\n\n"
                       "async def ping_legacy_gateway(http: Any) -> bool:\n"
                       "    response = await http.get(f\"{LEGACY_GATEWAY_URL}/health\")\n    return response.status_code == 200\n")
                d = rng.choice(py_service_dirs)
                spec = add("py", new_path(d, "gateway_health", ".py"), gen_py_service, None, noun=rng.choice(NOUNS),
                           inject={"block": blk, "offset": 2})
            elif form == "rust":
                blk = (f"\npub const LEGACY_GATEWAY_URL: &str = \"{LEGACY_HOST_URL}\";\n\n"
                       "pub fn legacy_health_url() -> String {\n    format!(\"{}/health\", LEGACY_GATEWAY_URL)\n}\n")
                d = rng.choice(rs_dirs)
                spec = add("rs", new_path(d, "gateway_health", ".rs"), gen_rs_module, None, noun=rng.choice(NOUNS),
                           inject={"block": blk, "offset": 1})
            elif form == "env":
                spec = pick(env_specs)
                spec.extra["inject"] = {"line": line_env}
            elif form == "yaml":
                spec = pick(yaml_specs)
                spec.extra["inject"] = {"line": f"GATEWAY_FALLBACK_URL: {LEGACY_HOST_URL}"}
            else:
                spec = pick(toml_specs)
                spec.extra["inject"] = {"line": f"GATEWAY_FALLBACK_URL = \"{LEGACY_HOST_URL}\""}
        elif kind == "callback":
            a = apps[len([v for v in manifest_v if v["rule"] == rule]) % len(apps)]
            prov = next_prov()
            path = f"apps/{a}/src/app/api/oauth/{prov}/callback/route.ts"
            while path in P.paths:
                prov = next_prov()
                path = f"apps/{a}/src/app/api/oauth/{prov}/callback/route.ts"
            spec = add("ts", path, gen_dead_callback, 0, provider=prov)
        elif kind in ("missing_revoke", "revoke_stub"):
            mode = "missing" if kind == "missing_revoke" else "stub"
            conn_dir, ext = {"ts": (ts_conn_dir, ".ts"), "py": (py_conn_dir, ".py"), "rust": (rs_conn_dir, ".rs")}[form]
            prov = next_prov()
            while f"{conn_dir}/{prov}{ext}" in P.paths:
                prov = next_prov()
            if form == "ts":
                spec = add("ts", new_path(ts_conn_dir, prov, ".ts"), gen_ts_connector, rng.randint(60, 200), provider=prov, revoke=mode)
            elif form == "py":
                spec = add("py", new_path(py_conn_dir, prov, ".py"), gen_py_connector, rng.randint(50, 180), provider=prov, revoke=mode)
            else:
                spec = add("rs", new_path(rs_conn_dir, prov, ".rs"), gen_rs_connector, rng.randint(80, 220), provider=prov, revoke=mode)
                pending_rs_provider_mods.append(spec.path.rsplit("/", 1)[1][:-3])
        taken.add(spec.path)
        entry["path"] = spec.path
        entry["_spec"] = spec
        manifest_v.append(entry)
    for lib in rs_libs:
        if lib.extra["crate_dir"] == rs_conn_dir:
            lib.extra["mods"] = sorted(set(lib.extra["mods"]) | set(pending_rs_provider_mods))

    # ---------------- near misses (must not be reported) ----------------
    near = []
    n_near = max(1, round(n / 2500))
    admin_dirs = [s for s in P.specs if s.gen is gen_ts_lib and "/lib/admin/" in s.path and "inject" not in s.extra]
    ts_libs_clean = [s for s in P.specs if s.gen is gen_ts_lib and "integration" not in s.path and "inject" not in s.extra]
    py_svcs = [s for s in P.specs if s.gen is gen_py_service and "inject" not in s.extra]
    sqls = [s for s in sql_specs if "inject" not in s.extra]
    near_kinds = [("service_role_admin", admin_dirs or ts_libs_clean,
                   "createServiceRoleClient() outside integration code"),
                  ("sql_drop_table", sqls, "drop table of the legacy table (the fix, not a violation)"),
                  ("ts_comment_table", ts_libs_clean, "legacy table named in a comment"),
                  ("py_log_table", py_svcs, "legacy table named in a log message")]
    for i in range(n_near):
        key, cands, why = near_kinds[i % len(near_kinds)]
        cands = [s for s in cands if s.path not in taken]
        if not cands:
            continue
        s = pick(cands)
        s.extra["near"] = key
        near.append({"kind": key, "path": s.path, "why": why})
    near += [{"kind": "auth_callback_route", "path": f"apps/{a}/src/app/auth/callback/route.ts",
              "why": "Supabase auth callback, no oauth/integrations segment"} for a in apps]
    near.append({"kind": "connector_interface", "path": f"{first_app}/modules/integrations/connector.ts",
                 "why": "the Connector interface itself (revoke declared, not implemented)"})
    near.append({"kind": "connector_abc", "path": f"{py_conn_dir}/base.py",
                 "why": "the Connector ABC itself (abstract revoke with `...`)"})
    near.append({"kind": "connector_trait", "path": "crates/connectors/src/lib.rs",
                 "why": "the Connector trait itself (revoke declared without a body)"})

    if len(P.specs) != n:
        raise RuntimeError(f"planned {len(P.specs)} files, wanted {n}")
    return P.specs, manifest_v, near, {"apps": apps, "packages": pkgs, "workers": workers, "services": services, "crates": crates}


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------

GITIGNORE = """# dependencies
node_modules/

# build output
.next/
dist/
target/
__pycache__/

# local environment
.env
.env.local

# benchmark bookkeeping (not part of the synthetic repository)
/MANIFEST.json
"""


def lang_of(path: str) -> str:
    if path.endswith((".ts", ".tsx")):
        return "ts"
    if path.endswith(".py"):
        return "py"
    if path.endswith(".rs"):
        return "rs"
    if path.endswith(".sql"):
        return "sql"
    return "cfg"


def write_file(root: str, rel: str, text: str, made: set):
    full = os.path.join(root, rel)
    d = os.path.dirname(full)
    if d not in made:
        os.makedirs(d, exist_ok=True)
        made.add(d)
    with open(full, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def is_ours(path: str) -> bool:
    try:
        with open(os.path.join(path, "MANIFEST.json"), encoding="utf-8") as fh:
            return json.load(fh).get("generator") == GENERATOR_ID
    except (OSError, ValueError):
        return False


def generate(out: str, n: int, seed: int, force: bool, quiet: bool) -> dict:
    t0 = time.perf_counter()
    if os.path.exists(out) and os.listdir(out):
        if force and is_ours(out):
            shutil.rmtree(out)
        elif force:
            raise SystemExit(f"{out} is not empty and has no MANIFEST.json from this generator; refusing to delete it")
        else:
            raise SystemExit(f"{out} is not empty (use --force to replace a corpus made by this generator)")
    os.makedirs(out, exist_ok=True)
    specs, violations, near, layout = build_plan(n, seed)
    made = set()
    counts = {"ts": 0, "py": 0, "rs": 0, "sql": 0, "cfg": 0}
    line_counts = []
    total_bytes = 0
    for s in specs:
        r = random.Random(f"{seed}:{s.path}")
        text = s.gen(r, s)
        write_file(out, s.path, text, made)
        counts[lang_of(s.path)] += 1
        line_counts.append(text.count("\n"))
        total_bytes += len(text.encode("utf-8"))
    # node_modules: a few hundred files, ignored by .gitignore
    nm_target = clamp(n // 60, 60, 600)
    nm_files, decoys = plan_node_modules(nm_target, random.Random(f"{seed}:node_modules"))
    for rel, text in nm_files:
        write_file(out, rel, text, made)
    write_file(out, ".gitignore", GITIGNORE, made)
    # a minimal .git marker: ripgrep and the `ignore` crate only honour .gitignore inside a git repository
    write_file(out, ".git/HEAD", "ref: refs/heads/main\n", made)
    write_file(out, ".git/config", "[core]\n\trepositoryformatversion = 0\n\tbare = false\n", made)
    os.makedirs(os.path.join(out, ".git", "objects"), exist_ok=True)
    os.makedirs(os.path.join(out, ".git", "refs", "heads"), exist_ok=True)

    line_counts.sort()
    dirs = {os.path.dirname(s.path) for s in specs}
    all_dirs = set()
    for d in dirs:
        while d:
            all_dirs.add(d)
            d = os.path.dirname(d)
    vlist = []
    for v in violations:
        spec = v.pop("_spec")
        v["line"] = spec.extra.get("line")
        vlist.append({"rule": v["rule"], "path": v["path"], "line": v["line"], "form": v["form"]})
    vlist.sort(key=lambda v: (v["rule"], v["path"]))
    manifest = {
        "generator": GENERATOR_ID,
        "generator_version": GENERATOR_VERSION,
        "vocabulary": "everyday" if EVERYDAY else "classic",
        "seed": seed,
        "files": n,
        "counts": counts,
        "directories": len(all_dirs),
        "bytes": total_bytes,
        "lines": {"total": sum(line_counts), "median": line_counts[len(line_counts) // 2],
                  "min": line_counts[0], "max": line_counts[-1],
                  "p90": line_counts[int(len(line_counts) * 0.9)]},
        "layout": layout,
        "node_modules_files": len(nm_files),
        "violations": vlist,
        "near_misses": sorted(near, key=lambda x: x["path"]),
        "ignored_decoys": decoys,
        "notes": ["`files` counts the files plumbline should scan; .gitignore, .git/, MANIFEST.json and node_modules/ are extra.",
                  "Every violation entry is expected to produce exactly one finding of its rule in its file.",
                  "near_misses and ignored_decoys must produce no finding."],
    }
    with open(os.path.join(out, "MANIFEST.json"), "w", encoding="utf-8", newline="\n") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    if not quiet:
        dt = time.perf_counter() - t0
        print(f"wrote {n} files ({total_bytes / 1e6:.1f} MB, {len(all_dirs)} dirs, median {manifest['lines']['median']} lines) "
              f"+ {len(nm_files)} ignored node_modules files, {len(vlist)} violations, to {out} in {dt:.1f}s", file=sys.stderr)
    return manifest


def single_ts(path: str, lines: int, seed: int):
    # deterministic: the first variant whose length lands within 2% of `lines`
    best = None
    for k in range(500):
        s = Spec("bench/single.ts", gen_ts_lib, max(20, lines - 15), {"noun": ("project", "projects")})
        text = gen_ts_lib(random.Random(f"{seed}:single:{k}"), s)
        err = abs(text.count("\n") - lines)
        if best is None or err < best[0]:
            best = (err, text)
        if err <= 3:
            break
    text = best[1]
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    print(f"wrote {path} ({text.count(chr(10))} lines)", file=sys.stderr)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", nargs="?", help="directory to create (must be absent or empty)")
    ap.add_argument("--files", type=int, default=20000, help="number of scannable files (default 20000, min 500)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true", help="replace OUT_DIR if it holds a corpus made by this generator")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--single-ts", metavar="FILE", help="write one clean TypeScript file instead of a corpus")
    ap.add_argument("--lines", type=int, default=500, help="approximate length for --single-ts (default 500)")
    ap.add_argument("--vocabulary", choices=VOCABULARIES, default="everyday",
                    help="everyday (default): identifiers include token, secret, key, client, callback, "
                         "log, print and logging calls that mention them; classic: the first version's "
                         "vocabulary, which avoids them")
    a = ap.parse_args(argv)
    use_vocabulary(a.vocabulary)
    if a.single_ts:
        single_ts(a.single_ts, a.lines, a.seed)
        return 0
    if not a.out_dir:
        ap.error("OUT_DIR is required (or --single-ts FILE)")
    if a.files < 500:
        ap.error("--files must be at least 500")
    generate(a.out_dir, a.files, a.seed, a.force, a.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())

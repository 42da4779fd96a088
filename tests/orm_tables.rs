//! `forbidden-table` with `verbs` and path scope, over the ORMs and query
//! builders of TS and Python: Knex's callable form, Kysely, Drizzle,
//! Prisma, SQLAlchemy and Django, with models defined in other modules of
//! a monorepo. Each project is written fresh into a temporary folder.

use std::path::Path;
use std::process::Command;

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `plumbline check --format concise` in `root`: exit code and stdout.
fn check(root: &Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .args([
            "check",
            "--format",
            "concise",
            "--select",
            "web-never-writes-ledger",
        ])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("plumbline runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

const CONFIG: &str = r#"
[[rule]]
id = "web-never-writes-ledger"
kind = "forbidden-table"
message = "the web app must not {verb} `{table}`"
help = "post a ledger command to the billing service"
paths = ["apps/web", "services/web"]
[rule.options]
tables = ["ledger_entries"]
verbs = ["write", "delete"]
"#;

/// The models and instances the apps import, in shared packages.
fn shared(root: &Path) {
    write(root, "plumbline.toml", CONFIG);
    write(
        root,
        "package.json",
        r#"{ "name": "acme", "private": true, "workspaces": ["apps/*", "packages/*"] }"#,
    );
    write(
        root,
        "packages/db/package.json",
        r#"{ "name": "@acme/db", "main": "src/index.ts" }"#,
    );
    write(
        root,
        "packages/db/src/index.ts",
        "export { db } from './knex';\nexport { ledgerEntries, accounts } from './schema';\nexport { prisma } from './prisma';\n",
    );
    write(
        root,
        "packages/db/src/knex.ts",
        "import knex from 'knex';\n\nexport const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });\n",
    );
    write(
        root,
        "packages/db/src/schema.ts",
        "import { pgTable, uuid, integer, text } from 'drizzle-orm/pg-core';\n\n\
         export const ledgerEntries = pgTable('ledger_entries', {\n  id: uuid('id').primaryKey(),\n  amountCents: integer('amount_cents').notNull(),\n});\n\n\
         export const accounts = pgTable('accounts', {\n  id: uuid('id').primaryKey(),\n  name: text('name'),\n});\n",
    );
    write(
        root,
        "packages/db/src/prisma.ts",
        "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n",
    );
    write(
        root,
        "packages/db/prisma/schema.prisma",
        "model LedgerEntry {\n  id          String @id\n  amountCents Int    @map(\"amount_cents\")\n\n  @@map(\"ledger_entries\")\n}\n\nmodel Account {\n  id   String @id\n  name String\n}\n",
    );
    write(root, "services/web/app/__init__.py", "");
    write(
        root,
        "services/web/app/models.py",
        "from sqlalchemy import Column, Integer, MetaData, String, Table\nfrom sqlalchemy.orm import DeclarativeBase\n\n\
         metadata = MetaData()\n\n\
         class Base(DeclarativeBase):\n    pass\n\n\n\
         class LedgerEntry(Base):\n    __tablename__ = \"ledger_entries\"\n\n    id = Column(String, primary_key=True)\n    amount_cents = Column(Integer)\n\n\n\
         class Account(Base):\n    __tablename__ = \"accounts\"\n\n    id = Column(String, primary_key=True)\n\n\n\
         ledger_archive = Table(\"ledger_entries\", metadata, Column(\"id\", String), schema=\"archive\")\n",
    );
    write(
        root,
        "services/web/app/django_models.py",
        "from django.db import models\n\n\nclass Entry(models.Model):\n    amount_cents = models.IntegerField()\n\n    class Meta:\n        db_table = \"ledger_entries\"\n",
    );
}

#[test]
fn writes_and_deletes_through_every_builder_are_flagged_in_the_web_app_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shared(root);
    write(
        root,
        "apps/web/src/refunds.ts",
        "import { db, ledgerEntries, prisma } from '@acme/db';\nimport { eq } from 'drizzle-orm';\nimport { sql } from 'kysely';\n\n\
         export async function refund(kysely: any, id: string, cents: number) {\n\
         \x20 await db('ledger_entries').where({ id }).update({ amount_cents: 0 });\n\
         \x20 await db('ledger_entries').where({ id }).del();\n\
         \x20 await kysely.insertInto('ledger_entries').values({ id, amount_cents: -cents }).execute();\n\
         \x20 await kysely.deleteFrom('ledger_entries').where('id', '=', id).execute();\n\
         \x20 await db.insert(ledgerEntries).values({ id, amountCents: -cents });\n\
         \x20 await db.update(ledgerEntries).set({ amountCents: 0 }).where(eq(ledgerEntries.id, id));\n\
         \x20 await db.delete(ledgerEntries).where(eq(ledgerEntries.id, id));\n\
         \x20 await prisma.ledgerEntry.create({ data: { id, amountCents: -cents } });\n\
         \x20 await prisma.ledgerEntry.deleteMany({ where: { id } });\n\
         \x20 await prisma.$executeRaw`update ledger_entries set amount_cents = 0 where id = ${id}`;\n\
         }\n",
    );
    write(
        root,
        "services/web/app/refunds.py",
        "from sqlalchemy import delete, insert, text, update\n\n\
         from app.django_models import Entry\n\
         from app.models import LedgerEntry, ledger_archive\n\n\n\
         def refund(session, entry_id: str, cents: int) -> None:\n\
         \x20   session.execute(update(LedgerEntry).where(LedgerEntry.id == entry_id).values(amount_cents=0))\n\
         \x20   session.execute(delete(LedgerEntry).where(LedgerEntry.id == entry_id))\n\
         \x20   session.execute(insert(ledger_archive).values(id=entry_id))\n\
         \x20   session.add(LedgerEntry(id=entry_id, amount_cents=-cents))\n\
         \x20   session.execute(text(\"delete from ledger_entries where id = :id\"), {\"id\": entry_id})\n\
         \x20   Entry.objects.filter(id=entry_id).update(amount_cents=0)\n\
         \x20   Entry.objects.create(amount_cents=-cents)\n",
    );
    // The billing service owns the ledger: the same code there is allowed.
    write(
        root,
        "apps/billing/src/refunds.ts",
        "import { db, ledgerEntries } from '@acme/db';\n\nexport const zero = (id: string) => db('ledger_entries').where({ id }).update({ amount_cents: 0 });\nexport const drop = () => db.delete(ledgerEntries);\n",
    );
    let (code, out) = check(root);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!("orm_writes_and_deletes", out);
}

#[test]
fn reads_and_look_alikes_stay_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shared(root);
    write(
        root,
        "apps/web/src/statement.ts",
        "import { accounts, db, ledgerEntries, prisma } from '@acme/db';\nimport { eq } from 'drizzle-orm';\n\n\
         const cache = new Map<string, number>();\n\n\
         export async function statement(kysely: any, accountId: string) {\n\
         \x20 const rows = await db('ledger_entries').where({ account_id: accountId }).select('amount_cents');\n\
         \x20 const viaKysely = await kysely.selectFrom('ledger_entries').selectAll().execute();\n\
         \x20 const viaDrizzle = await db.select().from(ledgerEntries).where(eq(ledgerEntries.id, accountId));\n\
         \x20 const viaPrisma = await prisma.ledgerEntry.findMany({ where: { accountId } });\n\
         \x20 await prisma.account.update({ where: { id: accountId }, data: { name: 'x' } });\n\
         \x20 await db.update(accounts).set({ name: 'x' });\n\
         \x20 cache.delete(accountId);\n\
         \x20 const label = format('ledger_entries');\n\
         \x20 label.update('ledger_entries');\n\
         \x20 return { rows, viaKysely, viaDrizzle, viaPrisma };\n\
         }\n\n\
         function format(s: string) { return { update: (t: string) => t + s }; }\n",
    );
    write(
        root,
        "services/web/app/statement.py",
        "from sqlalchemy import select, text\n\n\
         from app.django_models import Entry\n\
         from app.models import Account, LedgerEntry\n\n\n\
         def statement(session, account_id: str):\n\
         \x20   rows = session.execute(select(LedgerEntry).where(LedgerEntry.id == account_id)).all()\n\
         \x20   legacy = session.query(LedgerEntry).count()\n\
         \x20   session.add(Account(id=account_id))\n\
         \x20   total = session.execute(text(\"select sum(amount_cents) from ledger_entries\")).scalar()\n\
         \x20   recent = Entry.objects.filter(amount_cents__lt=0)\n\
         \x20   return rows, legacy, total, recent\n",
    );
    let (code, out) = check(root);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("0 errors, 0 warnings in 0 files"), "{out}");
}

const COLUMN_CONFIG: &str = r#"
[[rule]]
id = "amounts-are-posted-not-edited"
kind = "forbidden-column-write"
message = "`{column}` is written outside billing"
paths = ["apps", "services"]
[rule.options]
columns = ["amount_cents", "posted_*"]
"#;

fn check_columns(root: &Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .args([
            "check",
            "--format",
            "concise",
            "--select",
            "amounts-are-posted-not-edited",
        ])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("plumbline runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn columns_written_through_every_builder_are_flagged_and_reads_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shared(root);
    write(root, "plumbline.toml", COLUMN_CONFIG);
    write(
        root,
        "apps/web/src/adjust.ts",
        "import { db, ledgerEntries, prisma } from '@acme/db';\nimport { eq } from 'drizzle-orm';\n\n\
         export async function adjust(kysely: any, id: string, cents: number) {\n\
         \x20 await db('ledger_entries').where({ id }).update({ amount_cents: cents });\n\
         \x20 await kysely.updateTable('ledger_entries').set({ posted_at: new Date() }).where('id', '=', id).execute();\n\
         \x20 await db.update(ledgerEntries).set({ amountCents: cents }).where(eq(ledgerEntries.id, id));\n\
         \x20 await prisma.ledgerEntry.update({ where: { id }, data: { amountCents: cents, memo: 'adjusted' } });\n\
         \x20 // Reads and filters are not writes.\n\
         \x20 await db('ledger_entries').where({ amount_cents: 0 }).select('posted_at');\n\
         \x20 await prisma.ledgerEntry.findMany({ where: { amountCents: { lt: 0 } } });\n\
         \x20 const totals = new Map<string, number>();\n\
         \x20 totals.set('amount_cents', cents);\n\
         }\n",
    );
    write(
        root,
        "services/web/app/adjust.py",
        "from sqlalchemy import select, update\n\n\
         from app.django_models import Entry\n\
         from app.models import LedgerEntry\n\n\n\
         def adjust(session, entry_id: str, cents: int) -> None:\n\
         \x20   session.execute(update(LedgerEntry).where(LedgerEntry.id == entry_id).values(amount_cents=cents))\n\
         \x20   Entry.objects.filter(id=entry_id).update(amount_cents=cents)\n\
         \x20   Entry.objects.filter(amount_cents__lt=0).count()\n\
         \x20   session.execute(select(LedgerEntry).where(LedgerEntry.amount_cents == cents))\n",
    );
    let (code, out) = check_columns(root);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!("orm_column_writes", out);
}

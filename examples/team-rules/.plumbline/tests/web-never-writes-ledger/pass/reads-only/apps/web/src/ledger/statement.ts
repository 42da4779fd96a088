import knex from 'knex';

const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });

// Reading the ledger is fine: the statement page shows it.
export async function statement(accountId: string) {
  const rows = await db('ledger_entries').where({ account_id: accountId }).select('amount_cents', 'posted_at');
  const recent = new Map<string, number>();
  recent.delete(accountId);
  return rows;
}

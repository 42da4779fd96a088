import knex from 'knex';

const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });

export async function post(accountId: string, amountCents: number) {
  await db('ledger_entries').insert({ account_id: accountId, amount_cents: amountCents });
}

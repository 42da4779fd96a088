import knex from 'knex';

const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });

export async function voidEntry(id: string) {
  await db('ledger_entries').where({ id }).update({ amount_cents: 0, memo: 'voided' });
}

import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const ledgerEntries = pgTable('ledger_entries', {
  id: uuid('id').primaryKey().defaultRandom(),
  accountId: uuid('account_id').notNull(),
  amountCents: integer('amount_cents').notNull(),
  memo: text('memo'),
  postedAt: timestamp('posted_at').defaultNow(),
});

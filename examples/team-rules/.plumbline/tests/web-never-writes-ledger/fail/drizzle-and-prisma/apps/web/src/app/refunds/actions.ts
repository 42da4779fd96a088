'use server';

import { drizzle } from 'drizzle-orm/node-postgres';
import { eq } from 'drizzle-orm';
import { ledgerEntries, prisma } from '@acme/db';

const db = drizzle(process.env.DATABASE_URL!);

export async function refund(entryId: string) {
  const [entry] = await db.select().from(ledgerEntries).where(eq(ledgerEntries.id, entryId));
  await db.insert(ledgerEntries).values({ accountId: entry.accountId, amountCents: -entry.amountCents });
  await prisma.ledgerEntry.deleteMany({ where: { id: entryId } });
}

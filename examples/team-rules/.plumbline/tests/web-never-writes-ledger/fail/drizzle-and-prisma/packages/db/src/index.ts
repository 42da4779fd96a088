export * from './schema';
export { prisma } from './client';

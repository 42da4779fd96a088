export const config = {
  stripeWebhookSecret: required(process.env.STRIPE_WEBHOOK_SECRET),
  databaseUrl: required(process.env.DATABASE_URL),
};

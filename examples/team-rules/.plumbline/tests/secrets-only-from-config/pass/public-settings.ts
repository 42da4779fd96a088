export const appUrl = process.env.NEXT_PUBLIC_APP_URL;
export const hint = 'Set STRIPE_WEBHOOK_SECRET in packages/config/.env';

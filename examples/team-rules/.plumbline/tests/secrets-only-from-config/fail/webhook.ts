export function verify(body: string, signature: string) {
  return hmac(process.env.STRIPE_WEBHOOK_SECRET!, body) === signature;
}

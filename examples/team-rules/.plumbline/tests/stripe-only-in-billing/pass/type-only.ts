import type { Stripe } from 'stripe';
import { charge } from '@acme/billing';

export function pay(amount: number): Promise<Stripe.Charge> {
  return charge(amount);
}

import { INTERNAL_DOMAIN, LEGACY_HOST } from '@acme/config';

const LEGACY_BASE = `https://${LEGACY_HOST}.${INTERNAL_DOMAIN}/v1`;

export const stockLevel = (sku: string) =>
  fetch(`${LEGACY_BASE}/stock/${encodeURIComponent(sku)}`).then((r) => r.json());

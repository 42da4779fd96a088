export const INTERNAL_DOMAIN = 'acme.internal';
export const LEGACY_HOST = 'orders-api';

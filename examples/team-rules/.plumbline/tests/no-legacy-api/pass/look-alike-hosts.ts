// A partner's domain that happens to contain ours, and a host that only ends like it.
const PARTNER = 'https://legacy-api.acme.internal.partner-cdn.com/assets';
const STAGING = 'https://notlegacy-api.acme.internal/v1';

export const urls = { PARTNER, STAGING };

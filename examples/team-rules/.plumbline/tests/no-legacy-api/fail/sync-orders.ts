export async function syncOrders(since: Date) {
  const res = await fetch(`https://legacy-api.acme.internal/v2/orders?since=${since.toISOString()}`);
  return res.json();
}

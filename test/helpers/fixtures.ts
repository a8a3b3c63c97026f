// Orders and claims set up through the public API, as an integration would.
import type { TestApp } from './app.js'

export interface OrderFixture {
  id: string
  buyer: string
  seller: string
  lineTotal: number
}

let counter = 0

export async function registerOrder(
  t: TestApp,
  opts: { buyer?: string; seller?: string; unitPrice?: number; quantity?: number; deliveredAt?: string | null } = {},
): Promise<OrderFixture> {
  counter += 1
  const id = `ord-${process.pid}-${counter}`
  const buyer = opts.buyer ?? 'buyer-1'
  const seller = opts.seller ?? 'shop-1'
  const unitPrice = opts.unitPrice ?? 250_000
  const quantity = opts.quantity ?? 1
  const res = await t.call(['service', 'marketplace'], {
    method: 'POST',
    url: '/v1/orders',
    payload: {
      id,
      buyer_id: buyer,
      seller_id: seller,
      scheme: 'FBS',
      delivered_at:
        opts.deliveredAt === undefined ? new Date(t.clock.now() - 86_400_000).toISOString() : opts.deliveredAt,
      lines: [{ id: 'l1', sku: 'SKU-KETTLE', title: 'Electric kettle', quantity, unit_price: unitPrice }],
    },
  })
  if (res.statusCode !== 201) throw new Error(`order registration failed: ${res.statusCode} ${res.body}`)
  return { id, buyer, seller, lineTotal: unitPrice * quantity }
}

/** POST /v1/claims as the order's buyer, in JSON (so not a defect claim unless `extra` says so): the raw response. */
export function postClaimJson(
  t: TestApp,
  order: Pick<OrderFixture, 'id' | 'buyer'>,
  extra: Record<string, unknown> = {},
) {
  return t.call(['buyer', order.buyer], {
    method: 'POST',
    url: '/v1/claims',
    payload: {
      order_id: order.id,
      line_id: 'l1',
      // JSON claims carry no photos, so not a defect claim (those need policy defect_photos_min photos).
      reason: 'not_as_described',
      description: 'The kettle leaks from the bottom seam after two uses.',
      requested_resolution: 'refund',
      ...extra,
    },
  })
}

export async function openClaim(t: TestApp, order: OrderFixture, extra: Record<string, unknown> = {}) {
  const res = await postClaimJson(t, order, extra)
  if (res.statusCode !== 201) throw new Error(`claim open failed: ${res.statusCode} ${res.body}`)
  return res.json()
}

export async function act(
  t: TestApp,
  as: [Parameters<TestApp['token']>[0], string],
  claimId: string,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return t.call(as, { method: 'POST', url: `/v1/claims/${claimId}/actions`, payload, headers })
}

/** The seller registers `domains` as official and an arbiter approves each (new domains are pending until then). */
export async function approvedOfficialDomains(t: TestApp, seller: string, domains: string[]): Promise<void> {
  const put = await t.call(['seller', seller], {
    method: 'PUT',
    url: '/v1/sellers/me/official-domains',
    payload: { domains },
  })
  if (put.statusCode !== 200) throw new Error(`official domains refused: ${put.statusCode} ${put.body}`)
  const pending = await t.call(['arbiter', 'arb-domains'], {
    method: 'GET',
    url: `/v1/moderation/official-domains?status=pending&seller_id=${encodeURIComponent(seller)}&limit=200`,
  })
  for (const d of pending.json().items as { id: string }[]) {
    const res = await t.call(['arbiter', 'arb-domains'], {
      method: 'POST',
      url: `/v1/moderation/official-domains/${d.id}/approve`,
      payload: {},
    })
    if (res.statusCode !== 200) throw new Error(`approval failed: ${res.statusCode} ${res.body}`)
  }
}

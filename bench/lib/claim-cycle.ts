// The claim cycle the claim-action benches drive (bench/claims.ts,
// bench/scale-out.ts): claims opened over HTTP, all awaiting_seller, then each
// one moved back and forth between seller request_info (→ awaiting_buyer_info)
// and buyer provide_info (→ awaiting_seller), never two requests in flight for
// one claim.
import { randomUUID } from 'node:crypto'
import { signToken, type PrincipalRole } from '../../src/auth/principal.js'
import { registerBenchOrder } from './claimdesk.js'
import type { HttpClient, KeyPool, Operation } from './http-load.js'

export type ClaimState = 'awaiting_seller' | 'awaiting_buyer_info'
export interface Slot {
  id: string
  order: string
  buyer: string
  seller: string
  state: ClaimState
}

const COMMENT = 'Please send the model number from the label under the base and the order number printed on the box.'
const INFO = 'The label reads KT-1200-P (1.2 l, plastic); the box says order 7731-2210, not the KT-1700-S I ordered.'

/** Where the cycle sends its requests: a client (one server, or several in turn) and the claims it may act on. */
export interface CycleTarget {
  client: Pick<HttpClient, 'request'>
  pool: KeyPool<Slot>
  auth(role: 'buyer' | 'seller', id: string): Record<string, string>
  /** Every 200 this run got from the target (warm-up included). */
  transitions: number
  retired: number
}

export type Bearer = (role: PrincipalRole, id: string) => string

/** Bearer headers signed with `secret`, one token per principal for the whole run. */
export function bearerFor(secret: string): Bearer {
  const tokens = new Map<string, string>()
  return (role, id) => {
    const key = `${role}:${id}`
    let token = tokens.get(key)
    if (!token) {
      token = signToken(secret, { role, id }, 24 * 3600)
      tokens.set(key, token)
    }
    return `Bearer ${token}`
  }
}

export function slugOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { type?: string; detail?: string }
    return (parsed.type ?? '').replace(/^.*\//, '') || (parsed.detail ?? '').slice(0, 60)
  } catch {
    return body.slice(0, 60)
  }
}

/** After a failed request the claim's state is unknown: read it back, or drop the claim. */
async function resync(target: CycleTarget, slot: Slot): Promise<void> {
  try {
    const res = await target.client.request('GET', `/v1/claims/${slot.id}`, undefined, target.auth('buyer', slot.buyer))
    const state = res.status === 200 ? (JSON.parse(res.body) as { state?: string }).state : undefined
    if (state === 'awaiting_seller' || state === 'awaiting_buyer_info') {
      slot.state = state
      target.pool.release(slot)
      return
    }
  } catch {
    // fall through: retire it
  }
  target.retired += 1
  target.pool.retire()
}

export function transition(target: CycleTarget, { idempotency = false } = {}): Operation {
  return async () => {
    const slot = await target.pool.acquire()
    const bySeller = slot.state === 'awaiting_seller'
    const body = bySeller ? { action: 'request_info', comment: COMMENT } : { action: 'provide_info', text: INFO }
    const headers = target.auth(bySeller ? 'seller' : 'buyer', bySeller ? slot.seller : slot.buyer)
    if (idempotency) headers['idempotency-key'] = randomUUID()
    let res
    try {
      res = await target.client.request('POST', `/v1/claims/${slot.id}/actions`, body, headers)
    } catch (err) {
      await resync(target, slot)
      throw err
    }
    if (res.status === 200) {
      slot.state = bySeller ? 'awaiting_buyer_info' : 'awaiting_seller'
      target.transitions += 1
      target.pool.release(slot)
      return { ok: true }
    }
    await resync(target, slot)
    return { ok: false, label: `${res.status} ${slugOf(res.body)}` }
  }
}

export async function seedClaims(client: Pick<HttpClient, 'request'>, count: number, bearer: Bearer): Promise<Slot[]> {
  const slots: Slot[] = []
  const deliveredAt = new Date(Date.now() - 2 * 86_400_000).toISOString()
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      const order = `bench-order-${i}`
      const buyer = `bench-buyer-${i % 500}`
      const seller = `bench-shop-${i % 50}`
      await registerBenchOrder(client, { id: order, buyer, seller, deliveredAt }, bearer('service', 'marketplace'))
      const c = await client.request(
        'POST',
        '/v1/claims',
        {
          order_id: order,
          line_id: 'l1',
          // A reason that needs no photo evidence: the bench sends JSON only.
          reason: 'wrong_item',
          description: 'Ordered the 1.7 l steel kettle, received the 1.2 l plastic one.',
          requested_resolution: 'refund',
        },
        { authorization: bearer('buyer', buyer) },
      )
      if (c.status !== 201) throw new Error(`claim open failed: ${c.status} ${c.body}`)
      const claim = JSON.parse(c.body) as { id: string; state: string }
      if (claim.state !== 'awaiting_seller') throw new Error(`a new claim is ${claim.state}, expected awaiting_seller`)
      slots[i] = { id: claim.id, order, buyer, seller, state: 'awaiting_seller' }
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  return slots
}

// Test data made through the public API, as the marketplace and the parties would make it.
import { randomBytes, randomUUID } from 'node:crypto'
import sharp from 'sharp'
import { signToken, type PrincipalRole } from '../../../src/auth/principal.js'
import { E2E } from './env.js'

export type As = [PrincipalRole, string]

export const tokenFor = ([role, id]: As, expiresInSeconds?: number) =>
  signToken(E2E.jwtSecret, { role, id }, expiresInSeconds)

export async function call<T = any>(
  as: As,
  method: string,
  path: string,
  body?: unknown,
  baseUrl = E2E.baseUrl,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { authorization: `Bearer ${tokenFor(as)}` }
  let payload: BodyInit | undefined
  if (body instanceof FormData) payload = body
  else if (body !== undefined) {
    headers['content-type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload })
  const text = await response.text()
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T }
}

export async function ok<T = any>(
  as: As,
  method: string,
  path: string,
  body?: unknown,
  baseUrl = E2E.baseUrl,
): Promise<T> {
  const result = await call<T>(as, method, path, body, baseUrl)
  if (result.status >= 400) throw new Error(`${method} ${path} → ${result.status} ${JSON.stringify(result.body)}`)
  return result.body
}

/** A JPEG of random noise: no two are alike to the perceptual hash. */
export async function noisePhoto(): Promise<Buffer> {
  return sharp(randomBytes(64 * 48 * 3), { raw: { width: 64, height: 48, channels: 3 } })
    .resize(640, 480, { kernel: 'nearest' })
    .jpeg()
    .toBuffer()
}

export interface Parties {
  buyer: string
  seller: string
}

export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`

/** An order delivered yesterday with one line, and a defect claim on it with photos. */
export async function openDefectClaim(parties: Parties, options: { photos?: Buffer[]; unitPrice?: number } = {}) {
  const orderId = unique('order')
  await ok(['service', 'marketplace'], 'POST', '/v1/orders', {
    id: orderId,
    buyer_id: parties.buyer,
    seller_id: parties.seller,
    scheme: 'FBS',
    delivered_at: new Date(Date.now() - 24 * 3600_000).toISOString(),
    lines: [
      { id: 'l1', sku: 'KETTLE-1', title: 'Electric kettle', quantity: 1, unit_price: options.unitPrice ?? 250_000 },
    ],
  })
  const form = new FormData()
  form.set('order_id', orderId)
  form.set('line_id', 'l1')
  form.set('reason', 'defect')
  form.set('requested_resolution', 'refund')
  form.set('description', 'The kettle leaks from the bottom seam after the second use.')
  for (const photo of options.photos ?? [await noisePhoto()]) {
    form.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg')
  }
  const claim = await ok(['buyer', parties.buyer], 'POST', '/v1/claims', form)
  return { orderId, claim }
}

export async function act(as: As, claimId: string, body: Record<string, unknown>) {
  const current = await ok(as, 'GET', `/v1/claims/${claimId}`)
  return ok(as, 'POST', `/v1/claims/${claimId}/actions`, { ...body, expected_version: current.version })
}

/** A defect claim the seller rejected and the buyer escalated: it waits in the arbiters' queue. */
export async function escalatedClaim(
  parties: Parties = { buyer: unique('buyer'), seller: unique('shop') },
  photos?: Buffer[],
) {
  const { orderId, claim } = await openDefectClaim(parties, photos ? { photos } : {})
  await act(['seller', parties.seller], claim.id, {
    action: 'reject',
    reason_code: 'no_defect_found',
    comment: 'We tested the kettle and it does not leak.',
  })
  await act(['buyer', parties.buyer], claim.id, { action: 'escalate', comment: 'It does leak, see the photos.' })
  return { orderId, claimId: claim.id as string, ...parties }
}

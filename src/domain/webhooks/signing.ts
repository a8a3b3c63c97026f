// Webhook signatures: `Claimdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`
// with the webhook's secret. Receivers recompute it over the raw body and
// refuse stale timestamps (replay protection).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'Claimdesk-Signature'

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`
}

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

export function signatureHeader(secret: string, body: string, nowMs: number = Date.now()): string {
  const t = Math.floor(nowMs / 1000)
  return `t=${t},v1=${signatureOf(secret, t, body)}`
}

/** For receivers (and tests): true when a v1 signature matches and t is within `toleranceSeconds`. */
export function verifySignature(
  header: string | undefined,
  secret: string,
  body: string,
  toleranceSeconds = 300,
  nowMs = Date.now(),
): boolean {
  if (!header) return false
  let t: number | undefined
  const candidates: string[] = []
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2)
    if (k === 't' && v && /^\d+$/.test(v)) t = Number(v)
    else if (k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)) candidates.push(v)
  }
  if (t === undefined || Math.abs(nowMs / 1000 - t) > toleranceSeconds) return false
  const expected = Buffer.from(signatureOf(secret, t, body), 'hex')
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected))
}

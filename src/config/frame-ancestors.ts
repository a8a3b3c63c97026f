// FRAME_ANCESTORS: which marketplace origins may frame the web app (docs/security.md,
// "Framing"). Unset, nobody may: the app's pages answer `frame-ancestors 'none'` and
// `X-Frame-Options: DENY`. Set, only the named origins may, each an https origin (an
// http one only on loopback, in loopback development), so a typo cannot open the
// app to every site.
import { isLoopback } from './loopback.js'

export class FrameAncestorsError extends Error {}

/** The origins FRAME_ANCESTORS names (space- or comma-separated), validated; [] when unset. */
export function parseFrameAncestors(value: string | undefined, exposed: boolean): string[] {
  const entries = (value ?? '').split(/[\s,]+/).filter((entry) => entry !== '')
  return [...new Set(entries.map((entry) => origin(entry, exposed)))]
}

function origin(entry: string, exposed: boolean): string {
  const refuse = (why: string) => new FrameAncestorsError(`FRAME_ANCESTORS: "${entry}" ${why}`)
  let parsed: URL
  try {
    parsed = new URL(entry)
  } catch {
    throw refuse('is not an origin such as https://market.example')
  }
  const bare = parsed.pathname === '/' && !parsed.search && !parsed.hash && !parsed.username && !parsed.password
  if (!bare || !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+\/?$/i.test(entry)) {
    throw refuse('must be an origin alone: scheme, host and port, no path, query or credentials')
  }
  if (parsed.hostname.includes('*')) throw refuse('may not use wildcards: name each origin')
  if (parsed.protocol === 'https:') return parsed.origin
  if (parsed.protocol === 'http:' && !exposed && isLoopback(parsed.hostname)) return parsed.origin
  throw refuse(
    parsed.protocol === 'http:'
      ? 'must use https (http only for a loopback host in loopback development)'
      : 'must use https',
  )
}

/** The framing headers of the app's HTML responses. */
export function framingHeaders(ancestors: readonly string[]): Record<string, string> {
  if (ancestors.length === 0) {
    return { 'content-security-policy': "frame-ancestors 'none'", 'x-frame-options': 'DENY' }
  }
  // X-Frame-Options cannot name origins (ALLOW-FROM is gone from browsers): CSP alone decides.
  return { 'content-security-policy': `frame-ancestors ${ancestors.join(' ')}` }
}

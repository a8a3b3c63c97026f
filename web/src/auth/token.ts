// Reading a JWT's claims in the browser. The signature is the server's business:
// the app only needs who it is (role, subject) and when the token runs out.
export const ROLES = ['buyer', 'seller', 'arbiter'] as const
export type Role = (typeof ROLES)[number]

export interface TokenClaims {
  sub: string
  role: Role
  /** Expiry, ms since the epoch; undefined for a token without `exp`. */
  expiresAt: number | undefined
}

export function readToken(token: string): TokenClaims | null {
  const payload = token.split('.')[1]
  if (!payload) return null
  try {
    const binary = atob(payload.replace(/-/g, '+').replace(/_/g, '/'))
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
    const claims = JSON.parse(json) as { sub?: unknown; role?: unknown; exp?: unknown }
    if (typeof claims.sub !== 'string' || !ROLES.includes(claims.role as Role)) return null
    return {
      sub: claims.sub,
      role: claims.role as Role,
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
    }
  } catch {
    return null
  }
}

// Who is calling: the verified `sub` and `role` of the bearer token.
import { createSigner, createVerifier } from 'fast-jwt'
import { unauthorized } from '../shared/errors.js'

export const ROLES = ['buyer', 'seller', 'arbiter', 'service'] as const
export type PrincipalRole = (typeof ROLES)[number]
export interface Principal {
  id: string
  role: PrincipalRole
}

/** How far a minter's clock may run ahead of ours before its tokens look too long-lived. */
const CLOCK_SKEW_MS = 60_000

/** Longest id a party may have: what the API takes for ids elsewhere. */
export const SUBJECT_MAX = 128

/**
 * A `sub` becomes an id stored in text columns and shown to others: no
 * control characters (a NUL cannot be stored at all) and no lone surrogates.
 */
export function isValidSubject(sub: string): boolean {
  return sub.length <= SUBJECT_MAX && !/[\p{Cc}\p{Cs}]/u.test(sub)
}

/**
 * Verifies HS256 tokens. Every token must expire (`exp`), within
 * `lifetimeMaxMs` (policy token_lifetime_max) of its `iat`, or of now when it
 * has none or its `iat` is in the future: a leaked token is good for a bounded time.
 */
export function createTokenVerifier(secret: string, lifetimeMaxMs: number): (token: string) => Principal {
  const verify = createVerifier({ key: secret, algorithms: ['HS256'], cache: 1000, requiredClaims: ['exp'] })
  return (token) => {
    let claims: { sub?: unknown; role?: unknown; exp?: unknown; iat?: unknown }
    try {
      claims = verify(token)
    } catch (err) {
      if ((err as { code?: string }).code === 'FAST_JWT_MISSING_REQUIRED_CLAIM') {
        throw unauthorized('the token has no expiry (exp); tokens must expire')
      }
      throw unauthorized('the bearer token is invalid or expired')
    }
    const now = Date.now()
    const issuedAt = typeof claims.iat === 'number' ? Math.min(claims.iat * 1000, now) : now
    if (typeof claims.exp !== 'number' || claims.exp * 1000 - issuedAt > lifetimeMaxMs + CLOCK_SKEW_MS) {
      throw unauthorized(
        `the token is valid for longer than ${Math.round(lifetimeMaxMs / 1000)} s (policy token_lifetime_max)`,
      )
    }
    if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw unauthorized('the token has no subject')
    if (!isValidSubject(claims.sub)) throw unauthorized('the token’s subject is not a valid id')
    if (!ROLES.includes(claims.role as PrincipalRole)) throw unauthorized(`unknown role ${JSON.stringify(claims.role)}`)
    return { id: claims.sub, role: claims.role as PrincipalRole }
  }
}

export function signToken(secret: string, principal: Principal, expiresInSeconds = 24 * 3600): string {
  const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: expiresInSeconds * 1000 })
  return sign({ sub: principal.id, role: principal.role })
}

export function principalFromHeader(header: string | undefined, verify: (token: string) => Principal): Principal {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  if (!match?.[1]) throw unauthorized('send Authorization: Bearer <token>')
  return verify(match[1])
}

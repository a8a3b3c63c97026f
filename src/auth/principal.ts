// Who is calling: the verified `sub` and `role` of the bearer token.
import { createSigner, createVerifier } from 'fast-jwt'
import { unauthorized } from '../shared/errors.js'

export const ROLES = ['buyer', 'seller', 'arbiter', 'service'] as const
export type PrincipalRole = (typeof ROLES)[number]
export interface Principal {
  id: string
  role: PrincipalRole
}

export function createTokenVerifier(secret: string): (token: string) => Principal {
  const verify = createVerifier({ key: secret, algorithms: ['HS256'], cache: 1000 })
  return (token) => {
    let claims: { sub?: unknown; role?: unknown }
    try {
      claims = verify(token)
    } catch {
      throw unauthorized('the bearer token is invalid or expired')
    }
    if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw unauthorized('the token has no subject')
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

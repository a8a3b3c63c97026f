// Bearer authentication for the /v1 scope: every request gets a verified principal.
import fp from 'fastify-plugin'
import type { FastifyError, FastifyRequest } from 'fastify'
import { createTokenVerifier, principalFromHeader, type Principal } from '../auth/principal.js'
import type { RateLimits } from './rate-limit.js'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
}

export interface AuthOptions {
  secret: string
  /** Policy token_lifetime_max in ms. */
  tokenLifetimeMax: number
  /** Counts each refused token against its address (rate_limit_auth_failures). */
  limits?: RateLimits
}

export const authPlugin = fp<AuthOptions>(
  async (app, { secret, tokenLifetimeMax, limits }) => {
    const verify = createTokenVerifier(secret, tokenLifetimeMax)
    app.decorateRequest('principal', null)
    // Callback style: a valid token (nearly every request) costs no promise and no extra tick.
    app.addHook('onRequest', (request, reply, done) => {
      try {
        request.principal = principalFromHeader(request.headers.authorization, verify)
      } catch (err) {
        if (!limits) return done(err as FastifyError)
        // A 429 once the address is over its budget, else the 401.
        limits.consume('auth_failures', request, reply).then(() => done(err as FastifyError), done)
        return
      }
      done()
    })
  },
  { name: 'auth' },
)

/** The authenticated caller; routes in the /v1 scope always have one. */
export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route registered outside the authenticated scope')
  return request.principal
}

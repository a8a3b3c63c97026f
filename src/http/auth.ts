// Bearer authentication for the /v1 scope: every request gets a verified principal.
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { createTokenVerifier, principalFromHeader, type Principal } from '../auth/principal.js'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
}

export const authPlugin = fp<{ secret: string; tokenLifetimeMax: number }>(
  async (app, { secret, tokenLifetimeMax }) => {
    const verify = createTokenVerifier(secret, tokenLifetimeMax)
    app.decorateRequest('principal', null)
    app.addHook('onRequest', async (request) => {
      request.principal = principalFromHeader(request.headers.authorization, verify)
    })
  },
  { name: 'auth' },
)

/** The authenticated caller; routes in the /v1 scope always have one. */
export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route registered outside the authenticated scope')
  return request.principal
}

// Development only: a signed token for any party, for the web app's sign-in page and demos.
// app.ts registers it only when the deployment is not exposed (NODE_ENV=production or a
// non-loopback HOST, docs/security.md); in production the marketplace
// signs its users in and hands them over with /#token=<jwt> (docs/web-app.md).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { signToken } from '../auth/principal.js'
import { DomainError } from '../shared/errors.js'
import { DevTokenRequest, DevTokenResponse } from '../schemas/dev.js'
import { problems, success } from '../schemas/responses.js'

export const devTokenRoutes: FastifyPluginAsyncTypebox<{ secret: string; lifetimeMaxMs: number }> = async (
  app,
  { secret, lifetimeMaxMs },
) => {
  app.post(
    '/v1/dev/tokens',
    {
      schema: {
        operationId: 'signDevToken',
        tags: ['development'],
        summary: 'Sign a token for a buyer, seller or arbiter (development only; absent in production)',
        security: [],
        body: DevTokenRequest,
        response: {
          201: success(DevTokenResponse, 'A signed token for the party'),
          ...problems({ 422: ['validation-failed'] }, { body: true }),
        },
      },
    },
    async (request, reply) => {
      const { role, sub } = request.body
      const longest = Math.floor(lifetimeMaxMs / 1000)
      const expiresIn = request.body.expires_in ?? Math.min(8 * 3600, longest)
      // The API refuses tokens valid for longer than the policy allows; never sign one.
      if (expiresIn > longest) {
        throw new DomainError({
          status: 422,
          slug: 'validation-failed',
          title: 'Validation failed',
          detail: `expires_in may be at most ${longest} s (policy token_lifetime_max)`,
          extensions: { field: 'expires_in' },
        })
      }
      const token = signToken(secret, { role, id: sub }, expiresIn)
      // Token expiry runs on the wall clock (fast-jwt), whatever clock the app is given.
      return reply
        .code(201)
        .send({ token, role, sub, expires_at: new Date(Date.now() + expiresIn * 1000).toISOString() })
    },
  )
}

// Escalated claims made through the API on the test clock, and a small app
// that mounts the arbiter routes the way src/app.ts is to mount them.
import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Test } from 'tap'
import { authPlugin } from '../../../src/http/auth.js'
import { registerProblemHandlers } from '../../../src/http/problem.js'
import { validatorCompiler } from '../../../src/http/validation.js'
import { arbiterRoutes } from '../../../src/routes/arbiter.js'
import { ClaimsService } from '../../../src/services/claims.service.js'
import type { TestApp } from '../../helpers/app.js'
import { act, openClaim, registerOrder } from '../../helpers/fixtures.js'

export const HOUR = 3600_000

/** A claim escalated by its buyer after the seller's deadline passed; the clock moves past it. */
export async function escalatedClaim(app: TestApp, opts: { unitPrice?: number } = {}): Promise<string> {
  const order = await registerOrder(app, { buyer: `buyer-${Math.random().toString(36).slice(2, 8)}`, ...opts })
  const claim = await openClaim(app, order)
  app.clock.advance(app.config.policy.seller_response + 1)
  const res = await act(app, ['buyer', order.buyer], claim.id, { action: 'escalate' })
  if (res.statusCode !== 200 || res.json().state !== 'escalated') throw new Error(`escalate failed: ${res.statusCode} ${res.body}`)
  return claim.id as string
}

export function claimsService(app: TestApp): ClaimsService {
  return new ClaimsService({ db: app.db, policy: app.config.policy, clock: app.clock, pseudonymSecret: app.config.pseudonymSecret })
}

export async function arbiterApp(t: Test, app: TestApp): Promise<FastifyInstance> {
  const server = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>()
  server.setValidatorCompiler(validatorCompiler)
  registerProblemHandlers(server)
  await server.register(async (api) => {
    await api.register(authPlugin, { secret: app.config.jwtSecret })
    await api.register(arbiterRoutes, { claims: claimsService(app) })
  })
  await server.ready()
  t.teardown(() => server.close())
  return server
}

// The arbiters' desk: their queue of escalated claims, and (separately
// registered) the BullMQ dashboard for operating the deadline queues.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { createTokenVerifier } from '../auth/principal.js'
import { principal } from '../http/auth.js'
import { sendProblem } from '../http/problem.js'
import type { RateLimits } from '../http/rate-limit.js'
import { DomainError } from '../shared/errors.js'
import { apiConnection, queuePrefixFor, type RedisTarget } from '../jobs/connection.js'
import { closeQueues, createQueues } from '../jobs/queues.js'
import { ArbiterQueueQuery } from '../schemas/arbiter.js'
import { ArbiterClaim } from '../schemas/claims.js'
import { Page, ref } from '../schemas/common.js'
import { problems, sendView, success } from '../schemas/responses.js'
import type { ArbiterQueueService } from '../domain/claims/arbiter-queue.service.js'
import { BoundedFastifyAdapter } from './dashboard-adapter.js'

/** Register inside the authenticated /v1 scope. */
export const arbiterRoutes: FastifyPluginAsyncTypebox<{ arbiterQueue: ArbiterQueueService }> = async (
  app,
  { arbiterQueue },
) => {
  app.get(
    '/v1/arbiter/queue',
    {
      schema: {
        operationId: 'getArbiterQueue',
        tags: ['arbiter'],
        summary: 'Escalated claims for arbiters: overdue first, then priority, then due time',
        description: 'Arbiters only (others get 403). Take a claim with POST /v1/claims/:id/actions {"action":"take"}.',
        querystring: ArbiterQueueQuery,
        response: {
          200: success(Page(ref(ArbiterClaim)), 'A page of the queue'),
          ...problems({ 403: ['action-forbidden'], 422: ['validation-failed'] }),
        },
      },
    },
    async (request, reply) => {
      const page = await arbiterQueue.page(principal(request), request.query)
      return sendView(reply, page)
    },
  )
}

export interface QueueDashboardOptions {
  /** Where Redis is (one server or a cluster): the dashboard opens its own API connection. */
  redis: RedisTarget
  jwtSecret: string
  /** Policy token_lifetime_max in ms. */
  tokenLifetimeMax: number
  /** Counts each refused token against its address (rate_limit_auth_failures). */
  limits?: RateLimits
  /** BullMQ key prefix (the workers' one); `prefix` is fastify's route prefix. */
  queuePrefix?: string
  /** Where it is mounted: register the plugin with `prefix` set to the same path. */
  basePath?: string
  /** Bound on each dashboard API call; past it (Redis hanging) the answer is a 503 problem. Default 5 s. */
  redisTimeoutMs?: number
}

/**
 * bull-board at /admin/queues, outside /v1 (a browser cannot send a bearer
 * header): HTTP Basic with any user name and an arbiter's JWT as the password
 * (`npm run token arbiter <id>`), or `Authorization: Bearer <arbiter JWT>`.
 * Register it encapsulated (not through fastify-plugin) so its hook stays here.
 * While Redis is down its API answers 503 problem+json at once (a connection
 * without offline queue) or after `redisTimeoutMs` (a Redis that hangs).
 */
export const queueDashboard: FastifyPluginAsync<QueueDashboardOptions> = async (app, opts) => {
  const verify = createTokenVerifier(opts.jwtSecret, opts.tokenLifetimeMax)
  const basePath = opts.basePath ?? '/admin/queues'
  const connection = apiConnection(opts.redis)
  const queues = createQueues(connection, opts.queuePrefix ?? queuePrefixFor(opts.redis))
  const serverAdapter = new BoundedFastifyAdapter(opts.redisTimeoutMs ?? 5_000)
  serverAdapter.setBasePath(basePath)
  createBullBoard({ queues: Object.values(queues).map((q) => new BullMQAdapter(q)), serverAdapter })

  app.addHook('onRequest', async (request, reply) => dashboardGate(request, reply, verify, opts.limits))
  app.addHook('onClose', async () => {
    await closeQueues(queues)
    connection.disconnect()
  })
  await app.register(serverAdapter.registerPlugin())
}

async function dashboardGate(
  request: FastifyRequest,
  reply: FastifyReply,
  verify: ReturnType<typeof createTokenVerifier>,
  limits: RateLimits | undefined,
) {
  const token = tokenOf(request.headers.authorization)
  let role: string | undefined
  try {
    role = token ? verify(token).role : undefined
  } catch {
    role = undefined
  }
  if (role === 'arbiter') return
  if (!role) {
    // Answered here: errors thrown from this hook would meet bull-board's own error handler.
    const limited = await limits?.consume('auth_failures', request, reply).then(
      () => undefined,
      (err: unknown) => err,
    )
    if (limited instanceof DomainError) return sendProblem(request, reply, limited)
    if (limited) throw limited
    reply.header('www-authenticate', 'Basic realm="claimdesk queues", charset="UTF-8"')
    return sendProblem(request, reply, {
      status: 401,
      slug: 'unauthorized',
      title: 'Authentication required',
      detail: 'use an arbiter token as the Basic password',
    })
  }
  return sendProblem(request, reply, {
    status: 403,
    slug: 'action-forbidden',
    title: 'Action not permitted',
    detail: 'the queue dashboard is for arbiters',
  })
}

function tokenOf(header: string | undefined): string | undefined {
  const match = /^(Basic|Bearer)\s+(\S+)$/i.exec(header ?? '')
  if (!match?.[2]) return undefined
  if (match[1]?.toLowerCase() === 'bearer') return match[2]
  const decoded = Buffer.from(match[2], 'base64').toString('utf8')
  return decoded.slice(decoded.indexOf(':') + 1) || undefined
}

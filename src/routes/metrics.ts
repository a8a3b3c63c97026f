// GET /metrics in the Prometheus text format. Scrape-time collections (claims
// by state, BullMQ queue depths) are bounded by a timeout each; one that fails
// leaves its previous values and counts a scrape error, and the rest of the
// scrape still answers. While Redis is down the scrape is still a 200, with
// what Postgres knows and claimdesk_redis_up at 0: a scrape that failed whole
// would lose the claims and HTTP metrics just when they matter.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import { Queue } from 'bullmq'
import { queuePrefixFor, type RedisClient } from '../jobs/connection.js'
import { countClaimsByState } from '../domain/claims/claims.repository.js'
import type { Db } from '../db/database.js'
import { claimsByState, metricsRegistry, queueJobs, redisUp, scrapeErrors } from '../http/metrics.js'
import { sendProblem } from '../http/problem.js'
import type { RateLimits } from '../http/rate-limit.js'
import { withTimeout } from '../shared/timeout.js'

export interface MetricsRouteOptions {
  db: Db
  /** Queue depths are read through this connection; without it there are none. */
  redis?: RedisClient
  /** BullMQ key prefix (not `prefix`: fastify takes that as a route prefix). */
  queuePrefix?: string
  /** The queues to report. */
  queues?: readonly string[]
  /** Per-collection timeout (default 2 s). */
  timeoutMs?: number
  /** When set (METRICS_TOKEN; required once exposed), scrapes must send `Authorization: Bearer <token>`. */
  token?: string | undefined
  /** Counts each refused scrape against its address (rate_limit_auth_failures). */
  limits?: RateLimits
}

const digest = (value: string) => createHash('sha256').update(value).digest()

/** Compares in constant time (over digests, so the length does not show either). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1]
  return given !== undefined && timingSafeEqual(digest(given), digest(token))
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const
/** Counting claims by state scans the table (an index-only scan at best): at most once per this interval. */
const CLAIMS_MIN_INTERVAL_MS = 5_000

export const metricsRoutes: FastifyPluginAsync<MetricsRouteOptions> = async (app, opts) => {
  const timeoutMs = opts.timeoutMs ?? 2_000
  const queues = opts.redis
    ? (opts.queues ?? ['deadlines', 'maintenance', 'webhooks']).map((name) => {
        const q = new Queue(name, { connection: opts.redis!, prefix: opts.queuePrefix ?? queuePrefixFor(opts.redis!) })
        q.on('error', () => {})
        return q
      })
    : []
  app.addHook('onClose', async () => {
    await Promise.all(queues.map((q) => q.close()))
  })

  let claimsAt = 0
  const collectClaims = async () => {
    if (Date.now() - claimsAt < CLAIMS_MIN_INTERVAL_MS) return
    const rows = await countClaimsByState(opts.db, timeoutMs)
    claimsByState.reset()
    for (const r of rows) claimsByState.set({ state: r.state }, r.n)
    claimsAt = Date.now()
  }

  const collectQueue = async (q: Queue) => {
    const counts = await withTimeout(q.getJobCounts(...JOB_STATES), timeoutMs, `queue ${q.name} depths`)
    for (const state of JOB_STATES) queueJobs.set({ queue: q.name, state }, counts[state] ?? 0)
  }
  /** True when the depths were read; a failure counts a scrape error. */
  const readQueue = (q: Queue): Promise<boolean> =>
    collectQueue(q).then(
      () => true,
      () => {
        scrapeErrors.inc({ source: `queue_${q.name}` })
        return false
      },
    )

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (opts.token && !bearerMatches(request.headers.authorization, opts.token)) {
      await opts.limits?.consume('auth_failures', request, reply)
      reply.header('www-authenticate', 'Bearer realm="claimdesk metrics"')
      return sendProblem(request, reply, {
        status: 401,
        slug: 'unauthorized',
        title: 'Authentication required',
        detail: 'send the metrics token (METRICS_TOKEN) as Authorization: Bearer <token>',
      })
    }
    const [, queuesRead] = await Promise.all([
      collectClaims().catch(() => scrapeErrors.inc({ source: 'claims' })),
      Promise.all(queues.map(readQueue)),
    ])
    if (queues.length > 0) redisUp.set(queuesRead.every(Boolean) ? 1 : 0)
    return reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics())
  })
}

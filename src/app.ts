// Builds the Fastify instance: external plugins, then services, then routes.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { RedisClient } from './jobs/connection.js'
import type { Config } from './config/config.js'
import type { Db } from './db/database.js'
import type { ReadDb } from './db/read-routing.js'
import { createTokenVerifier, principalFromHeader } from './auth/principal.js'
import { authPlugin } from './http/auth.js'
import { idempotencyPlugin } from './http/idempotency.js'
import { registerInputSafety } from './http/input-safety.js'
import { createRateLimits } from './http/rate-limit.js'
import { httpMetricsPlugin } from './http/metrics.js'
import { multipartPlugin } from './http/multipart.js'
import { UploadSlots } from './http/upload-guard.js'
import { registerProblemHandlers } from './http/problem.js'
import { validatorCompiler } from './http/validation.js'
import { openapiOptions, SHARED_SCHEMAS } from './http/openapi.js'
import { arbiterRoutes, queueDashboard } from './routes/arbiter.js'
import { chatRoutes } from './routes/chat.js'
import { claimRoutes } from './routes/claims.js'
import { eventRoutes } from './routes/events.js'
import { metricsRoutes } from './routes/metrics.js'
import { webhookRoutes } from './routes/webhooks.js'
import { healthRoutes } from './routes/health.js'
import { moderationRoutes } from './routes/moderation.js'
import { officialDomainRoutes } from './routes/official-domains.js'
import { orderRoutes } from './routes/orders.js'
import { sellerRoutes } from './routes/sellers.js'
import { violationRoutes } from './routes/violations.js'
import { photoRoutes } from './routes/photos.js'
import { devTokenRoutes } from './routes/dev-tokens.js'
import { webAppPlugin } from './http/web-app.js'
import { createStorage, type PhotoStorage } from './domain/photos/pipeline/index.js'
import { systemClock, type Clock } from './shared/clock.js'
import { createServices } from './composition.js'

/** Where the rate limits' counters live in Redis, beside BullMQ's `claimdesk:` keys. */
export const DEFAULT_RATE_LIMIT_PREFIX = 'claimdesk-rate:'

export interface AppDeps {
  config: Config
  db: Db
  /** The heavy reads' router (src/db/read-routing.ts); all reads on `db` when omitted. */
  readDb?: ReadDb
  /** The API's own Redis client (apiConnection): readiness, queue depths. */
  redis: RedisClient
  clock?: Clock
  /** Photo storage; by default the one config.storage describes. */
  storage?: PhotoStorage
  /** The request logger; by default pino at config.logLevel on stdout (tests read what is logged). */
  logger?: FastifyBaseLogger
  /** Redis key prefix of the rate limits' counters; API instances sharing budgets share it. */
  rateLimitPrefix?: string
  /** Plugins registered before any route, so their hooks see every route (the test app's response checks). */
  plugins?: FastifyPluginAsync[]
  /** Socket timeouts in ms (tests shorten them). */
  http?: { connectionTimeout?: number; requestTimeout?: number }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db, redis } = deps
  const clock = deps.clock ?? systemClock
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: { level: config.logLevel } }),
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID()
    },
    requestIdHeader: false,
    // A client that stops sending (a stalled upload, a never-finished multipart
    // body) is cut off after this much silence; its handler then ends.
    connectionTimeout: deps.http?.connectionTimeout ?? 30_000,
    // The whole request, body included: room for ten 10 MB photos on a slow uplink.
    requestTimeout: deps.http?.requestTimeout ?? 120_000,
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id)
    done(null, payload)
  })
  registerProblemHandlers(app)
  registerInputSafety(app)
  for (const plugin of deps.plugins ?? []) await app.register(plugin)
  // Before every route: child scopes copy hooks when they are created.
  await app.register(httpMetricsPlugin)
  const limits = createRateLimits({
    redis,
    policy: config.policy,
    prefix: deps.rateLimitPrefix ?? DEFAULT_RATE_LIMIT_PREFIX,
  })

  // Text bodies are refused like any other unsupported type (415), not parsed into a string the schema then refuses.
  app.removeContentTypeParser('text/plain')
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)
  await app.register(swagger, openapiOptions)
  // DOCS_PUBLIC=false: the document and its UI ask for a valid token of any role.
  const verifyToken = createTokenVerifier(config.jwtSecret, config.policy.token_lifetime_max)
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiHooks: config.docsPublic
      ? {}
      : {
          onRequest: async (request, reply) => {
            try {
              principalFromHeader(request.headers.authorization, verifyToken)
            } catch (err) {
              await limits.consume('auth_failures', request, reply)
              throw err
            }
          },
        },
  })
  await app.register(healthRoutes, { db, redis })
  await app.register(metricsRoutes, {
    db,
    redis,
    queues: ['deadlines', 'maintenance', 'webhooks'],
    token: config.metricsToken,
    limits,
  })

  const storage = deps.storage ?? createStorage(config.storage)
  app.addHook('onClose', async () => storage.close?.())
  const services = createServices({
    config,
    db,
    ...(deps.readDb ? { readDb: deps.readDb } : {}),
    clock,
    storage,
    log: app.log,
  })
  app.decorate('services', services)
  app.decorate('uploadSlots', new UploadSlots(config.policy.photo_uploads_per_party))

  // The queue dashboard sits outside /v1: browsers cannot send bearer headers,
  // so it takes an arbiter token as a Basic password too.
  await app.register(queueDashboard, {
    prefix: '/admin/queues',
    redis: config,
    jwtSecret: config.jwtSecret,
    tokenLifetimeMax: config.policy.token_lifetime_max,
    limits,
  })

  // Loopback development only: never registered once exposed (production, or a non-loopback HOST).
  if (!config.exposed && config.env !== 'production')
    await app.register(devTokenRoutes, {
      secret: config.jwtSecret,
      lifetimeMaxMs: config.policy.token_lifetime_max,
    })
  // The web app at `/` and its client routes; every other path keeps its own routes and 404s.
  await app.register(webAppPlugin, { root: config.webDistDir, frameAncestors: config.frameAncestors })

  // Everything under /v1 is authenticated and idempotent on writes.
  await app.register(async (api) => {
    await api.register(authPlugin, {
      secret: config.jwtSecret,
      tokenLifetimeMax: config.policy.token_lifetime_max,
      limits,
    })
    // After authentication (the party is known), before idempotency and any body is read.
    api.addHook('onRequest', limits.countWrites)
    await api.register(idempotencyPlugin, { db })
    await api.register(orderRoutes, { orders: services.orders, orderList: services.orderList })
    // multipart/form-data (photos) only where routes take it, each scope with its own photo cap;
    // the per-party uploads in flight are counted across all of them.
    const slots = app.uploadSlots
    const withUploads = (photosMax: number, routes: (scope: FastifyInstance) => PromiseLike<unknown>) =>
      api.register(async (scope) => {
        await scope.register(multipartPlugin, {
          photosMax,
          photoBytesMax: config.policy.photo_bytes_max,
          minRate: config.policy.upload_min_rate,
          slots,
        })
        await routes(scope)
      })
    await withUploads(config.policy.photos_per_claim_max, (scope) =>
      scope.register(claimRoutes, {
        claims: services.claims,
        openClaim: services.openClaim,
        claimActions: services.claimActions,
        limits,
      }),
    )
    await api.register(photoRoutes, { photos: services.photos })
    await api.register(arbiterRoutes, { arbiterQueue: services.arbiterQueue })
    await withUploads(config.policy.photos_per_message_max, (scope) =>
      scope.register(chatRoutes, { chat: services.chat }),
    )
    await api.register(moderationRoutes, { chat: services.chat, violations: services.violations })
    await api.register(violationRoutes, { violations: services.violations })
    await api.register(officialDomainRoutes, { officialDomains: services.officialDomains })
    await api.register(eventRoutes, { feed: services.feed })
    await api.register(webhookRoutes, { webhooks: services.webhooks })
    await api.register(sellerRoutes, { stats: services.stats })
  })
  return app
}

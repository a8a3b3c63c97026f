// Builds the real app against this file's own database and the local Redis.
import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { Redis } from 'ioredis'
import { buildApp, type AppDeps } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config/config.js'
import { RATE_LIMIT_KEYS, resolvePolicy, type PolicyFile } from '../../src/config/policy.js'
import { signToken, type PrincipalRole } from '../../src/auth/principal.js'
import type { Db } from '../../src/db/database.js'
import type { ReadDb } from '../../src/db/read-routing.js'
import type { Services } from '../../src/composition.js'
import { createTestDatabase } from './database.js'
import { responseContract } from './response-contract.js'

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A clock the test moves by hand. */
export class TestClock {
  constructor(public current = Date.parse('2026-11-01T10:00:00Z')) {}
  now = (): number => this.current
  advance(ms: number): void {
    this.current += ms
  }
}

/**
 * Tests make many requests from one address and party: their budgets are
 * generous unless a test names a limit (test/http/rate-limits.test.ts uses
 * the production defaults). The defaults in src/config/policy.ts are real limits.
 */
export const GENEROUS_RATE_LIMITS: PolicyFile = Object.fromEntries(
  RATE_LIMIT_KEYS.map((key) => [key, { max: 1_000_000, window: 'PT1M' }]),
)

export interface TestApp {
  app: FastifyInstance
  db: Db
  config: Config
  clock: TestClock
  redis: Redis
  databaseUrl: string
  /** The services the app's routes use (the composition root's). */
  services: Services
  token(role: PrincipalRole, sub: string): string
  /** inject() with a bearer token for `as`, JSON body, and the parsed JSON back. */
  call(
    as: [PrincipalRole, string] | null,
    options: InjectOptions,
  ): Promise<LightMyRequestResponse & { body: string; json: <T = any>() => T }>
}

export interface TestAppOptions {
  /** Photo storage directory (STORAGE_DIR); by default the process's STORAGE_DIR or the config default. */
  storageDir?: string
  /** Socket timeouts, for tests of stalled uploads. */
  http?: AppDeps['http']
  /** Rate-limit counters' Redis prefix; by default one of this app's own, so no other test shares its budgets. */
  rateLimitPrefix?: string
  /** The app's logger (to read what it logs); silent by default. */
  logger?: AppDeps['logger']
  /** Settings beyond policy, e.g. webhookAllowPrivate for loopback receivers. */
  config?: Partial<Omit<Config, 'policy'>>
  /** A database of the test's own (a private primary) instead of a fresh one on the shared server. */
  database?: { url: string; db: Db }
  /** The heavy reads' router (a read replica); all reads on the primary when omitted. */
  readDb?: ReadDb
}

export async function buildTestApp(t: Test, policy: PolicyFile = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database
    ? { ...options.database, drop: async () => options.database?.db.destroy() }
    : await createTestDatabase()
  const storageDir = options.storageDir ?? process.env.STORAGE_DIR
  const config: Config = {
    ...loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      REDIS_URL,
      ...(storageDir ? { STORAGE_DIR: storageDir } : {}),
    }),
    ...options.config,
    policy: resolvePolicy({ ...GENEROUS_RATE_LIMITS, ...policy }),
  }
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: false })
  const clock = new TestClock()
  // Every response is checked against the OpenAPI document's schema for its route and status.
  const contract = responseContract((message) => t.fail(`response contract: ${message}`))
  const app = await buildApp({
    config,
    db: database.db,
    redis,
    clock,
    plugins: [contract],
    rateLimitPrefix: options.rateLimitPrefix ?? `cdt-rate-${randomUUID()}:`,
    ...(options.http ? { http: options.http } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.readDb ? { readDb: options.readDb } : {}),
  })
  await app.ready()
  t.teardown(async () => {
    await app.close()
    redis.disconnect()
    await database.drop()
  })
  const token = (role: PrincipalRole, sub: string) => signToken(config.jwtSecret, { role, id: sub })
  return {
    app,
    db: database.db,
    config,
    clock,
    redis,
    databaseUrl: database.url,
    services: app.services,
    token,
    async call(as, options) {
      const headers = { ...(options.headers ?? {}) } as Record<string, string>
      if (as) headers.authorization = `Bearer ${token(as[0], as[1])}`
      return app.inject({ ...options, headers }) as never
    },
  }
}

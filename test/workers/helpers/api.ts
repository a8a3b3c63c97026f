// The API built on the harness's private Redis and database, wired the way
// `start api` wires it, so a test can stop that Redis under a running API.
import type { Test } from 'tap'
import { Redis } from 'ioredis'
import { buildApp } from '../../../src/app.js'
import type { TestApp } from '../../helpers/app.js'
import type { Harness } from './harness.js'

export async function apiOnPrivateRedis(t: Test, h: Harness): Promise<TestApp> {
  // As in src/cli/start.ts: no offline queue, so commands fail fast while Redis is down.
  const redis = new Redis(h.redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
  redis.on('error', () => {})
  // Without an offline queue, commands sent before the first connect would fail.
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve))
  const app = await buildApp({ config: h.config, db: h.app.db, redis, clock: h.app.clock })
  await app.ready()
  t.teardown(async () => {
    await app.close()
    redis.disconnect()
  })
  const token = h.app.token
  return {
    ...h.app,
    app,
    redis,
    config: h.config,
    async call(as, options) {
      const headers = { ...(options.headers ?? {}) } as Record<string, string>
      if (as) headers.authorization = `Bearer ${token(as[0], as[1])}`
      return app.inject({ ...options, headers }) as never
    },
  }
}

import type { FastifyPluginAsync } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import type { Redis } from 'ioredis'

export const healthRoutes: FastifyPluginAsync<{ db: Db; redis: Redis }> = async (app, { db, redis }) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const [postgres, queue] = await Promise.all([
      sql`select 1`.execute(db).then(() => 'ok', () => 'down'),
      withTimeout(redis.ping(), 1000).then(() => 'ok', () => 'down'),
    ])
    const ready = postgres === 'ok' && queue === 'ok'
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', postgres, redis: queue })
  })
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())])
}

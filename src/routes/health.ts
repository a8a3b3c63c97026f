import type { FastifyPluginAsync } from 'fastify'
import { pingDatabase, type Db } from '../db/database.js'
import { pingRedis, type RedisClient } from '../jobs/connection.js'
import { sendProblem, SERVICE_UNAVAILABLE } from '../http/problem.js'
import { withTimeout } from '../shared/timeout.js'

/** A Redis that is down fails at once; one that hangs must not hold the probe. */
const REDIS_PING_TIMEOUT_MS = 1_000

export const healthRoutes: FastifyPluginAsync<{ db: Db; redis: RedisClient }> = async (app, { db, redis }) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const [postgres, queue] = await Promise.all([
      pingDatabase(db).then(
        () => 'ok',
        () => 'down',
      ),
      withTimeout(pingRedis(redis), REDIS_PING_TIMEOUT_MS, 'redis ping').then(
        () => 'ok',
        () => 'down',
      ),
    ])
    if (postgres === 'ok' && queue === 'ok') return reply.send({ status: 'ready', postgres, redis: queue })
    // Not ready is the same 503 problem the other routes answer, with each dependency's state.
    const down = [postgres === 'down' && 'postgres', queue === 'down' && 'redis'].filter(Boolean).join(' and ')
    return sendProblem(request, reply, {
      ...SERVICE_UNAVAILABLE,
      detail: `not ready: ${down} unreachable`,
      extensions: { postgres, redis: queue },
    })
  })
}

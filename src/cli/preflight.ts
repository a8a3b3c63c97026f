// Start-up checks: reach Postgres and Redis within seconds, or say in one line
// which URL failed and how to start that server.
import { connect, pingRedis, type RedisTarget } from '../jobs/connection.js'
import { withTimeout } from '../shared/timeout.js'
import { ensureDatabase } from '../db/database.js'

export class PreflightError extends Error {}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@')

export async function checkPostgres(url: string): Promise<void> {
  try {
    await ensureDatabase(url)
  } catch (err) {
    const reason = (err as Error).message || (err as { code?: string }).code || 'unreachable'
    throw new PreflightError(
      `cannot reach PostgreSQL at ${redact(url)} (${reason}); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start  (or: docker compose up -d postgres)`,
    )
  }
}

export async function checkRedis(target: RedisTarget): Promise<void> {
  const where = target.redisCluster
    ? `the Redis Cluster seeds ${target.redisCluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`
    : redact(target.redisUrl)
  const hint = target.redisCluster
    ? 'check REDIS_CLUSTER_NODES and that every master is up (redis-cli --cluster check <seed>)'
    : 'start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379  (or: docker compose up -d redis)'
  const redis = connect(target, 'producer')
  let cause = ''
  redis.removeAllListeners('error')
  redis.on('error', (err: Error) => {
    cause ||= err.message
  })
  try {
    await withTimeout(pingRedis(redis), 5_000, 'redis ping')
  } catch (err) {
    throw new PreflightError(`cannot reach Redis at ${where} (${cause || (err as Error).message}); ${hint}`)
  } finally {
    redis.disconnect()
  }
}

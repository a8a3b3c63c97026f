// Start-up checks: reach Postgres and Redis within seconds, or say in one line
// which URL failed and how to start that server.
import { Redis } from 'ioredis'
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

export async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  let cause = ''
  redis.on('error', (err: Error) => {
    cause ||= err.message
  })
  try {
    await redis.connect()
    await redis.ping()
  } catch (err) {
    throw new PreflightError(
      `cannot reach Redis at ${redact(url)} (${cause || (err as Error).message}); start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379  (or: docker compose up -d redis)`,
    )
  } finally {
    redis.disconnect()
  }
}

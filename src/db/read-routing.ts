// Where the heavy reads go (docs/deployment.md): to a streaming replica when
// DATABASE_READ_URL names one, else to the primary. A replica that is down,
// refuses connections, cancels a query for a recovery conflict, or lags more
// than maxLagMs is skipped: the read runs on the primary and a warning is
// logged, so a dead replica costs load, never errors. Reads that must see the
// caller's own last write never come here; they use the primary Db directly.
import { sql } from 'kysely'
import type { Db } from './database.js'
import { isUnavailable } from '../http/problem.js'
import { silentLogger, type Logger } from '../shared/logger.js'
import { readReplicaFallbacks, readReplicaUp } from '../http/metrics.js'

export interface ReadDb {
  /** Runs a read on the replica while it is usable, on the primary otherwise. */
  run<T>(read: (db: Db) => Promise<T>): Promise<T>
  /** Where the next read would go (tests, logs). */
  readonly target: 'replica' | 'primary'
  /** The primary itself (compiling queries, reads that must see the latest write). */
  readonly primary: Db
  close(): Promise<void>
}

/** No replica: every read on the primary. */
export function primaryReads(primary: Db): ReadDb {
  return { run: (read) => read(primary), target: 'primary', primary, close: async () => {} }
}

export interface ReplicaReadsOptions {
  log?: Logger
  /** A replica further behind than this is skipped until it catches up (default 30 s). */
  maxLagMs?: number
  /** How often the replica's health and lag are checked (default 2 s). */
  probeMs?: number
  /** After a failure, reads stay on the primary at least this long (default 5 s). */
  cooldownMs?: number
}

/** Hot standby cancelled the query (conflict with recovery): the primary can run it. */
const RECOVERY_CONFLICT = '40001'

const canFallBack = (err: unknown) =>
  isUnavailable(err) ||
  ((err as { code?: string }).code === RECOVERY_CONFLICT && /conflict with recovery/i.test(String(err)))

export function replicaReads(primary: Db, replica: Db, opts: ReplicaReadsOptions = {}): ReadDb {
  const log = opts.log ?? silentLogger
  const maxLagMs = opts.maxLagMs ?? 30_000
  const cooldownMs = opts.cooldownMs ?? 5_000
  let skipUntil = 0
  let lagging = false

  const markDown = (reason: string) => {
    if (Date.now() >= skipUntil) log.warn({ reason }, 'read replica unusable; reads go to the primary')
    skipUntil = Date.now() + cooldownMs
    readReplicaUp.set(0)
  }
  const usable = () => !lagging && Date.now() >= skipUntil

  // Lag is zero while everything received is replayed (an idle primary writes nothing to replay).
  const probe = async () => {
    try {
      const { rows } = await sql<{ lag_ms: number | null }>`
        select case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
          else extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000 end::float8 as lag_ms`.execute(
        replica,
      )
      const lag = rows[0]?.lag_ms ?? 0
      const wasLagging = lagging
      lagging = lag > maxLagMs
      if (lagging && !wasLagging) log.warn({ lag_ms: Math.round(lag) }, 'read replica lags; reads go to the primary')
      if (!lagging && wasLagging) log.info({ lag_ms: Math.round(lag) }, 'read replica caught up')
      if (!lagging && Date.now() >= skipUntil) readReplicaUp.set(1)
    } catch (err) {
      markDown((err as Error).message)
    }
  }
  const timer = setInterval(() => void probe(), opts.probeMs ?? 2_000)
  timer.unref()
  void probe()

  return {
    primary,
    get target() {
      return usable() ? 'replica' : 'primary'
    },
    async run(read) {
      if (!usable()) return read(primary)
      try {
        return await read(replica)
      } catch (err) {
        if (!canFallBack(err)) throw err
        markDown((err as Error).message)
        readReplicaFallbacks.inc()
        return read(primary)
      }
    },
    async close() {
      clearInterval(timer)
      await replica.destroy()
    },
  }
}

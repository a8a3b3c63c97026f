// Work for Redis, written in the same statement as the change that causes it:
// one outbox row per new deadline schedules its BullMQ job (workers/relay.ts).
// The payload is built here and nowhere else; the relay's leases are here too.
import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx } from '../../db/database.js'

/** Only deadline scheduling goes through the outbox; events reach the feed by triggers. */
export const DEADLINE_SCHEDULE_TOPIC = 'deadline.schedule'

/**
 * The statement that schedules the deadlines of CTE `added` (columns id,
 * claim_id, kind, due_at): use as the body of a CTE or as the final statement.
 */
export function scheduleDeadlineJobs(added: string): RawBuilder<unknown> {
  const from = sql.table(added)
  return sql`insert into outbox (topic, payload)
    select ${DEADLINE_SCHEDULE_TOPIC}, jsonb_build_object('deadline_id', a.id::text, 'claim_id', a.claim_id,
           'kind', a.kind, 'due_at', to_char(a.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    from ${from} as a`
}

// ---- the relay's side (workers/relay.ts) ----

export interface LeasedOutboxRow {
  id: string
  payload: { deadline_id?: unknown }
  attempts: number
}

/**
 * Leases up to `batchSize` due rows of the deadline topic for `leaseSeconds`
 * (FOR UPDATE SKIP LOCKED: relays share the work; a relay that dies loses its
 * lease when it runs out).
 */
export async function leaseOutboxBatch(db: DbOrTx, batchSize: number, leaseSeconds = 30): Promise<LeasedOutboxRow[]> {
  const rows = await sql<LeasedOutboxRow>`
    update outbox set locked_at = now()
    where id in (
      select id from outbox
      where topic = ${DEADLINE_SCHEDULE_TOPIC} and processed_at is null and available_at <= now()
        and (locked_at is null or locked_at < now() - ${leaseSeconds}::float8 * interval '1 second')
      order by available_at, id
      limit ${batchSize}
      for update skip locked)
    returning id, payload, attempts`.execute(db)
  return rows.rows
}

export async function markOutboxProcessed(db: DbOrTx, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  await db
    .updateTable('outbox')
    .set({ processed_at: sql`now()`, locked_at: null })
    .where('id', 'in', ids)
    .execute()
}

/** Releases a failed batch with its error, to be retried after a backoff growing with its attempts (at most 10 s). */
export async function releaseOutboxWithError(db: DbOrTx, ids: string[], message: string): Promise<void> {
  if (ids.length === 0) return
  await sql`update outbox set attempts = attempts + 1, last_error = ${message}, locked_at = null,
      available_at = now() + least(power(2, attempts), 10) * interval '1 second'
    where id in (${sql.join(ids)})`.execute(db)
}

/** Deletes relayed rows older than the retention, a bounded batch; returns how many. */
export async function pruneRelayedOutbox(db: DbOrTx, retentionMs: number, batchSize: number): Promise<number> {
  const result = await sql`
    delete from outbox where id in (
      select id from outbox
      where processed_at is not null and processed_at < now() - ${retentionMs / 1000}::float8 * interval '1 second'
        and topic = ${DEADLINE_SCHEDULE_TOPIC}
      order by processed_at
      limit ${batchSize})`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

// Work for Redis, written in the same statement as the change that causes it:
// one outbox row per new deadline schedules its BullMQ job (workers/relay.ts).
// The payload is built here and nowhere else.
import { sql, type RawBuilder } from 'kysely'

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

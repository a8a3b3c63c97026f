// Deadline rows: Postgres is the source of truth; BullMQ jobs only accelerate them.
import { sql } from 'kysely'
import type { DbOrTx, Tx } from '../../db/database.js'
import { scheduleDeadlineJobs } from './outbox.repository.js'
import type { Deadline } from '../../../machines/claim.types.js'

export interface DeadlineRow {
  id: string
  claim_id: string
  kind: string
  due_at: Date
  on_expiry: string
  status: 'pending' | 'fired' | 'cancelled'
}

/**
 * The first deadlines of a new claim, each with the outbox row that schedules
 * its job, in one statement (a transition's later deadlines are written by
 * transition.repository.ts).
 */
export async function insertFirstDeadlines(db: DbOrTx, claimId: string, deadlines: readonly Deadline[]): Promise<void> {
  if (deadlines.length === 0) return
  await sql`with added as (
      insert into deadlines (claim_id, kind, due_at, on_expiry, claim_version)
      select ${claimId}::uuid, d.kind, d.due_at, d.on_expiry, 1
      from unnest(${deadlines.map((d) => d.kind)}::text[],
                  ${deadlines.map((d) => new Date(d.due_at).toISOString())}::timestamptz[],
                  ${deadlines.map((d) => d.on_expiry)}::text[]) as d(kind, due_at, on_expiry)
      returning id, claim_id, kind, due_at
    )
    ${scheduleDeadlineJobs('added')}`.execute(db)
}

/** A deadline, locked until the transaction ends (a reminder is sent at most once). */
export async function lockDeadline(tx: Tx, id: string) {
  return tx
    .selectFrom('deadlines')
    .select(['id', 'claim_id', 'kind', 'due_at', 'status', 'reminded_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
}

export async function markReminded(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.updateTable('deadlines').set({ reminded_at: at }).where('id', '=', id).execute()
}

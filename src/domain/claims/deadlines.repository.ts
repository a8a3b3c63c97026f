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

// ---- the workers' side: scheduling jobs, sweeping, unscheduling ----

export interface SchedulableDeadline {
  id: string
  kind: string
  due_at: Date
  created_at: Date
}

/** Those of `ids` still pending (a transition may have settled the rest meanwhile). */
export async function pendingDeadlinesAmong(db: DbOrTx, ids: string[]): Promise<SchedulableDeadline[]> {
  if (ids.length === 0) return []
  return db
    .selectFrom('deadlines')
    .select(['id', 'kind', 'due_at', 'created_at'])
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .execute()
}

/** Pending deadlines due by `now`, by id after `afterId`: the sweeper's backlog, a page at a time. */
export async function overdueDeadlineIds(db: DbOrTx, now: Date, afterId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('deadlines')
    .select('id')
    .where('status', '=', 'pending')
    .where('due_at', '<=', now)
    .where(sql<boolean>`id > ${afterId}::bigint`)
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.map((r) => r.id)
}

/** Pending deadlines due in (from, until]. */
export async function pendingDeadlinesDueBetween(
  db: DbOrTx,
  from: Date,
  until: Date,
): Promise<{ id: string; due_at: Date }[]> {
  return db
    .selectFrom('deadlines')
    .select(['id', 'due_at'])
    .where('status', '=', 'pending')
    .where('due_at', '>', from)
    .where('due_at', '<=', until)
    .execute()
}

/** Pending deadlines not reminded yet, due in (from, until]. */
export async function unremindedDeadlinesDueBetween(
  db: DbOrTx,
  from: Date,
  until: Date,
): Promise<SchedulableDeadline[]> {
  return db
    .selectFrom('deadlines')
    .select(['id', 'kind', 'due_at', 'created_at'])
    .where('status', '=', 'pending')
    .where('reminded_at', 'is', null)
    .where('due_at', '>', from)
    .where('due_at', '<=', until)
    .execute()
}

/** Cancelled deadlines whose jobs may still sit in Redis. */
export async function cancelledDeadlinesToUnschedule(db: DbOrTx, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('deadlines')
    .select('id')
    .where('status', '=', 'cancelled')
    .where('unscheduled_at', 'is', null)
    .limit(limit)
    .execute()
  return rows.map((r) => r.id)
}

export async function markUnscheduled(db: DbOrTx, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  await db
    .updateTable('deadlines')
    .set({ unscheduled_at: sql`now()` })
    .where('id', 'in', ids)
    .execute()
}

export async function deadlineDueAt(db: DbOrTx, id: string): Promise<Date> {
  const row = await db.selectFrom('deadlines').select('due_at').where('id', '=', id).executeTakeFirstOrThrow()
  return row.due_at
}

// Deadline rows: Postgres is the source of truth; BullMQ jobs only accelerate them.
import type { DbOrTx } from '../db/database.js'
import type { Deadline } from '../../machines/claim.types.js'

export interface DeadlineRow {
  id: string
  claim_id: string
  kind: string
  due_at: Date
  on_expiry: string
  status: 'pending' | 'fired' | 'cancelled'
}

export async function pendingDeadlines(db: DbOrTx, claimId: string): Promise<DeadlineRow[]> {
  return db
    .selectFrom('deadlines')
    .select(['id', 'claim_id', 'kind', 'due_at', 'on_expiry', 'status'])
    .where('claim_id', '=', claimId)
    .where('status', '=', 'pending')
    .execute()
}

/**
 * Make the pending rows match the machine's deadlines: rows the machine no
 * longer holds are cancelled (or marked fired when `fired` names them), new
 * ones are inserted. Returns the inserted rows so the caller can schedule jobs.
 */
export async function syncDeadlines(
  db: DbOrTx,
  claimId: string,
  claimVersion: number,
  wanted: readonly Deadline[],
  now: Date,
  fired?: string,
): Promise<DeadlineRow[]> {
  const current = await pendingDeadlines(db, claimId)
  const same = (row: DeadlineRow, d: Deadline) => row.kind === d.kind && row.due_at.getTime() === d.due_at
  const stale = current.filter((row) => !wanted.some((d) => same(row, d)))
  for (const row of stale) {
    await db
      .updateTable('deadlines')
      .set({ status: row.id === fired ? 'fired' : 'cancelled', settled_at: now })
      .where('id', '=', row.id)
      .execute()
  }
  const fresh = wanted.filter((d) => !current.some((row) => same(row, d)))
  if (fresh.length === 0) return []
  return db
    .insertInto('deadlines')
    .values(
      fresh.map((d) => ({
        claim_id: claimId,
        kind: d.kind,
        due_at: new Date(d.due_at),
        on_expiry: d.on_expiry,
        claim_version: claimVersion,
      })),
    )
    .returning(['id', 'claim_id', 'kind', 'due_at', 'on_expiry', 'status'])
    .execute()
}

/**
 * The transition's fast path: the claim row is locked, so the pending rows are
 * exactly the machine's deadlines before the event. Settle those the machine
 * dropped and insert the new ones, without reading the rows first.
 */
export async function replaceDeadlines(
  db: DbOrTx,
  claimId: string,
  claimVersion: number,
  before: readonly Deadline[],
  after: readonly Deadline[],
  now: Date,
  fired?: string,
): Promise<DeadlineRow[]> {
  const same = (a: Deadline, b: Deadline) => a.kind === b.kind && a.due_at === b.due_at
  const dropped = before.filter((d) => !after.some((a) => same(a, d)))
  const fresh = after.filter((d) => !before.some((b) => same(b, d)))
  if (fired !== undefined) {
    await db.updateTable('deadlines').set({ status: 'fired', settled_at: now }).where('id', '=', fired).where('status', '=', 'pending').execute()
  }
  if (dropped.length > 0) {
    await db
      .updateTable('deadlines')
      .set({ status: 'cancelled', settled_at: now })
      .where('claim_id', '=', claimId)
      .where('status', '=', 'pending')
      .where('kind', 'in', dropped.map((d) => d.kind))
      .execute()
  }
  if (fresh.length === 0) return []
  return db
    .insertInto('deadlines')
    .values(fresh.map((d) => ({ claim_id: claimId, kind: d.kind, due_at: new Date(d.due_at), on_expiry: d.on_expiry, claim_version: claimVersion })))
    .returning(['id', 'claim_id', 'kind', 'due_at', 'on_expiry', 'status'])
    .execute()
}

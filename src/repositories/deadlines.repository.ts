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

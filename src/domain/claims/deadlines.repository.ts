// Deadline rows: Postgres is the source of truth; BullMQ jobs only accelerate them.
import type { DbOrTx } from '../../db/database.js'
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
 * Make the pending rows follow the machine. The claim row is locked, so the
 * pending rows are exactly the machine's deadlines before the event (none for
 * a new claim): settle those it dropped (`fired` marks the one that fired) and
 * insert the new ones, without reading the rows first. Returns the inserted
 * rows so the caller can schedule their jobs.
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
    await db
      .updateTable('deadlines')
      .set({ status: 'fired', settled_at: now })
      .where('id', '=', fired)
      .where('status', '=', 'pending')
      .execute()
  }
  if (dropped.length > 0) {
    await db
      .updateTable('deadlines')
      .set({ status: 'cancelled', settled_at: now })
      .where('claim_id', '=', claimId)
      .where('status', '=', 'pending')
      .where(
        'kind',
        'in',
        dropped.map((d) => d.kind),
      )
      .execute()
  }
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

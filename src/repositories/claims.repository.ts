// Claim rows and their audit trail.
import type { DbOrTx } from '../db/database.js'
import type { ClaimRow, NewClaimRow } from '../db/schema.js'

export async function insertClaim(db: DbOrTx, row: NewClaimRow): Promise<ClaimRow> {
  return db.insertInto('claims').values(row).returningAll().executeTakeFirstOrThrow()
}

/** Locks the row until the transaction ends: concurrent actions on one claim serialise here. */
export async function findClaimForUpdate(db: DbOrTx, id: string): Promise<ClaimRow | undefined> {
  return db.selectFrom('claims').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function findClaim(db: DbOrTx, id: string): Promise<ClaimRow | undefined> {
  return db.selectFrom('claims').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function updateClaim(
  db: DbOrTx,
  id: string,
  expectedVersion: number,
  changes: Partial<Omit<ClaimRow, 'id' | 'created_at'>> & { snapshot: string },
): Promise<ClaimRow | undefined> {
  return db
    .updateTable('claims')
    .set(changes)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst()
}

export interface AuditEntry {
  claim_id: string
  seq: number
  actor_role: string
  actor_id: string
  action: string
  from_state: string | null
  to_state: string
  payload: Record<string, unknown>
  created_at: Date
}

export async function appendEvent(db: DbOrTx, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('claim_events')
    .values({ ...entry, payload: JSON.stringify(entry.payload) })
    .execute()
}

export async function listEvents(db: DbOrTx, claimId: string) {
  return db
    .selectFrom('claim_events')
    .select(['seq', 'actor_role', 'actor_id', 'action', 'from_state', 'to_state', 'payload', 'created_at'])
    .where('claim_id', '=', claimId)
    .orderBy('seq')
    .execute()
}

// Claim rows and their audit trail.
import type { DbOrTx } from '../db/database.js'
import type { Insertable } from 'kysely'
import type { ClaimEventsTable, ClaimRow, NewClaimRow } from '../db/schema.js'

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

/** A claim_events row as written: the payload as an object (stored as jsonb). */
export type AuditEntry = Omit<Insertable<ClaimEventsTable>, 'id' | 'payload'> & { payload: Record<string, unknown> }

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

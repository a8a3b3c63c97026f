// Claim rows and their audit trail.
import type { DbOrTx } from '../../db/database.js'
import { PREPARED } from '../../db/prepared.js'
import { sql, type Insertable } from 'kysely'
import type { ClaimEventsTable, ClaimRow, NewClaimRow } from '../../db/schema.js'

export async function insertClaim(db: DbOrTx, row: NewClaimRow): Promise<ClaimRow> {
  return db.insertInto('claims').values(row).returningAll().executeTakeFirstOrThrow()
}

/** The claim as an action reads it (a prepared statement: every action and deadline starts here). */
export async function findClaim(db: DbOrTx, id: string): Promise<ClaimRow | undefined> {
  const result = await sql<ClaimRow>`${sql.raw(PREPARED)}select * from claims where id = ${id}`.execute(db)
  return result.rows[0]
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

/** A deadline with its claim, read together when the deadline fires. */
export async function findClaimWithDeadline(
  db: DbOrTx,
  deadlineId: string,
): Promise<{ claim: ClaimRow; deadline: { kind: string; status: string; due_at: Date } } | undefined> {
  const result = await sql<
    ClaimRow & { deadline_kind: string; deadline_status: string; deadline_due_at: Date }
  >`${sql.raw(PREPARED)}
    select claims.*, d.kind as deadline_kind, d.status as deadline_status, d.due_at as deadline_due_at
    from deadlines d join claims on claims.id = d.claim_id where d.id = ${deadlineId}`.execute(db)
  const row = result.rows[0]
  if (!row) return undefined
  const { deadline_kind, deadline_status, deadline_due_at, ...claim } = row
  return { claim, deadline: { kind: deadline_kind, status: deadline_status, due_at: deadline_due_at } }
}

// Claim rows and their audit trail.
import type { DbOrTx } from '../db/database.js'
import { PREPARED } from '../db/prepared.js'
import { sql, type Insertable } from 'kysely'
import type { ClaimEventsTable, ClaimRow, NewClaimRow } from '../db/schema.js'

export async function insertClaim(db: DbOrTx, row: NewClaimRow): Promise<ClaimRow> {
  return db.insertInto('claims').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function findClaim(db: DbOrTx, id: string): Promise<ClaimRow | undefined> {
  return db.selectFrom('claims').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The claim with its seller's official domains, which moderating an action's text needs: one round trip. */
export async function findClaimWithSellerDomains(db: DbOrTx, id: string): Promise<(ClaimRow & { seller_domains: string[] }) | undefined> {
  const result = await sql<ClaimRow & { seller_domains: string[] }>`${sql.raw(PREPARED)}
    select claims.*, coalesce((select array_agg(d.domain) from seller_official_domains d where d.seller_id = claims.seller_id), '{}') as seller_domains
    from claims where claims.id = ${id}`.execute(db)
  return result.rows[0]
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

/** A deadline with its claim, read together when the deadline fires. */
export async function findClaimWithDeadline(
  db: DbOrTx,
  deadlineId: string,
): Promise<{ claim: ClaimRow; deadline: { kind: string; status: string; due_at: Date } } | undefined> {
  const result = await sql<ClaimRow & { deadline_kind: string; deadline_status: string; deadline_due_at: Date }>`${sql.raw(PREPARED)}
    select claims.*, d.kind as deadline_kind, d.status as deadline_status, d.due_at as deadline_due_at
    from deadlines d join claims on claims.id = d.claim_id where d.id = ${deadlineId}`.execute(db)
  const row = result.rows[0]
  if (!row) return undefined
  const { deadline_kind, deadline_status, deadline_due_at, ...claim } = row
  return { claim, deadline: { kind: deadline_kind, status: deadline_status, due_at: deadline_due_at } }
}

// The violations ledger and the sanctions it leads to.
import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx } from '../../db/database.js'
import type { Insertable } from 'kysely'
import type { SanctionsTable, ViolationsTable } from '../../db/schema.js'

export type SanctionKind = SanctionsTable['kind']
export type SanctionStatus = SanctionsTable['status']
export const ACTIVE_SANCTION: SanctionStatus[] = ['pending_review', 'confirmed']

/** Serialises ledger writes per party so that two attempts cannot both miss a threshold. */
export async function lockParty(db: DbOrTx, role: string, id: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`violations:${role}:${id}`}, 0))`.execute(db)
}

export async function insertViolations(db: DbOrTx, rows: Insertable<ViolationsTable>[]) {
  if (rows.length === 0) return []
  return db.insertInto('violations').values(rows).returningAll().execute()
}

export interface ViolationFilter {
  party_role?: string
  party_id?: string
  rule?: string
  status?: 'recorded' | 'cancelled'
  claim_id?: string
  thread_id?: string
}

function filtered(db: DbOrTx, f: ViolationFilter) {
  let q = db.selectFrom('violations')
  if (f.party_role !== undefined) q = q.where('party_role', '=', f.party_role)
  if (f.party_id !== undefined) q = q.where('party_id', '=', f.party_id)
  if (f.rule !== undefined) q = q.where('rule', '=', f.rule)
  if (f.status !== undefined) q = q.where('status', '=', f.status)
  if (f.claim_id !== undefined) q = q.where('claim_id', '=', f.claim_id)
  if (f.thread_id !== undefined) q = q.where('thread_id', '=', f.thread_id)
  return q
}

export async function listViolations(
  db: DbOrTx,
  f: ViolationFilter,
  page: { limit: number; before?: { created_at: string; id: string } },
) {
  let q = filtered(db, f).selectAll()
  if (page.before)
    q = q.where(sql<boolean>`(created_at, id) < (${page.before.created_at}::timestamptz, ${page.before.id}::uuid)`)
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute()
}

/** Ledger totals over the filter (status aside): fines in force and fines refunded by cancellation. */
export async function violationTotals(db: DbOrTx, f: ViolationFilter) {
  const row = await filtered(db, { ...f, status: undefined })
    .select([
      sql<string>`count(*) filter (where status = 'recorded')`.as('recorded'),
      sql<string>`coalesce(sum(fine_amount) filter (where status = 'recorded'), 0)`.as('fines'),
      sql<string>`count(*) filter (where status = 'cancelled')`.as('cancelled'),
      sql<string>`coalesce(sum(fine_amount) filter (where status = 'cancelled'), 0)`.as('refunded'),
    ])
    .executeTakeFirstOrThrow()
  return {
    recorded: Number(row.recorded),
    fines: Number(row.fines),
    cancelled: Number(row.cancelled),
    refunded: Number(row.refunded),
  }
}

export async function findViolationForUpdate(db: DbOrTx, id: string) {
  return db.selectFrom('violations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function cancelViolation(db: DbOrTx, id: string, by: string, reason: string | null, at: Date) {
  return db
    .updateTable('violations')
    .set({ status: 'cancelled', cancelled_by: by, cancel_reason: reason, cancelled_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Recorded violations of a party after `since`; an arbiter's fine is a sanction already, not a step toward one. */
export async function countRecordedSince(db: DbOrTx, role: string, id: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('violations')
    .select(sql<string>`count(*)`.as('n'))
    .where('party_role', '=', role)
    .where('party_id', '=', id)
    .where('status', '=', 'recorded')
    .where('source', '<>', 'arbiter_decision')
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** When the party's last sanction of this kind ended (lifted or cancelled): violations before it are spent. */
export async function lastSanctionEnd(db: DbOrTx, role: string, id: string, kind: SanctionKind): Promise<Date | null> {
  const row = await db
    .selectFrom('sanctions')
    .select(sql<Date | null>`max(ended_at)`.as('ended'))
    .where('party_role', '=', role)
    .where('party_id', '=', id)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow()
  return row.ended
}

export async function activeSanction(db: DbOrTx, role: string, id: string, kind: SanctionKind) {
  return db
    .selectFrom('sanctions')
    .selectAll()
    .where('party_role', '=', role)
    .where('party_id', '=', id)
    .where('kind', '=', kind)
    .where('status', 'in', ACTIVE_SANCTION)
    .executeTakeFirst()
}

/**
 * The id of the sanction of `kind` in force on the party, as a scalar subquery
 * another statement can carry (a claim action reads its seller's chat
 * suspension with the claim, in one round trip). The statuses are literals so
 * the partial index sanctions_one_active serves it.
 */
export function activeSanctionIdSql(role: string, partyId: RawBuilder<unknown>, kind: SanctionKind) {
  const statuses = sql.join(ACTIVE_SANCTION.map((status) => sql.lit(status)))
  return sql<string | null>`(select s.id from sanctions s
    where s.party_role = ${sql.lit(role)} and s.party_id = ${partyId} and s.kind = ${sql.lit(kind)}
      and s.status in (${statuses}))`
}

/** A new sanction in force, unless one of the kind already is (the partial unique index decides). */
export async function insertSanction(db: DbOrTx, row: Insertable<SanctionsTable>) {
  return db
    .insertInto('sanctions')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst()
}

export async function listSanctions(
  db: DbOrTx,
  f: { status?: SanctionStatus; kind?: SanctionKind; party_role?: string; party_id?: string },
  page: { limit: number; before?: { created_at: string; id: string } },
) {
  let q = db.selectFrom('sanctions').selectAll()
  if (f.status !== undefined) q = q.where('status', '=', f.status)
  if (f.kind !== undefined) q = q.where('kind', '=', f.kind)
  if (f.party_role !== undefined) q = q.where('party_role', '=', f.party_role)
  if (f.party_id !== undefined) q = q.where('party_id', '=', f.party_id)
  if (page.before)
    q = q.where(sql<boolean>`(created_at, id) < (${page.before.created_at}::timestamptz, ${page.before.id}::uuid)`)
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute()
}

export async function findSanctionForUpdate(db: DbOrTx, id: string) {
  return db.selectFrom('sanctions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function updateSanction(
  db: DbOrTx,
  id: string,
  changes: {
    status: SanctionStatus
    reviewed_by: string
    reviewed_at: Date
    review_comment: string | null
    ended_at: Date | null
  },
) {
  return db.updateTable('sanctions').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

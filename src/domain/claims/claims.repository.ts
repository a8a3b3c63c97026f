// Claim rows and their audit trail.
import type { Db, DbOrTx } from '../../db/database.js'
import { PREPARED } from '../../db/prepared.js'
import { compiledOnce } from '../../db/compiled-once.js'
import { sql, type Insertable } from 'kysely'
import type { ClaimEventsTable, ClaimRow, NewClaimRow } from '../../db/schema.js'
import { FINAL_STATES } from '../../../machines/claim.vocabulary.js'
import { activeSanctionIdSql } from '../moderation/violations.repository.js'

export async function insertClaim(db: DbOrTx, row: NewClaimRow): Promise<ClaimRow> {
  return db.insertInto('claims').values(row).returningAll().executeTakeFirstOrThrow()
}

/** The claim as an action reads it (a prepared statement: every action and deadline starts here). */
export async function findClaim(db: DbOrTx, id: string): Promise<ClaimRow | undefined> {
  const result = await sql<ClaimRow>`${sql.raw(PREPARED)}select * from claims where id = ${id}`.execute(db)
  return result.rows[0]
}

/** Compiled once (src/db/compiled-once.ts): every claim action reads with it. */
const FIND_CLAIM_FOR_ACTION = compiledOnce<string, ClaimRow & { seller_chat_suspension: string | null }>(
  (v) => sql`${sql.raw(PREPARED)}
    select claims.*, ${activeSanctionIdSql('seller', sql.ref('claims.seller_id'), 'chat_suspension')} as seller_chat_suspension
    from claims where id = ${v((id) => id)}`,
)

/** A claim as a party's action reads it, and its seller's chat suspension in force (id or null): one round trip. */
export async function findClaimForAction(
  db: DbOrTx,
  id: string,
): Promise<{ claim: ClaimRow; sellerChatSuspension: string | null } | undefined> {
  const result = await FIND_CLAIM_FOR_ACTION(db, id)
  const row = result.rows[0]
  if (!row) return undefined
  const { seller_chat_suspension, ...claim } = row
  return { claim, sellerChatSuspension: seller_chat_suspension }
}

/** A claim_events row as written: the payload as an object (stored as jsonb). */
export type AuditEntry = Omit<Insertable<ClaimEventsTable>, 'id' | 'payload'> & { payload: Record<string, unknown> }

/** The order a claim is on (a refused claim action's attempt is filed under the order's thread). */
export async function claimOrderId(db: DbOrTx, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('claims').select('order_id').where('id', '=', id).executeTakeFirst()
  return row?.order_id
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

/** The claim still open on an order line, if any (final states: resolved, closed, withdrawn). */
export async function findOpenClaimOnLine(
  db: DbOrTx,
  orderId: string,
  lineId: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('claims')
    .select('id')
    .where('order_id', '=', orderId)
    .where('line_id', '=', lineId)
    .where('state', 'not in', [...FINAL_STATES])
    .executeTakeFirst()
}

/** An order line with what a claim on it copies from its order. */
export async function findClaimableLine(db: DbOrTx, orderId: string, lineId: string) {
  return db
    .selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .select(['orders.buyer_id', 'orders.seller_id', 'orders.scheme', 'orders.currency', 'orders.delivered_at'])
    .select(['order_lines.sku', 'order_lines.quantity', 'order_lines.unit_price'])
    .where('order_lines.order_id', '=', orderId)
    .where('order_lines.id', '=', lineId)
    .executeTakeFirst()
}

/** A position in the arbiters' queue: after the claim (overdue, priority, escalated_at, id). */
export interface QueuePosition {
  overdue: boolean
  priority: number
  escalatedAt: string
  id: string
}

export interface QueueFilter {
  /** Only claims taken by this arbiter, or only unassigned ones. */
  assignee?: { arbiter: string } | 'unassigned'
  overdue?: boolean
}

/**
 * Escalated claims, overdue first, then priority, then escalation time (the
 * arbiter_decision deadline is escalated_at plus one policy duration, so this
 * is due time), kept to the claims_arbiter_queue_idx index.
 */
export async function arbiterQueuePage(
  db: DbOrTx,
  filter: QueueFilter,
  after: QueuePosition | undefined,
  limit: number,
): Promise<ClaimRow[]> {
  let q = db.selectFrom('claims').selectAll().where('state', '=', 'escalated')
  if (filter.assignee === 'unassigned') q = q.where('assignee', 'is', null)
  else if (filter.assignee) q = q.where('assignee', '=', filter.assignee.arbiter)
  if (filter.overdue !== undefined) q = q.where('overdue', '=', filter.overdue)
  if (after) {
    const { overdue: o, priority: p, escalatedAt: e, id: i } = after
    // Mixed directions (overdue desc, priority desc, escalated_at asc, id asc), so spelled out.
    q = q.where(sql<boolean>`(overdue < ${o} or (overdue = ${o} and (priority < ${p}
      or (priority = ${p} and (escalated_at, id) > (${e}::timestamptz, ${i}::uuid)))))`)
  }
  return q
    .orderBy('overdue', 'desc')
    .orderBy('priority', 'desc')
    .orderBy('escalated_at', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute()
}

/** Claims per state, for /metrics; the count scans the table, so it runs under a statement timeout. */
export async function countClaimsByState(db: Db, timeoutMs: number): Promise<{ state: string; n: number }[]> {
  return db.transaction().execute(async (tx) => {
    await sql`set local statement_timeout = ${sql.lit(timeoutMs)}`.execute(tx)
    return (
      await sql<{ state: string; n: number }>`select state, count(*)::int as n from claims group by state`.execute(tx)
    ).rows
  })
}

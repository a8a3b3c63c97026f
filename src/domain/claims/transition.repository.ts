// A claim transition written in one statement. Every write hangs off the
// version-guarded update of the claim row: when another transition got there
// first, the update matches no row and nothing else is written, so the caller
// re-reads and decides again (optimistic concurrency). One statement is one
// round trip and atomic on its own; inside a transaction it takes the claim's
// row lock like any update.
import { scheduleDeadlineJobs } from './outbox.repository.js'
import { sql } from 'kysely'
import type { DbOrTx } from '../../db/database.js'
import { PREPARED } from '../../db/prepared.js'
import type { ClaimRow } from '../../db/schema.js'
import type { AuditEntry } from './claims.repository.js'
import type { NewMessage } from '../chat/threads.repository.js'

/** The claim columns a transition sets; the snapshot as JSON text. */
export type ClaimChanges = Pick<
  ClaimRow,
  | 'state'
  | 'arbiter_status'
  | 'assignee'
  | 'priority'
  | 'overdue'
  | 'machine_version'
  | 'version'
  | 'resolution_type'
  | 'decided_by'
  | 'first_response_at'
  | 'escalated_at'
  | 'updated_at'
  | 'closed_at'
  | 'next_due_at'
> & { snapshot: string }

export interface NewDeadline {
  kind: string
  due_at: Date
  on_expiry: string
}

export interface TransitionWrite {
  claimId: string
  /** The version the decision was made on; the write applies only if the claim is still there. */
  expectedVersion: number
  changes: ClaimChanges
  event: AuditEntry
  /** Kinds of pending deadlines the machine dropped: cancelled. */
  droppedKinds: readonly string[]
  /** The deadline whose expiry this transition applies: marked fired. */
  firedDeadlineId?: string
  /** Deadlines the machine added: inserted, and one outbox row each schedules its job. */
  addedDeadlines: readonly NewDeadline[]
  /** The system message posted in the order's thread (created or marked as a claim thread). */
  message: Omit<NewMessage, 'thread_id' | 'claim_id'>
  at: Date
}

/** The updated claim, and whether it has photos (so a view can skip reading them). */
export type WrittenClaim = ClaimRow & { has_photos: boolean }

export async function writeTransition(db: DbOrTx, w: TransitionWrite): Promise<WrittenClaim | undefined> {
  const c = w.changes
  const e = w.event
  const m = w.message
  const result = await sql<WrittenClaim>`${sql.raw(PREPARED)}
    with upd as (
      update claims set
        state = ${c.state}, arbiter_status = ${c.arbiter_status}, assignee = ${c.assignee},
        priority = ${c.priority}, overdue = ${c.overdue}, snapshot = ${c.snapshot}::jsonb,
        machine_version = ${c.machine_version}, version = ${c.version},
        resolution_type = ${c.resolution_type}, decided_by = ${c.decided_by},
        first_response_at = ${c.first_response_at}, escalated_at = ${c.escalated_at},
        updated_at = ${c.updated_at}, closed_at = ${c.closed_at}, next_due_at = ${c.next_due_at}
      where id = ${w.claimId} and version = ${w.expectedVersion}
      returning *
    ),
    audit as (
      insert into claim_events (claim_id, seq, actor_role, actor_id, action, from_state, to_state, payload, created_at)
      select upd.id, ${e.seq}::int, ${e.actor_role}::text, ${e.actor_id}::text, ${e.action}::text,
             ${e.from_state}::text, ${e.to_state}::text, ${JSON.stringify(e.payload)}::jsonb, ${e.created_at}::timestamptz
      from upd
    ),
    settled as (
      update deadlines
      set status = case when id = ${w.firedDeadlineId ?? null}::bigint then 'fired' else 'cancelled' end, settled_at = ${w.at}
      where claim_id = (select id from upd) and status = 'pending'
        and (id = ${w.firedDeadlineId ?? null}::bigint or kind = any(${[...w.droppedKinds]}::text[]))
      returning id
    ),
    added as (
      insert into deadlines (claim_id, kind, due_at, on_expiry, claim_version)
      select upd.id, d.kind, d.due_at, d.on_expiry, upd.version
      -- Reading settled's count makes the cancellations run first: a kind may
      -- be replaced, and only one pending deadline per kind is allowed.
      from upd, (select count(*) from settled) as settled_first,
           unnest(${w.addedDeadlines.map((d) => d.kind)}::text[],
                  ${w.addedDeadlines.map((d) => d.due_at.toISOString())}::timestamptz[],
                  ${w.addedDeadlines.map((d) => d.on_expiry)}::text[]) as d(kind, due_at, on_expiry)
      returning id, claim_id, kind, due_at
    ),
    scheduled as (${scheduleDeadlineJobs('added')}),
    thread as (
      insert into threads (order_id, buyer_id, seller_id, has_claim, last_message_at)
      select upd.order_id, upd.buyer_id, upd.seller_id, true, ${m.created_at}::timestamptz from upd
      on conflict (order_id) do update set has_claim = true, last_message_at = excluded.last_message_at
      returning id
    ),
    posted as (
      insert into messages (thread_id, sender_role, sender_id, kind, text, claim_id, payload, created_at)
      select thread.id, ${m.sender_role}::text, ${m.sender_id}::text, ${m.kind}::text, ${m.text}::text,
             ${w.claimId}::uuid, ${JSON.stringify(m.payload)}::jsonb, ${m.created_at}::timestamptz
      from thread
    )
    select upd.*, exists (select 1 from photos where photos.claim_id = upd.id) as has_photos from upd`.execute(db)
  return result.rows[0]
}

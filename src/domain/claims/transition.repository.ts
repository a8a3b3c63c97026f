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
import { compiledOnce } from '../../db/compiled-once.js'
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

/** The one statement, compiled once (src/db/compiled-once.ts). */
const WRITE_TRANSITION = compiledOnce<TransitionWrite, WrittenClaim>(
  (v) => sql<WrittenClaim>`${sql.raw(PREPARED)}
    with upd as (
      update claims set
        state = ${v((w) => w.changes.state)}, arbiter_status = ${v((w) => w.changes.arbiter_status)}, assignee = ${v((w) => w.changes.assignee)},
        priority = ${v((w) => w.changes.priority)}, overdue = ${v((w) => w.changes.overdue)}, snapshot = ${v((w) => w.changes.snapshot)}::jsonb,
        machine_version = ${v((w) => w.changes.machine_version)}, version = ${v((w) => w.changes.version)},
        resolution_type = ${v((w) => w.changes.resolution_type)}, decided_by = ${v((w) => w.changes.decided_by)},
        first_response_at = ${v((w) => w.changes.first_response_at)}, escalated_at = ${v((w) => w.changes.escalated_at)},
        updated_at = ${v((w) => w.changes.updated_at)}, closed_at = ${v((w) => w.changes.closed_at)}, next_due_at = ${v((w) => w.changes.next_due_at)}
      where id = ${v((w) => w.claimId)} and version = ${v((w) => w.expectedVersion)}
      returning *
    ),
    audit as (
      insert into claim_events (claim_id, seq, actor_role, actor_id, action, from_state, to_state, payload, created_at)
      select upd.id, ${v((w) => w.event.seq)}::int, ${v((w) => w.event.actor_role)}::text, ${v((w) => w.event.actor_id)}::text, ${v((w) => w.event.action)}::text,
             ${v((w) => w.event.from_state)}::text, ${v((w) => w.event.to_state)}::text, ${v((w) => JSON.stringify(w.event.payload))}::jsonb, ${v((w) => w.event.created_at)}::timestamptz
      from upd
    ),
    settled as (
      update deadlines
      set status = case when id = ${v((w) => w.firedDeadlineId ?? null)}::bigint then 'fired' else 'cancelled' end, settled_at = ${v((w) => w.at)}
      where claim_id = (select id from upd) and status = 'pending'
        and (id = ${v((w) => w.firedDeadlineId ?? null)}::bigint or kind = any(${v((w) => [...w.droppedKinds])}::text[]))
      returning id
    ),
    added as (
      insert into deadlines (claim_id, kind, due_at, on_expiry, claim_version)
      select upd.id, d.kind, d.due_at, d.on_expiry, upd.version
      -- Reading settled's count makes the cancellations run first: a kind may
      -- be replaced, and only one pending deadline per kind is allowed.
      from upd, (select count(*) from settled) as settled_first,
           unnest(${v((w) => w.addedDeadlines.map((d) => d.kind))}::text[],
                  ${v((w) => w.addedDeadlines.map((d) => d.due_at.toISOString()))}::timestamptz[],
                  ${v((w) => w.addedDeadlines.map((d) => d.on_expiry))}::text[]) as d(kind, due_at, on_expiry)
      returning id, claim_id, kind, due_at
    ),
    scheduled as (${scheduleDeadlineJobs('added')}),
    thread as (
      insert into threads (order_id, buyer_id, seller_id, has_claim, last_message_at)
      select upd.order_id, upd.buyer_id, upd.seller_id, true, ${v((w) => w.message.created_at)}::timestamptz from upd
      on conflict (order_id) do update set has_claim = true, last_message_at = excluded.last_message_at
      returning id
    ),
    posted as (
      insert into messages (thread_id, sender_role, sender_id, kind, text, claim_id, payload, created_at)
      select thread.id, ${v((w) => w.message.sender_role)}::text, ${v((w) => w.message.sender_id)}::text, ${v((w) => w.message.kind)}::text, ${v((w) => w.message.text)}::text,
             ${v((w) => w.claimId)}::uuid, ${v((w) => JSON.stringify(w.message.payload))}::jsonb, ${v((w) => w.message.created_at)}::timestamptz
      from thread
    )
    select upd.*, exists (select 1 from photos where photos.claim_id = upd.id) as has_photos from upd`,
)

export async function writeTransition(db: DbOrTx, w: TransitionWrite): Promise<WrittenClaim | undefined> {
  const result = await WRITE_TRANSITION(db, w)
  return result.rows[0]
}

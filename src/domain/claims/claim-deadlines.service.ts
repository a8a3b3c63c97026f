// Deadlines as the workers apply them (docs/deadlines.md): a deadline firing
// is a transition like any other, sent by the system; a reminder is a system
// message in the claim's thread, sent at most once.
import type { ClaimEventParams } from '../../../machines/claim.types.js'
import type { Policy } from '../../config/policy.js'
import type { Db } from '../../db/database.js'
import { observeDeadlineLateness } from '../../http/metrics.js'
import type { Clock } from '../../shared/clock.js'
import { ensureThread, postMessage } from '../chat/threads.repository.js'
import type { ClaimTransitions } from './claim-transitions.js'
import * as claimsRepo from './claims.repository.js'
import { lockDeadline, markReminded } from './deadlines.repository.js'

/** Tries at firing one deadline before the job is left for a retry. */
const MAX_WRITE_ATTEMPTS = 8

export interface ClaimDeadlinesDeps {
  db: Db
  policy: Policy
  clock: Clock
  transitions: ClaimTransitions
}

export class ClaimDeadlinesService {
  constructor(private readonly deps: ClaimDeadlinesDeps) {}

  /**
   * A deadline firing (workers call this). Idempotent: a deadline that is no
   * longer pending, or that the machine no longer holds, changes nothing.
   */
  async expireDeadline(deadlineId: string): Promise<'applied' | 'stale' | 'not_due'> {
    const read = async () => {
      const found = await claimsRepo.findClaimWithDeadline(this.deps.db, deadlineId)
      if (!found || found.deadline.status !== 'pending') return 'stale' as const
      // Early (clock skew, a re-enqueued job): the caller retries at due_at.
      if (found.deadline.due_at.getTime() > this.deps.clock.now()) return 'not_due' as const
      return found
    }
    let found = await read()
    for (let tries = 1; typeof found !== 'string'; tries++) {
      const { claim, deadline } = found
      const params = { type: 'deadline_expired', kind: deadline.kind } as ClaimEventParams
      const applied = await this.deps.transitions.apply(
        this.deps.db,
        claim,
        { role: 'system', id: 'deadline-worker' },
        params,
        deadlineId,
      )
      if (applied) {
        observeDeadlineLateness(deadline.kind, deadline.due_at.getTime(), this.deps.clock.now())
        return 'applied'
      }
      // A transition settled the claim meanwhile: read again; the deadline is most likely no longer pending.
      if (tries >= MAX_WRITE_ATTEMPTS) throw new Error(`deadline ${deadlineId}: the claim kept changing; will retry`)
      found = await read()
    }
    return found
  }

  /**
   * A reminder before a deadline (workers call this): a system message in the
   * claim's thread (the feed turns it into a `deadline.reminder` event), at most once per
   * deadline (reminded_at, under the deadline's row lock).
   */
  async remindDeadline(deadlineId: string): Promise<'sent' | 'stale' | 'not_due'> {
    const now = this.deps.clock.now()
    return this.deps.db.transaction().execute(async (tx) => {
      const deadline = await lockDeadline(tx, deadlineId)
      if (!deadline || deadline.status !== 'pending' || deadline.reminded_at !== null) return 'stale'
      const dueAt = deadline.due_at.getTime()
      if (dueAt <= now) return 'stale'
      if (dueAt - this.deps.policy.reminder_before > now) return 'not_due'
      const claim = await claimsRepo.findClaim(tx, deadline.claim_id)
      if (!claim) return 'stale'
      const threadId = await ensureThread(
        tx,
        { order_id: claim.order_id, buyer_id: claim.buyer_id, seller_id: claim.seller_id },
        true,
      )
      const payload = {
        claim_id: claim.id,
        deadline_id: deadline.id,
        kind: deadline.kind,
        due_at: deadline.due_at.toISOString(),
      }
      await postMessage(tx, {
        thread_id: threadId,
        sender_role: 'system',
        sender_id: 'claimdesk',
        kind: 'system',
        text: `Reminder: the ${deadline.kind.replaceAll('_', ' ')} deadline passes at ${payload.due_at}.`,
        claim_id: claim.id,
        payload: { ...payload, reminder: true },
        created_at: new Date(now),
      })
      await markReminded(tx, deadline.id, new Date(now))
      return 'sent'
    })
  }
}

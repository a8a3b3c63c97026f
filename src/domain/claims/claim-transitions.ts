// The one way a claim changes: the machine decides on the claim as read, and
// the result is written in one version-guarded statement; a claim that moved
// on meanwhile is read and decided again (docs/lifecycle.md).
import { MACHINE_VERSION } from '../../../machines/claim.machine.js'
import { nextClaimSnapshot } from '../../../machines/claim.step.js'
import type { Actor, ClaimEvent, ClaimEventParams, Deadline } from '../../../machines/claim.types.js'
import { FINAL_STATES } from '../../../machines/claim.vocabulary.js'
import type { Policy } from '../../config/policy.js'
import type { DbOrTx } from '../../db/database.js'
import type { ClaimRow } from '../../db/schema.js'
import type { Clock } from '../../shared/clock.js'
import { machinePolicy, restoreSnapshot, stateNames, storeSnapshot, type ClaimSnapshot } from './claim-snapshot.js'
import { abuseReportLimit, actionNotAllowed, keptChanging } from './errors.js'
import { writeTransition, type WrittenClaim } from './transition.repository.js'
import { transitionText } from './transition-text.js'

/** Tries at writing one transition before a claim that keeps changing gets a 409. */
const MAX_WRITE_ATTEMPTS = 8

/** The earliest of the machine's deadlines, kept on the claim row for sorting by due time. */
export const nextDue = (deadlines: readonly { due_at: number }[]): Date | null =>
  deadlines.length === 0 ? null : new Date(Math.min(...deadlines.map((d) => d.due_at)))

const isFinal = (state: string) => (FINAL_STATES as readonly string[]).includes(state)

/** Why the machine refused an event: the abuse-report cap has a problem of its own. */
function refusal(snapshot: ClaimSnapshot, event: ClaimEvent, state: string) {
  const uncapped = { ...event, policy: { ...event.policy, abuse_reports_max: Number.POSITIVE_INFINITY } }
  if (event.type === 'report_abuse' && snapshot.can(uncapped)) return abuseReportLimit(event.policy.abuse_reports_max)
  return actionNotAllowed(event.type, state)
}

export class ClaimTransitions {
  constructor(private readonly deps: { policy: Policy; clock: Clock }) {}

  /** The machine's answer to an event on the claim as read, or 409 if the state does not allow it. */
  decide(current: ClaimRow, actor: Actor, params: ClaimEventParams) {
    const before: ClaimSnapshot = restoreSnapshot(current.snapshot, current.machine_version)
    const event = { ...params, actor, at: this.deps.clock.now(), policy: machinePolicy(this.deps.policy) } as ClaimEvent
    if (!before.can(event)) throw refusal(before, event, current.state)
    const after = nextClaimSnapshot(before, event)
    return { before, after, at: event.at }
  }

  /**
   * Decides on the claim as read and writes the result in one statement
   * (transition.repository.ts). Undefined when the claim is no longer at the
   * version read: nothing was written, decide again on a fresh read.
   */
  async apply(
    db: DbOrTx,
    current: ClaimRow,
    actor: Actor,
    params: ClaimEventParams,
    firedDeadlineId?: string,
  ): Promise<WrittenClaim | undefined> {
    const { before, after, at: now } = this.decide(current, actor, params)
    const from = stateNames(before.value)
    const to = stateNames(after.value)
    const version = current.version + 1
    const ctx = after.context
    const same = (a: Deadline, b: Deadline) => a.kind === b.kind && a.due_at === b.due_at
    return writeTransition(db, {
      claimId: current.id,
      expectedVersion: current.version,
      changes: {
        state: to.state,
        arbiter_status: to.arbiter_status,
        assignee: ctx.arbiter.assignee,
        priority: ctx.arbiter.priority,
        overdue: ctx.arbiter.overdue,
        snapshot: storeSnapshot(after),
        machine_version: MACHINE_VERSION,
        version,
        resolution_type: ctx.resolution?.type ?? null,
        decided_by: ctx.resolution?.decided_by ?? null,
        first_response_at: ctx.first_seller_response_at === null ? null : new Date(ctx.first_seller_response_at),
        escalated_at: to.state === 'escalated' ? (current.escalated_at ?? new Date(now)) : current.escalated_at,
        updated_at: new Date(now),
        closed_at: isFinal(to.state) ? new Date(now) : null,
        next_due_at: nextDue(ctx.deadlines),
      },
      event: {
        claim_id: current.id,
        seq: version,
        actor_role: actor.role,
        actor_id: actor.id,
        action: params.type,
        from_state: from.state,
        to_state: to.state,
        payload: {
          ...params,
          type: undefined,
          ...(from.arbiter_status !== to.arbiter_status ? { arbiter_status: to.arbiter_status } : {}),
        },
        created_at: new Date(now),
      },
      droppedKinds: before.context.deadlines.filter((d) => !ctx.deadlines.some((a) => same(a, d))).map((d) => d.kind),
      ...(firedDeadlineId === undefined ? {} : { firedDeadlineId }),
      addedDeadlines: ctx.deadlines
        .filter((d) => !before.context.deadlines.some((b) => same(b, d)))
        .map((d) => ({ kind: d.kind, due_at: new Date(d.due_at), on_expiry: d.on_expiry })),
      // The feed and webhooks pick the transition up from claim_events (triggers); the chat gets a system message.
      message: {
        sender_role: 'system',
        sender_id: 'claimdesk',
        kind: 'system',
        text: transitionText(params, from.state, to.state, current.currency),
        payload: { claim_id: current.id, action: params.type, from_state: from.state, to_state: to.state, version },
        created_at: new Date(now),
      },
      at: new Date(now),
    })
  }

  /**
   * Optimistic concurrency: `attempt` decides on the claim as read and writes
   * only if the claim is still at that version (undefined otherwise). Another
   * transition got there first, so read again and decide again — the new
   * state may refuse the action (409), or the caller's expected version no
   * longer match (409 stale-version).
   */
  async retryOnConflict<T>(
    first: ClaimRow,
    attempt: (current: ClaimRow) => Promise<T | undefined>,
    reread: () => Promise<ClaimRow>,
  ): Promise<T> {
    let current = first
    for (let tries = 1; ; tries++) {
      const done = await attempt(current)
      if (done !== undefined) return done
      if (tries >= MAX_WRITE_ATTEMPTS) {
        throw keptChanging(current.version)
      }
      current = await reread()
    }
  }
}

// Walks the claim machine's graph (xstate/graph) with a generator of every
// event each role could send, so tests cover every state and transition.
import type { StateValue } from 'xstate'
import { getShortestPaths, type StatePath } from 'xstate/graph'
import { claimMachine } from '../../machines/claim.machine.js'
import { ACTIONS_BY_ROLE } from '../../machines/claim.catalogue.js'
import {
  DEADLINE_KINDS,
  type ActionName,
  type ClaimEvent,
  type MachinePolicy,
  type Role,
} from '../../machines/claim.types.js'
import type { ClaimSnapshot } from '../../src/domain/claims/claim-snapshot.js'

export const DAY = 86_400_000
export const T0 = Date.parse('2026-11-01T10:00:00Z')
export const LINE_TOTAL = 250_000

export const basePolicy = (over: Partial<MachinePolicy> = {}): MachinePolicy => ({
  durations: Object.fromEntries(DEADLINE_KINDS.map((k) => [k, DAY])) as MachinePolicy['durations'],
  seller_silence: 'escalate',
  auto_refund_max_amount: null,
  max_offers: 2,
  abuse_reports_max: 3,
  ...over,
})

const ACTOR_IDS: Record<Role, string> = {
  buyer: 'buyer-1',
  seller: 'shop-1',
  arbiter: 'arb-1',
  system: 'deadline-worker',
}

/** Data variants per action: each variant may take a different guarded branch. */
function variants(type: ActionName, snapshot: ClaimSnapshot): Record<string, unknown>[] {
  switch (type) {
    case 'request_info':
      return [
        { comment: 'Please add a photo of the seam.', from: 'buyer' },
        { comment: 'Please send the service report.', from: 'seller' },
      ]
    case 'approve_refund':
      return [{ with_return: false }, { with_return: true }]
    case 'offer_compensation':
      return [{ amount: 50_000 }]
    case 'offer_partial_delivery':
      return [{ part: 'lid' }]
    case 'reject':
      return [{ reason_code: 'mechanical_damage', comment: 'The housing shows impact damage.' }]
    case 'confirm_shipment':
    case 'ship_return':
      return [{ tracking: 'RB123456789RU' }]
    case 'provide_info':
      return [{ text: 'Here is the photo of the seam.' }]
    case 'decide':
      return ['refund_full', 'refund_with_return', 'compensation', 'replacement', 'reject_claim'].map((outcome) => ({
        outcome,
        comment: 'Decided on the evidence provided.',
        ...(outcome === 'compensation' ? { amount: 70_000 } : {}),
      }))
    case 'deadline_expired':
      return snapshot.context.deadlines.map((d) => ({ kind: d.kind }))
    default:
      return [{}]
  }
}

/**
 * Every event any role could send now. Time is "just after the earliest
 * deadline" for deadline and escalation events, so overdue guards can pass,
 * and "now" otherwise. Both seller-silence policies are offered.
 */
export function candidateEvents(snapshot: ClaimSnapshot): ClaimEvent[] {
  const due = Math.min(...snapshot.context.deadlines.map((d) => d.due_at), Infinity)
  const events: ClaimEvent[] = []
  for (const role of Object.keys(ACTIONS_BY_ROLE) as Role[]) {
    for (const type of ACTIONS_BY_ROLE[role]) {
      for (const data of variants(type, snapshot)) {
        const own =
          type === 'deadline_expired' ? snapshot.context.deadlines.find((d) => d.kind === data.kind)?.due_at : due
        const late = own !== undefined && Number.isFinite(own) ? own + 1 : T0
        const times = type === 'escalate' || type === 'deadline_expired' ? [late] : [T0 + 1]
        const policies =
          type === 'deadline_expired' ? [basePolicy(), basePolicy({ seller_silence: 'auto_refund' })] : [basePolicy()]
        for (const at of times) {
          for (const policy of policies) {
            events.push({ type, ...data, actor: { role, id: ACTOR_IDS[role] }, at, policy } as ClaimEvent)
          }
        }
      }
    }
  }
  return events
}

/** States are told apart by what shapes their future, not by timestamps. */
export function abstractKey(snapshot: ClaimSnapshot): string {
  const c = snapshot.context
  return JSON.stringify([
    snapshot.value,
    c.offers.length,
    c.offers.find((o) => o.status === 'pending')?.kind ?? null,
    c.seller_clock,
    c.arbiter.assignee,
    c.arbiter.info_from,
    c.arbiter.overdue,
    c.deadlines.map((d) => d.kind).sort(),
    c.resolution?.type ?? null,
  ])
}

export const eventKey = (e: ClaimEvent) =>
  JSON.stringify({ ...e, at: undefined, policy: e.type === 'deadline_expired' ? e.policy.seller_silence : undefined })

export function shortestPaths(): StatePath<ClaimSnapshot, ClaimEvent>[] {
  return getShortestPaths(claimMachine, {
    input: { line_total: LINE_TOTAL, at: T0, policy: basePolicy() },
    events: (snapshot) => candidateEvents(snapshot as ClaimSnapshot),
    serializeState: (snapshot) => abstractKey(snapshot as ClaimSnapshot),
    serializeEvent: (event) => eventKey(event as ClaimEvent),
    limit: 100_000,
  }) as StatePath<ClaimSnapshot, ClaimEvent>[]
}

/** A state value as the dotted path used by the machine definition ('escalated.under_review'). */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value
  const [k, v] = Object.entries(value)[0] as [string, StateValue]
  return `${k}.${statePath(v)}`
}

/** Every (source, event type, target) transition declared in the machine definition. */
export function declaredTransitions(): Set<string> {
  const out = new Set<string>()
  const visit = (node: typeof claimMachine.root) => {
    const leafSources = Object.keys(node.states).length ? [] : [node.path.join('.')]
    const sources = leafSources.length ? leafSources : collectLeaves(node)
    for (const [type, defs] of node.transitions) {
      if (type.startsWith('xstate.')) continue
      for (const def of defs) {
        for (const source of sources) {
          const target = def.target?.length ? leafTarget(def.target[0] as typeof claimMachine.root) : source
          out.add(`${source} --${type}--> ${target}`)
        }
      }
    }
    for (const child of Object.values(node.states)) visit(child as typeof claimMachine.root)
  }
  visit(claimMachine.root)
  return out
}

function collectLeaves(node: typeof claimMachine.root): string[] {
  const children = Object.values(node.states) as (typeof claimMachine.root)[]
  return children.length ? children.flatMap(collectLeaves) : [node.path.join('.')]
}

function leafTarget(node: typeof claimMachine.root): string {
  const initial = node.initial?.target?.[0] as typeof claimMachine.root | undefined
  return initial ? leafTarget(initial) : node.path.join('.')
}

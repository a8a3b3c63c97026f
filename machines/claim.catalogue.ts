// Which actions each role may ever send, and the per-caller list of actions
// the current state allows — computed by asking the machine, never hand-listed.
import type { SnapshotFrom } from 'xstate'
import type { claimMachine } from './claim.machine.js'
import type { ActionName, Actor, ClaimEvent, MachinePolicy, Role } from './claim.types.js'

export const ACTIONS_BY_ROLE: Record<Role, readonly ActionName[]> = {
  seller: [
    'request_info',
    'approve_refund',
    'offer_compensation',
    'offer_partial_delivery',
    'offer_replacement',
    'offer_repair',
    'reject',
    'confirm_shipment',
    'confirm_return_received',
    'report_abuse',
    'provide_info',
  ],
  buyer: ['provide_info', 'accept_offer', 'decline_offer', 'escalate', 'withdraw', 'ship_return', 'confirm_receipt'],
  arbiter: ['take', 'request_info', 'decide'],
  system: ['deadline_expired'],
}

export const ALL_ACTIONS: readonly ActionName[] = [...new Set(Object.values(ACTIONS_BY_ROLE).flat())]

/**
 * A representative event per action: guards look at who acts, when, and a few
 * state-shaping fields (with_return, outcome), never at parameter bounds,
 * which the service validates before the machine runs.
 */
function probe(type: ActionName, actor: Actor, at: number, policy: MachinePolicy): ClaimEvent {
  const base = { actor, at, policy }
  switch (type) {
    case 'request_info':
      return { ...base, type, comment: 'probe', from: 'buyer' }
    case 'approve_refund':
      return { ...base, type, with_return: false }
    case 'offer_compensation':
      return { ...base, type, amount: 1 }
    case 'offer_partial_delivery':
      return { ...base, type, part: 'probe' }
    case 'reject':
      return { ...base, type, reason_code: 'other', comment: 'probe' }
    case 'confirm_shipment':
    case 'ship_return':
      return { ...base, type, tracking: 'probe' }
    case 'provide_info':
      return { ...base, type, text: 'probe' }
    case 'decide':
      return { ...base, type, outcome: 'refund_full', comment: 'probe' }
    case 'deadline_expired':
      return { ...base, type, kind: 'seller_response' }
    default:
      return { ...base, type } as ClaimEvent
  }
}

export function allowedActions(
  snapshot: SnapshotFrom<typeof claimMachine>,
  actor: Actor,
  at: number,
  policy: MachinePolicy,
): ActionName[] {
  if (snapshot.status !== 'active') return []
  return ACTIONS_BY_ROLE[actor.role].filter((type) => snapshot.can(probe(type, actor, at, policy)))
}

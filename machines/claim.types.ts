// Types shared by the claim machine and the services that drive it.
// Names here are the API's contract (docs/lifecycle.md).

export type Role = 'buyer' | 'seller' | 'arbiter' | 'system'
export interface Actor {
  role: Role
  id: string
}

export const DEADLINE_KINDS = [
  'seller_response',
  'seller_after_decline',
  'buyer_info',
  'buyer_offer',
  'dispute_window',
  'return_ship',
  'return_receive',
  'fulfil',
  'receipt',
  'arbiter_decision',
  'arbiter_info',
] as const
export type DeadlineKind = (typeof DEADLINE_KINDS)[number]

export type OnExpiry =
  'escalate' | 'auto_refund' | 'close' | 'reopen_seller' | 'resolve' | 'flag_overdue' | 'resume_review'

export interface Deadline {
  kind: DeadlineKind
  /** Epoch milliseconds. */
  due_at: number
  on_expiry: OnExpiry
}

/** The slice of policy the machine needs; the service passes it with every event. */
export interface MachinePolicy {
  durations: Record<DeadlineKind, number>
  seller_silence: 'escalate' | 'auto_refund'
  auto_refund_max_amount: number | null
  max_offers: number
  /** report_abuse events a claim takes in all. */
  abuse_reports_max: number
}

export type OfferKind = 'compensation' | 'partial_delivery' | 'replacement' | 'repair'
export interface Offer {
  n: number
  kind: OfferKind
  amount: number | null
  part: string | null
  status: 'pending' | 'accepted' | 'declined' | 'lapsed'
  made_at: number
  answered_at: number | null
}

export type ResolutionType =
  'refund' | 'refund_with_return' | 'compensation' | 'partial_delivery' | 'replacement' | 'repair' | 'claim_rejected'
export type DecidedBy = 'seller' | 'buyer' | 'arbiter' | 'system'
export interface Sanctions {
  seller_fine: number | null
  buyer_restriction: boolean
}
export interface Resolution {
  type: ResolutionType
  amount: number | null
  decided_by: DecidedBy
  decided_at: number
  comment: string | null
  sanctions: Sanctions | null
  /** Who closed the loop when a shipment or receipt was still due. */
  completed_by: DecidedBy | null
}

export type CloseReason = 'abandoned' | 'rejection_accepted' | 'return_not_shipped'

export interface ArbiterDesk {
  assignee: string | null
  priority: number
  overdue: boolean
  info_from: 'buyer' | 'seller' | null
}

export interface ClaimContext {
  line_total: number
  offers: Offer[]
  resolution: Resolution | null
  deadlines: Deadline[]
  /** Which clock binds the seller when the claim returns to awaiting_seller. */
  seller_clock: 'seller_response' | 'seller_after_decline'
  arbiter: ArbiterDesk
  close_reason: CloseReason | null
  first_seller_response_at: number | null
  tracking: { return: string | null; shipment: string | null }
  /** Seller reports of an abusive buyer; they go to the arbiters, the state stays. */
  abuse_reports: number
}

export interface ClaimInput {
  line_total: number
  at: number
  policy: MachinePolicy
}

/** Every event carries who acts, when, and the policy in force. */
interface EventBase {
  actor: Actor
  at: number
  policy: MachinePolicy
}

export type RejectReason =
  | 'no_defect_found'
  | 'mechanical_damage'
  | 'warranty_expired'
  | 'packaging_compromised'
  | 'service_center_report_required'
  | 'other'

export type ArbiterOutcome = 'refund_full' | 'refund_with_return' | 'compensation' | 'replacement' | 'reject_claim'

export type ClaimEvent = EventBase &
  (
    | { type: 'request_info'; comment: string; from?: 'buyer' | 'seller' }
    | { type: 'approve_refund'; with_return: boolean }
    | { type: 'offer_compensation'; amount: number }
    | { type: 'offer_partial_delivery'; part: string }
    | { type: 'offer_replacement' }
    | { type: 'offer_repair' }
    | { type: 'reject'; reason_code: RejectReason; comment: string }
    | { type: 'confirm_shipment'; tracking: string }
    | { type: 'confirm_return_received' }
    | { type: 'report_abuse'; comment?: string }
    | { type: 'provide_info'; text: string }
    | { type: 'accept_offer' }
    | { type: 'decline_offer' }
    | { type: 'escalate'; comment?: string }
    | { type: 'withdraw' }
    | { type: 'ship_return'; tracking: string }
    | { type: 'confirm_receipt' }
    | { type: 'take' }
    | {
        type: 'decide'
        outcome: ArbiterOutcome
        amount?: number
        comment: string
        sanctions?: Partial<Sanctions>
      }
    | { type: 'deadline_expired'; kind: DeadlineKind }
  )

export type ActionName = ClaimEvent['type']

/** An event without who/when/policy: what a caller supplies for an action. */
export type ClaimEventParams = ClaimEvent extends infer E
  ? E extends unknown
    ? Omit<E, keyof EventBase>
    : never
  : never

// The service's vocabularies as lists the pages can show, each checked against the generated
// contract (schema.d.ts): a state, reason or action the API gains or loses fails `tsc` here
// until the list (and its texts) follow, so the app cannot drift from the service.
import type { Claim, ClaimActionBody } from './types'

/** Why a list is not the whole union: the members it lacks, named in the compiler's message. */
type Missing<U extends string, T extends readonly string[]> = [Exclude<U, T[number]>] extends [never]
  ? unknown
  : { missing: Exclude<U, T[number]> }

/** Every member of the union U exactly as listed: an unknown one or a missing one is a type error. */
export const everyOf =
  <U extends string>() =>
  <const T extends readonly U[]>(values: T & Missing<U, T>): T =>
    values

export type ClaimState = Claim['state']
export type ClaimReason = Claim['reason']
export type ClaimResolution = Claim['requested_resolution']
export type ActionName = ClaimActionBody['action']
export type RejectReason = Extract<ClaimActionBody, { action: 'reject' }>['reason_code']

export const CLAIM_STATES = everyOf<ClaimState>()([
  'awaiting_seller',
  'awaiting_buyer_info',
  'offer_pending',
  'rejected',
  'awaiting_return',
  'return_in_transit',
  'fulfilling',
  'awaiting_receipt',
  'escalated',
  'resolved',
  'closed',
  'withdrawn',
])

export const CLAIM_REASONS = everyOf<ClaimReason>()([
  'defect',
  'missing_part',
  'wrong_item',
  'damaged_in_transit',
  'not_as_described',
])

export const CLAIM_RESOLUTIONS = everyOf<ClaimResolution>()([
  'refund',
  'replacement',
  'repair',
  'compensation',
  'missing_part',
])

export const REJECT_REASONS = everyOf<RejectReason>()([
  'no_defect_found',
  'mechanical_damage',
  'warranty_expired',
  'packaging_compromised',
  'service_center_report_required',
  'other',
])

/**
 * Whether the sellers' decision panel offers each action (provide_info is answered in the chat
 * there). Every action of the contract must be named, so a new one is a decision, not an omission.
 */
const SELLER_DECIDES = {
  request_info: true,
  approve_refund: true,
  offer_compensation: true,
  offer_partial_delivery: true,
  offer_replacement: true,
  offer_repair: true,
  reject: true,
  confirm_shipment: true,
  confirm_return_received: true,
  report_abuse: true,
  provide_info: false,
  accept_offer: false,
  decline_offer: false,
  escalate: false,
  withdraw: false,
  ship_return: false,
  confirm_receipt: false,
  take: false,
  decide: false,
} as const satisfies Record<ActionName, boolean>

export type SellerAction = { [A in ActionName]: (typeof SELLER_DECIDES)[A] extends true ? A : never }[ActionName]

/** The seller's actions, in the order the panel lists them. */
export const SELLER_ACTIONS = (Object.keys(SELLER_DECIDES) as ActionName[]).filter(
  (a): a is SellerAction => SELLER_DECIDES[a],
)

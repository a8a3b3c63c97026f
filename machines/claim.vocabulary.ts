// The claim's closed vocabularies: what a buyer may claim and ask for, why a
// seller may reject, and how an arbiter may decide. The request schemas, the
// parameter checks and the list filters all read them from here.

export const CLAIM_REASONS = ['defect', 'missing_part', 'wrong_item', 'damaged_in_transit', 'not_as_described'] as const
export type ClaimReason = (typeof CLAIM_REASONS)[number]

export const REQUESTED_RESOLUTIONS = ['refund', 'replacement', 'repair', 'compensation', 'missing_part'] as const
export type RequestedResolution = (typeof REQUESTED_RESOLUTIONS)[number]

export const REJECT_REASONS = [
  'no_defect_found',
  'mechanical_damage',
  'warranty_expired',
  'packaging_compromised',
  'service_center_report_required',
  'other',
] as const

export const ARBITER_OUTCOMES = [
  'refund_full',
  'refund_with_return',
  'compensation',
  'replacement',
  'reject_claim',
] as const

/** Reasons whose claims need photo evidence (policy defect_photos_min), whatever the request's content type. */
export const PHOTO_EVIDENCE_REASONS: ReadonlySet<ClaimReason> = new Set<ClaimReason>(['defect', 'damaged_in_transit'])

/**
 * States a claim never leaves: no deadlines, nothing overdue; a line with no
 * claim outside them may be claimed again. Must match the partial indexes of
 * migrations/20261122040000_seller_views.ts.
 */
export const FINAL_STATES = ['resolved', 'closed', 'withdrawn'] as const

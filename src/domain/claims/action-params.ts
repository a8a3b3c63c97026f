// Parameter rules of the claim actions (docs/lifecycle.md), checked before the machine runs so that a
// bad parameter is a 422 naming the field, never a silent 409.
import { forbidden, validation } from '../../shared/errors.js'
import { offerOutOfBounds } from './errors.js'
import type { ActionName, ClaimEventParams } from '../../../machines/claim.types.js'
import { ARBITER_OUTCOMES, REJECT_REASONS } from '../../../machines/claim.vocabulary.js'

export interface ActionBody {
  action: ActionName
  amount?: number
  with_return?: boolean
  part?: string
  reason_code?: string
  comment?: string
  tracking?: string
  text?: string
  from?: 'buyer' | 'seller'
  outcome?: string
  sanctions?: { seller_fine?: number; buyer_restriction?: boolean }
}

type Params = ClaimEventParams

const need = <T>(value: T | undefined, field: string): T => {
  if (value === undefined || value === null) throw validation(`"${field}" is required for this action`, { field })
  return value
}

function text(value: string | undefined, field: string, min: number, max: number): string {
  const s = need(value, field).trim()
  if (s.length < min || s.length > max) {
    throw validation(`"${field}" must be ${min}–${max} characters (got ${s.length})`, { field })
  }
  return s
}

// A carrier's tracking number: letters and digits in groups joined by one
// space or hyphen ("RA123456789RU" UPU S10, "80080012345678" Russian Post,
// "1106171234" CDEK, "CDEK-1234-5678").
const TRACKING_SHAPE = /^[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*$/
const TRACKING_MIN = 8
const TRACKING_MAX = 30

/**
 * Tracking is shown to the other party, so it takes only what a carrier
 * issues: 8–30 letters and digits, at least half of them digits. Words,
 * links and handles never fit; a phone does, and moderation refuses it.
 */
function tracking(value: string | undefined): string {
  const s = need(value, 'tracking').trim()
  const chars = s.replace(/[ -]/g, '')
  const digits = chars.replace(/[^0-9]/g, '').length
  if (
    !TRACKING_SHAPE.test(s) ||
    chars.length < TRACKING_MIN ||
    chars.length > TRACKING_MAX ||
    digits * 2 < chars.length
  ) {
    throw validation(
      `"tracking" must be a carrier's tracking number: ${TRACKING_MIN}–${TRACKING_MAX} Latin letters and digits, at least half of them digits, grouped by single spaces or hyphens (e.g. RA123456789RU)`,
      { field: 'tracking' },
    )
  }
  return s
}

/** Money a party may offer for this line: at least 1 minor unit, less than the full line price. */
function checkOfferAmount(amount: number | undefined, lineTotal: number): number {
  const value = need(amount, 'amount')
  if (!Number.isSafeInteger(value) || value < 1 || value > lineTotal - 1) {
    throw offerOutOfBounds(lineTotal)
  }
  return value
}

export function actionParams(body: ActionBody, role: string, lineTotal: number): Params {
  const { action } = body
  switch (action) {
    case 'request_info':
      if (role === 'arbiter') {
        return { type: action, from: need(body.from, 'from'), comment: text(body.comment, 'comment', 1, 1000) }
      }
      return { type: action, comment: text(body.comment, 'comment', 1, 1000) }
    case 'approve_refund':
      return { type: action, with_return: need(body.with_return, 'with_return') }
    case 'offer_compensation':
      return { type: action, amount: checkOfferAmount(body.amount, lineTotal) }
    case 'offer_partial_delivery':
      return { type: action, part: text(body.part, 'part', 1, 200) }
    case 'reject': {
      const reason = need(body.reason_code, 'reason_code')
      if (!(REJECT_REASONS as readonly string[]).includes(reason)) {
        throw validation(`"reason_code" must be one of ${REJECT_REASONS.join(', ')}`, { field: 'reason_code' })
      }
      return {
        type: action,
        reason_code: reason as (typeof REJECT_REASONS)[number],
        comment: text(body.comment, 'comment', 10, 1000),
      }
    }
    case 'confirm_shipment':
    case 'ship_return':
      return { type: action, tracking: tracking(body.tracking) }
    case 'provide_info':
      return { type: action, text: text(body.text, 'text', 1, 2000) }
    case 'escalate':
      return body.comment === undefined
        ? { type: action }
        : { type: action, comment: text(body.comment, 'comment', 1, 1000) }
    case 'report_abuse':
      return body.comment === undefined
        ? { type: action }
        : { type: action, comment: text(body.comment, 'comment', 1, 1000) }
    case 'decide': {
      const outcome = need(body.outcome, 'outcome')
      if (!(ARBITER_OUTCOMES as readonly string[]).includes(outcome)) {
        throw validation(`"outcome" must be one of ${ARBITER_OUTCOMES.join(', ')}`, { field: 'outcome' })
      }
      const fine = body.sanctions?.seller_fine
      if (fine !== undefined && (!Number.isSafeInteger(fine) || fine < 0)) {
        throw validation('"sanctions.seller_fine" must be a non-negative integer in minor units', {
          field: 'sanctions.seller_fine',
        })
      }
      return {
        type: action,
        outcome: outcome as (typeof ARBITER_OUTCOMES)[number],
        comment: text(body.comment, 'comment', 10, 1000),
        ...(outcome === 'compensation' ? { amount: checkOfferAmount(body.amount, lineTotal) } : {}),
        ...(body.sanctions ? { sanctions: body.sanctions } : {}),
      }
    }
    case 'offer_replacement':
    case 'offer_repair':
    case 'accept_offer':
    case 'decline_offer':
    case 'withdraw':
    case 'confirm_return_received':
    case 'confirm_receipt':
    case 'take':
      return { type: action }
    case 'deadline_expired':
      throw forbidden('deadline_expired is sent only by the service itself')
  }
}

// The system message a transition posts in the claim's chat thread.
import type { ClaimEventParams } from '../../../machines/claim.types.js'

const money = (amount: number | undefined, currency: string) =>
  amount === undefined ? '' : ` ${(amount / 100).toFixed(2)} ${currency}`

export function transitionText(params: ClaimEventParams, from: string, to: string, currency: string): string {
  switch (params.type) {
    case 'request_info':
      return `More information was requested: ${params.comment}`
    case 'approve_refund':
      return params.with_return
        ? 'The seller approved a refund; please ship the item back.'
        : 'The seller approved a refund.'
    case 'offer_compensation':
      return `The seller offered compensation of${money(params.amount, currency)}.`
    case 'offer_partial_delivery':
      return `The seller offered to send the missing part: ${params.part}.`
    case 'offer_replacement':
      return 'The seller offered a replacement.'
    case 'offer_repair':
      return 'The seller offered a repair.'
    case 'reject':
      return `The seller rejected the claim (${params.reason_code}): ${params.comment}`
    case 'accept_offer':
      return 'The buyer accepted the offer.'
    case 'decline_offer':
      return 'The buyer declined the offer.'
    case 'decide':
      return `The arbiter decided: ${params.outcome}. ${params.comment}`
    case 'deadline_expired':
      return `The ${params.kind.replaceAll('_', ' ')} deadline passed; the claim moved from ${from} to ${to}.`
    default:
      return `Claim ${params.type.replaceAll('_', ' ')}: ${from} → ${to}.`
  }
}

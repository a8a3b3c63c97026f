// Which free text of an action the other party reads, and so moderation
// checks like a chat message (docs/moderation.md, "Which texts are moderated").
import type { ClaimEventParams } from '../../../machines/claim.types.js'

/**
 * The text of validated action parameters that reaches the other party: the
 * claim view, the audit trail, the feed, webhooks or the chat's system
 * message. A report_abuse comment is not among them: it is for arbiters only
 * (event-payload.ts), and moderating it would refuse the very abuse it quotes.
 */
export function textForOtherParty(params: ClaimEventParams): { text: string; label: boolean } | undefined {
  switch (params.type) {
    case 'provide_info':
      return { text: params.text, label: false }
    // Labels, not replies: a part's name or a tracking number may be one word.
    case 'offer_partial_delivery':
      return { text: params.part, label: true }
    case 'confirm_shipment':
    case 'ship_return':
      return { text: params.tracking, label: true }
    case 'reject':
    case 'request_info':
    case 'decide':
    case 'escalate':
      return params.comment === undefined ? undefined : { text: params.comment, label: false }
    default:
      return undefined
  }
}

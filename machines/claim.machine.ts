// The claim lifecycle (docs/lifecycle.md) as an XState v5 machine.
// Pure: no I/O, no timers. Every event carries its actor, its time and the
// policy in force; deadlines are data in the context that the service turns
// into rows (Postgres) and jobs (BullMQ). Business deadlines never use `after`
// because delays are not restored from a persisted snapshot.
import { and, assign, setup } from 'xstate'
import type {
  ClaimContext,
  ClaimEvent,
  ClaimInput,
  Deadline,
  DeadlineKind,
  DecidedBy,
  MachinePolicy,
  OfferKind,
  OnExpiry,
  Resolution,
  ResolutionType,
  Role,
} from './claim.types.js'

/** Bump when a change makes old persisted snapshots unreadable. */
export const MACHINE_VERSION = 1

type EventOf<T extends ClaimEvent['type']> = Extract<ClaimEvent, { type: T }>
type AnyEvent = ClaimEvent | { type: 'xstate.init'; input: ClaimInput }

/** Time and policy of the event that caused a transition (the init event carries them in its input). */
function clockOf(event: AnyEvent): { at: number; policy: MachinePolicy } {
  return 'input' in event ? event.input : event
}

function deadline(kind: DeadlineKind, on_expiry: OnExpiry, event: AnyEvent): Deadline {
  const { at, policy } = clockOf(event)
  return { kind, due_at: at + policy.durations[kind], on_expiry }
}

function resolution(
  type: ResolutionType,
  decided_by: DecidedBy,
  at: number,
  extra: Partial<Resolution> = {},
): Resolution {
  return {
    type,
    amount: null,
    decided_by,
    decided_at: at,
    comment: null,
    sanctions: null,
    completed_by: null,
    ...extra,
  }
}

const OFFER_KIND: Record<string, OfferKind> = {
  offer_compensation: 'compensation',
  offer_partial_delivery: 'partial_delivery',
  offer_replacement: 'replacement',
  offer_repair: 'repair',
}

const pendingOffer = (context: ClaimContext) => context.offers.find((o) => o.status === 'pending')

const isRole =
  (role: Role) =>
  ({ event }: { event: ClaimEvent }) =>
    event.actor.role === role

export const claimMachine = setup({
  types: {
    context: {} as ClaimContext,
    events: {} as ClaimEvent,
    input: {} as ClaimInput,
  },
  guards: {
    isSeller: isRole('seller'),
    isBuyer: isRole('buyer'),
    isArbiter: isRole('arbiter'),
    isSystem: isRole('system'),
    sellerMayOffer: ({ context, event }) =>
      event.actor.role === 'seller' && context.offers.length < event.policy.max_offers,
    /** A buyer may escalate an offer only once the seller has used every offer. */
    buyerMayEscalateOffer: ({ context, event }) =>
      event.actor.role === 'buyer' && context.offers.length >= event.policy.max_offers,
    /** A buyer may escalate a seller-waiting state once its deadline has passed. */
    buyerMayEscalateOverdue: ({ context, event }) =>
      event.actor.role === 'buyer' && context.deadlines.some((d) => d.due_at <= event.at),
    /** A seller may report the buyer's abuse on a claim up to the policy's cap. */
    sellerMayReportAbuse: ({ context, event }) =>
      event.actor.role === 'seller' && context.abuse_reports < event.policy.abuse_reports_max,
    isAssignedArbiter: ({ context, event }) =>
      event.actor.role === 'arbiter' && context.arbiter.assignee === event.actor.id,
    isAskedParty: ({ context, event }) =>
      (event.actor.role === 'buyer' || event.actor.role === 'seller') && context.arbiter.info_from === event.actor.role,
    deadlineDue: ({ context, event }) =>
      event.type === 'deadline_expired' &&
      event.actor.role === 'system' &&
      context.deadlines.some((d) => d.kind === event.kind),
    autoRefundApplies: ({ context, event }) =>
      event.policy.seller_silence === 'auto_refund' &&
      (event.policy.auto_refund_max_amount === null || context.line_total <= event.policy.auto_refund_max_amount),
    decisionNeedsReturn: ({ event }) => event.type === 'decide' && event.outcome === 'refund_with_return',
    decisionNeedsShipment: ({ event }) => event.type === 'decide' && event.outcome === 'replacement',
  },
  actions: {
    setSellerDeadline: assign({
      deadlines: ({ context, event }) => [deadline(context.seller_clock, sellerExpiry(event), event)],
    }),
    setDeadline: assign(({ event }, params: { kind: DeadlineKind; on_expiry: OnExpiry }) => ({
      deadlines: [deadline(params.kind, params.on_expiry, event)],
    })),
    addDeadline: assign(({ context, event }, params: { kind: DeadlineKind; on_expiry: OnExpiry }) => ({
      deadlines: [
        ...context.deadlines.filter((d) => d.kind !== params.kind),
        deadline(params.kind, params.on_expiry, event),
      ],
    })),
    dropDeadline: assign(({ context }, params: { kind: DeadlineKind }) => ({
      deadlines: context.deadlines.filter((d) => d.kind !== params.kind),
    })),
    clearDeadlines: assign({ deadlines: [] }),
    countAbuseReport: assign(({ context }) => ({ abuse_reports: context.abuse_reports + 1 })),
    stampSellerResponse: assign(({ context, event }) => ({
      first_seller_response_at: context.first_seller_response_at ?? event.at,
    })),
    useSellerClock: assign((_, params: { clock: ClaimContext['seller_clock'] }) => ({ seller_clock: params.clock })),
    recordOffer: assign({
      offers: ({ context, event }) => {
        return [
          ...context.offers,
          {
            n: context.offers.length + 1,
            kind: OFFER_KIND[event.type] as OfferKind,
            amount: event.type === 'offer_compensation' ? event.amount : null,
            part: event.type === 'offer_partial_delivery' ? event.part : null,
            status: 'pending' as const,
            made_at: event.at,
            answered_at: null,
          },
        ]
      },
    }),
    answerOffer: assign(({ context, event }, params: { status: 'accepted' | 'declined' | 'lapsed' }) => ({
      offers: context.offers.map((o) =>
        o.status === 'pending' ? { ...o, status: params.status, answered_at: event.at } : o,
      ),
    })),
    resolveFromOffer: assign({
      resolution: ({ context, event }) => {
        const offer = pendingOffer(context)
        return resolution(offer?.kind ?? 'compensation', 'buyer', event.at, { amount: offer?.amount ?? null })
      },
    }),
    resolveRefund: assign({
      resolution: ({ context, event }) => {
        const withReturn = event.type === 'approve_refund' && event.with_return
        return resolution(withReturn ? 'refund_with_return' : 'refund', 'seller', event.at, {
          amount: context.line_total,
        })
      },
    }),
    resolveAutoRefund: assign({
      resolution: ({ context, event }) => resolution('refund', 'system', event.at, { amount: context.line_total }),
    }),
    resolveByArbiter: assign({
      resolution: ({ context, event }) => {
        const e = event as EventOf<'decide'>
        const type: ResolutionType = {
          refund_full: 'refund',
          refund_with_return: 'refund_with_return',
          compensation: 'compensation',
          replacement: 'replacement',
          reject_claim: 'claim_rejected',
        }[e.outcome] as ResolutionType
        const amount =
          e.outcome === 'compensation' ? (e.amount ?? null) : type.startsWith('refund') ? context.line_total : null
        const sanctions = e.sanctions
          ? { seller_fine: e.sanctions.seller_fine ?? null, buyer_restriction: e.sanctions.buyer_restriction ?? false }
          : null
        return resolution(type, 'arbiter', event.at, { amount, comment: e.comment, sanctions })
      },
    }),
    complete: assign({
      resolution: ({ context, event }) =>
        context.resolution && { ...context.resolution, completed_by: event.actor.role as DecidedBy },
    }),
    setCloseReason: assign((_, params: { reason: ClaimContext['close_reason'] }) => ({ close_reason: params.reason })),
    assignArbiter: assign({
      arbiter: ({ context, event }) => ({ ...context.arbiter, assignee: event.actor.id }),
    }),
    askParty: assign({
      arbiter: ({ context, event }) => ({
        ...context.arbiter,
        info_from: event.type === 'request_info' ? (event.from ?? 'buyer') : null,
      }),
    }),
    clearAsk: assign({ arbiter: ({ context }) => ({ ...context.arbiter, info_from: null }) }),
    flagOverdue: assign({
      arbiter: ({ context }) => ({ ...context.arbiter, overdue: true, priority: context.arbiter.priority + 1 }),
    }),
    recordReturnTracking: assign({
      tracking: ({ context, event }) => ({ ...context.tracking, return: (event as EventOf<'ship_return'>).tracking }),
    }),
    recordShipmentTracking: assign({
      tracking: ({ context, event }) => ({
        ...context.tracking,
        shipment: (event as EventOf<'confirm_shipment'>).tracking,
      }),
    }),
  },
}).createMachine({
  id: 'claim',
  initial: 'awaiting_seller',
  context: ({ input }) => ({
    line_total: input.line_total,
    offers: [],
    resolution: null,
    deadlines: [],
    seller_clock: 'seller_response',
    arbiter: { assignee: null, priority: 0, overdue: false, info_from: null },
    close_reason: null,
    first_seller_response_at: null,
    tracking: { return: null, shipment: null },
    abuse_reports: 0,
  }),
  states: {
    awaiting_seller: {
      entry: 'setSellerDeadline',
      on: {
        request_info: {
          guard: 'isSeller',
          target: 'awaiting_buyer_info',
          actions: 'stampSellerResponse',
        },
        approve_refund: [
          {
            guard: and(['isSeller', ({ event }) => event.type === 'approve_refund' && event.with_return]),
            target: 'awaiting_return',
            actions: ['stampSellerResponse', 'resolveRefund'],
          },
          { guard: 'isSeller', target: 'resolved', actions: ['stampSellerResponse', 'resolveRefund'] },
        ],
        offer_compensation: {
          guard: 'sellerMayOffer',
          target: 'offer_pending',
          actions: ['stampSellerResponse', 'recordOffer'],
        },
        offer_partial_delivery: {
          guard: 'sellerMayOffer',
          target: 'offer_pending',
          actions: ['stampSellerResponse', 'recordOffer'],
        },
        offer_replacement: {
          guard: 'sellerMayOffer',
          target: 'offer_pending',
          actions: ['stampSellerResponse', 'recordOffer'],
        },
        offer_repair: {
          guard: 'sellerMayOffer',
          target: 'offer_pending',
          actions: ['stampSellerResponse', 'recordOffer'],
        },
        reject: { guard: 'isSeller', target: 'rejected', actions: 'stampSellerResponse' },
        report_abuse: { guard: 'sellerMayReportAbuse', actions: 'countAbuseReport' },
        escalate: { guard: 'buyerMayEscalateOverdue', target: 'escalated' },
        withdraw: { guard: 'isBuyer', target: 'withdrawn' },
        deadline_expired: [
          { guard: and(['deadlineDue', 'autoRefundApplies']), target: 'resolved', actions: 'resolveAutoRefund' },
          { guard: 'deadlineDue', target: 'escalated' },
        ],
      },
    },
    awaiting_buyer_info: {
      // The seller's clock stops while the buyer owes information.
      entry: { type: 'setDeadline', params: { kind: 'buyer_info', on_expiry: 'close' } },
      on: {
        provide_info: {
          guard: 'isBuyer',
          target: 'awaiting_seller',
          actions: { type: 'useSellerClock', params: { clock: 'seller_response' } },
        },
        report_abuse: { guard: 'sellerMayReportAbuse', actions: 'countAbuseReport' },
        withdraw: { guard: 'isBuyer', target: 'withdrawn' },
        deadline_expired: {
          guard: 'deadlineDue',
          target: 'closed',
          actions: { type: 'setCloseReason', params: { reason: 'abandoned' } },
        },
      },
    },
    offer_pending: {
      entry: { type: 'setDeadline', params: { kind: 'buyer_offer', on_expiry: 'reopen_seller' } },
      on: {
        accept_offer: [
          {
            guard: and(['isBuyer', ({ context }) => pendingOffer(context)?.kind === 'compensation']),
            target: 'resolved',
            actions: ['resolveFromOffer', { type: 'answerOffer', params: { status: 'accepted' } }],
          },
          {
            guard: 'isBuyer',
            target: 'fulfilling',
            actions: ['resolveFromOffer', { type: 'answerOffer', params: { status: 'accepted' } }],
          },
        ],
        decline_offer: {
          guard: 'isBuyer',
          target: 'awaiting_seller',
          actions: [
            { type: 'answerOffer', params: { status: 'declined' } },
            { type: 'useSellerClock', params: { clock: 'seller_after_decline' } },
          ],
        },
        escalate: {
          guard: 'buyerMayEscalateOffer',
          target: 'escalated',
          actions: { type: 'answerOffer', params: { status: 'declined' } },
        },
        report_abuse: { guard: 'sellerMayReportAbuse', actions: 'countAbuseReport' },
        withdraw: { guard: 'isBuyer', target: 'withdrawn' },
        deadline_expired: {
          guard: 'deadlineDue',
          target: 'awaiting_seller',
          actions: [
            { type: 'answerOffer', params: { status: 'lapsed' } },
            { type: 'useSellerClock', params: { clock: 'seller_after_decline' } },
          ],
        },
      },
    },
    rejected: {
      entry: { type: 'setDeadline', params: { kind: 'dispute_window', on_expiry: 'close' } },
      on: {
        escalate: { guard: 'isBuyer', target: 'escalated' },
        withdraw: { guard: 'isBuyer', target: 'withdrawn' },
        report_abuse: { guard: 'sellerMayReportAbuse', actions: 'countAbuseReport' },
        deadline_expired: {
          guard: 'deadlineDue',
          target: 'closed',
          actions: { type: 'setCloseReason', params: { reason: 'rejection_accepted' } },
        },
      },
    },
    awaiting_return: {
      entry: { type: 'setDeadline', params: { kind: 'return_ship', on_expiry: 'close' } },
      on: {
        ship_return: { guard: 'isBuyer', target: 'return_in_transit', actions: 'recordReturnTracking' },
        withdraw: { guard: 'isBuyer', target: 'withdrawn' },
        report_abuse: { guard: 'sellerMayReportAbuse', actions: 'countAbuseReport' },
        deadline_expired: {
          guard: 'deadlineDue',
          target: 'closed',
          actions: { type: 'setCloseReason', params: { reason: 'return_not_shipped' } },
        },
      },
    },
    return_in_transit: {
      entry: { type: 'setDeadline', params: { kind: 'return_receive', on_expiry: 'escalate' } },
      on: {
        confirm_return_received: { guard: 'isSeller', target: 'resolved', actions: 'complete' },
        escalate: { guard: 'buyerMayEscalateOverdue', target: 'escalated' },
        report_abuse: { guard: 'sellerMayReportAbuse', actions: 'countAbuseReport' },
        deadline_expired: { guard: 'deadlineDue', target: 'escalated' },
      },
    },
    fulfilling: {
      entry: { type: 'setDeadline', params: { kind: 'fulfil', on_expiry: 'escalate' } },
      on: {
        confirm_shipment: { guard: 'isSeller', target: 'awaiting_receipt', actions: 'recordShipmentTracking' },
        escalate: { guard: 'buyerMayEscalateOverdue', target: 'escalated' },
        report_abuse: { guard: 'sellerMayReportAbuse', actions: 'countAbuseReport' },
        deadline_expired: { guard: 'deadlineDue', target: 'escalated' },
      },
    },
    awaiting_receipt: {
      entry: { type: 'setDeadline', params: { kind: 'receipt', on_expiry: 'resolve' } },
      on: {
        confirm_receipt: { guard: 'isBuyer', target: 'resolved', actions: 'complete' },
        report_abuse: { guard: 'sellerMayReportAbuse', actions: 'countAbuseReport' },
        deadline_expired: { guard: 'deadlineDue', target: 'resolved', actions: 'complete' },
      },
    },
    escalated: {
      initial: 'unassigned',
      entry: { type: 'setDeadline', params: { kind: 'arbiter_decision', on_expiry: 'flag_overdue' } },
      on: {
        report_abuse: { guard: 'sellerMayReportAbuse', actions: 'countAbuseReport' },
        deadline_expired: {
          guard: and([
            'isSystem',
            ({ event }) => event.type === 'deadline_expired' && event.kind === 'arbiter_decision',
          ]),
          actions: ['flagOverdue', { type: 'dropDeadline', params: { kind: 'arbiter_decision' } }],
        },
        decide: [
          {
            guard: and(['isAssignedArbiter', 'decisionNeedsReturn']),
            target: 'awaiting_return',
            actions: 'resolveByArbiter',
          },
          {
            guard: and(['isAssignedArbiter', 'decisionNeedsShipment']),
            target: 'fulfilling',
            actions: 'resolveByArbiter',
          },
          { guard: 'isAssignedArbiter', target: 'resolved', actions: 'resolveByArbiter' },
        ],
      },
      states: {
        unassigned: {
          on: { take: { guard: 'isArbiter', target: 'under_review', actions: 'assignArbiter' } },
        },
        under_review: {
          on: { request_info: { guard: 'isAssignedArbiter', target: 'awaiting_info', actions: 'askParty' } },
        },
        awaiting_info: {
          entry: { type: 'addDeadline', params: { kind: 'arbiter_info', on_expiry: 'resume_review' } },
          exit: ['clearAsk', { type: 'dropDeadline', params: { kind: 'arbiter_info' } }],
          on: {
            provide_info: { guard: 'isAskedParty', target: 'under_review' },
            deadline_expired: {
              guard: and([
                'isSystem',
                ({ event }) => event.type === 'deadline_expired' && event.kind === 'arbiter_info',
              ]),
              target: 'under_review',
            },
          },
        },
      },
    },
    resolved: { type: 'final', entry: 'clearDeadlines' },
    closed: { type: 'final', entry: 'clearDeadlines' },
    withdrawn: { type: 'final', entry: 'clearDeadlines' },
  },
})

function sellerExpiry(event: AnyEvent): OnExpiry {
  return clockOf(event).policy.seller_silence === 'auto_refund' ? 'auto_refund' : 'escalate'
}

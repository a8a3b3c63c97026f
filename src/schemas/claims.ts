// Claims (docs/api.md): the request bodies, the claim as each role sees it,
// the audit trail and the lists.
import { Type, type Static, type TObject, type TProperties, type TSchema } from 'typebox'
import { ALL_ACTIONS } from '../../machines/claim.catalogue.js'
import { DEADLINE_KINDS } from '../../machines/claim.types.js'
import {
  ARBITER_OUTCOMES,
  CLAIM_REASONS,
  REJECT_REASONS,
  REQUESTED_RESOLUTIONS,
} from '../../machines/claim.vocabulary.js'
import { DateTime, defaultsOptional, Money, Nullable, Page, ref, stringEnum } from './common.js'
import { ClaimPhoto, PhotoReuse } from './photos.js'

/**
 * Photos travel only as multipart/form-data file parts named `photos` (the
 * other members as text fields); a JSON body may not carry them.
 */
export const photoParts = (maxItems: number, description: string) =>
  Type.Array(Type.String({ format: 'binary' }), { minItems: 1, maxItems, description })

const ClaimCreateMembers = {
  order_id: Type.String({ minLength: 1, maxLength: 128 }),
  line_id: Type.String({ minLength: 1, maxLength: 128 }),
  reason: stringEnum(CLAIM_REASONS, {
    description: 'defect and damaged_in_transit need at least policy defect_photos_min photos (multipart)',
  }),
  description: Type.String({ minLength: 1, maxLength: 4000 }),
  requested_resolution: stringEnum(REQUESTED_RESOLUTIONS),
}

export const ClaimCreate = Type.Object(ClaimCreateMembers, {
  additionalProperties: false,
  examples: [
    {
      order_id: 'ord-1001',
      line_id: 'l1',
      reason: 'not_as_described',
      description: 'The kettle leaks from the bottom seam.',
      requested_resolution: 'refund',
    },
  ],
})

/** The multipart form of POST /v1/claims: the same members as text fields, and the photos (at most policy photos_per_claim_max). */
export const claimCreateForm = (photosMax: number) =>
  Type.Object(
    {
      ...ClaimCreateMembers,
      photos: Type.Optional(
        photoParts(photosMax, 'file parts named "photos": JPEG, PNG, WebP, AVIF or HEIC, policy photo_bytes_max each'),
      ),
    },
    { additionalProperties: false },
  )

/** What the server accepts on the wire for a multipart claim: the form's photo parts become their SHA-256s. */
export const ClaimCreateWire = Type.Object(
  { ...ClaimCreateMembers, photos: Type.Optional(Type.Array(Type.String())) },
  { additionalProperties: false },
)

// ---- POST /v1/claims/:id/actions ----

const version = Type.Optional(Type.Integer({ minimum: 1, description: 'the claim version you read; or send If-Match' }))
const comment = (min: number, description?: string) =>
  Type.String({ minLength: min, maxLength: 1000, ...(description ? { description } : {}) })
const amount = Type.Integer({
  format: 'int64',
  minimum: 1,
  description: "minor units, 1 to line_total − 1 (the claim body's offer_bounds); a full refund is approve_refund",
})

// Documented shape; the server checks it in action-params.ts (422 validation-failed on `tracking`).
const tracking = Type.String({
  minLength: 8,
  maxLength: 64,
  pattern: '^[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*$',
  description:
    "a carrier's tracking number: 8–30 Latin letters and digits, at least half of them digits, grouped by single spaces or hyphens (RA123456789RU, 80080012345678, CDEK-1234-5678)",
})

/** One member of the action union: the tag, the version, its own parameters. */
const act = <A extends string, P extends TProperties>(name: A, description: string, params: P) =>
  Type.Object(
    { action: stringEnum([name] as const), expected_version: version, ...params },
    { additionalProperties: false, description, title: name },
  )

const ACTION_MEMBERS = [
  act('request_info', 'Seller: ask the buyer for details. Arbiter: ask `from` a party.', {
    comment: comment(1),
    from: Type.Optional(stringEnum(['buyer', 'seller'] as const, { description: 'arbiters only, and then required' })),
  }),
  act('approve_refund', 'Seller: refund the line total, with or without the item coming back.', {
    with_return: Type.Boolean(),
  }),
  act(
    'offer_compensation',
    'Seller: offer part of the price; at most policy max_offers offers per claim (offers_left).',
    { amount },
  ),
  act('offer_partial_delivery', 'Seller: offer to send a missing part.', {
    part: Type.String({ minLength: 1, maxLength: 200 }),
  }),
  act('offer_replacement', 'Seller: offer a replacement item.', {}),
  act('offer_repair', 'Seller: offer a repair.', {}),
  act('reject', 'Seller: reject the claim with a reason.', {
    reason_code: stringEnum(REJECT_REASONS),
    comment: comment(10, '10–1000 characters'),
  }),
  act('confirm_shipment', 'Seller: the replacement or part is on its way.', { tracking }),
  act('confirm_return_received', 'Seller: the returned item arrived.', {}),
  act('report_abuse', 'Seller: report an abusive buyer to the arbiters; the state stays.', {
    comment: Type.Optional(comment(1, 'for arbiters only: never shown to the buyer or the integration')),
  }),
  act('provide_info', 'Buyer or seller: answer a request for information (multipart for photos).', {
    text: Type.String({ minLength: 1, maxLength: 2000 }),
  }),
  act('accept_offer', 'Buyer: accept the pending offer.', {}),
  act('decline_offer', 'Buyer: decline the pending offer.', {}),
  act('escalate', 'Buyer: escalate to the arbiters.', { comment: Type.Optional(comment(1)) }),
  act('withdraw', 'Buyer: withdraw the claim.', {}),
  act('ship_return', 'Buyer: the item is on its way back.', { tracking }),
  act('confirm_receipt', 'Buyer: the replacement or part arrived.', {}),
  act('take', 'Arbiter: take the escalated claim.', {}),
  act('decide', 'Arbiter: decide the escalated claim.', {
    outcome: stringEnum(ARBITER_OUTCOMES, {
      description:
        'resolution.type then reads refund (refund_full), refund_with_return, compensation, replacement or claim_rejected (reject_claim)',
    }),
    comment: comment(10, '10–1000 characters'),
    amount: Type.Optional({ ...amount, description: 'required when outcome is compensation; 1 to line_total − 1' }),
    sanctions: Type.Optional(
      Type.Object(
        {
          seller_fine: Type.Optional(Money('a fine for the seller, minor units, ≥ 0')),
          buyer_restriction: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
  }),
] as const

const ACTION_DESCRIPTION =
  'One member per action, chosen by `action`. Send the claim version as If-Match or expected_version; a stale one is 409 stale-version. ' +
  "A missing or out-of-range parameter is 422 (validation-failed or offer-out-of-bounds, naming `field`); an action the caller's role never sends is 403 " +
  "action-forbidden; one the state does not allow now is 409 action-not-allowed (the claim's allowed_actions lists those it does). " +
  'provide_info also takes multipart/form-data: the members as text fields, photos as file parts named "photos".'

/** The action body as documented: each member with its required parameters. */
export const ClaimAction = Type.Unsafe<Static<(typeof ACTION_MEMBERS)[number]>>({
  type: 'object',
  description: ACTION_DESCRIPTION,
  // No discriminator here: OpenAPI 3.0 maps one only onto named schemas; each member's one-value `action` enum tells them apart.
  required: ['action'],
  oneOf: ACTION_MEMBERS,
  examples: [{ action: 'offer_compensation', amount: 50_000, expected_version: 1 }],
})

/**
 * What the server validates: the same members with every parameter optional,
 * so that a missing one is the 422 naming it (action-params.ts), and the
 * internal deadline_expired tag, refused with 403 like any action of another role.
 */
// Multipart photo parts arrive as their SHA-256s; an action other than provide_info is then 422 photos-not-allowed.
// Lengths, shapes and amount bounds are left to action-params.ts too, whose 422s name the field (offer-out-of-bounds for amounts).
const lenient = (member: TObject): TSchema => {
  const loose = (schema: unknown): unknown => {
    if (typeof schema !== 'object' || schema === null) return schema
    const { minLength: _min, minimum: _lowest, pattern: _shape, ...rest } = schema as Record<string, unknown>
    if (rest.properties)
      rest.properties = Object.fromEntries(Object.entries(rest.properties as object).map(([k, v]) => [k, loose(v)]))
    return rest
  }
  const properties = Object.fromEntries(
    Object.entries(member.properties).map(([k, v]) => [k, k === 'action' ? v : loose(v)]),
  )
  return { ...member, required: ['action'], properties: { ...properties, photos: Type.Array(Type.String()) } }
}
export const ClaimActionWire = {
  type: 'object',
  discriminator: { propertyName: 'action' },
  required: ['action'],
  oneOf: [
    ...ACTION_MEMBERS.map(lenient),
    Type.Object(
      { action: stringEnum(['deadline_expired'] as const), expected_version: version },
      { additionalProperties: false },
    ),
  ],
} as unknown as TSchema

/** Every action member with its type, all optional: what multipart text fields are converted to before validation. */
export const ClaimActionFields = Type.Object({
  action: Type.String(),
  expected_version: Type.Integer(),
  amount: Type.Integer(),
  with_return: Type.Boolean(),
  sanctions: Type.Object({ seller_fine: Type.Integer(), buyer_restriction: Type.Boolean() }),
})

/** The multipart form of provide_info (the one action that takes photos). */
export const provideInfoForm = (photosMax: number) =>
  Type.Object(
    {
      action: stringEnum(['provide_info'] as const),
      expected_version: version,
      text: Type.String({ minLength: 1, maxLength: 2000 }),
      photos: Type.Optional(
        photoParts(photosMax, 'file parts named "photos"; a claim holds at most policy photos_per_claim_max in all'),
      ),
    },
    { additionalProperties: false },
  )

// ---- the claim ----

export const CLAIM_STATES = [
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
] as const
export const ARBITER_STATUSES = ['unassigned', 'under_review', 'awaiting_info'] as const
const ON_EXPIRY = [
  'escalate',
  'auto_refund',
  'close',
  'reopen_seller',
  'resolve',
  'flag_overdue',
  'resume_review',
] as const
const RESOLUTION_TYPES = [
  'refund',
  'refund_with_return',
  'compensation',
  'partial_delivery',
  'replacement',
  'repair',
  'claim_rejected',
] as const
const DECIDED_BY = ['seller', 'buyer', 'arbiter', 'system'] as const

const Sanctions = Type.Object(
  { seller_fine: Nullable(Money()), buyer_restriction: Type.Boolean() },
  { additionalProperties: false, description: 'what the arbiter imposed' },
)

const resolution = (withSanctions: boolean) =>
  Nullable(
    Type.Object(
      {
        type: stringEnum(RESOLUTION_TYPES, {
          description: "how it ended; an arbiter's refund_full reads refund here, reject_claim reads claim_rejected",
        }),
        amount: Nullable(Money()),
        currency: Type.String(),
        decided_by: stringEnum(DECIDED_BY),
        decided_at: DateTime(),
        comment: Nullable(Type.String()),
        completed_by: Nullable(
          stringEnum(DECIDED_BY, { description: 'who closed the loop when a shipment or receipt was still due' }),
        ),
        ...(withSanctions ? { sanctions: Nullable(Sanctions) } : {}),
      },
      { additionalProperties: false },
    ),
  )

const BuyerById = Type.Object({ id: Type.String() }, { additionalProperties: false })
const BuyerByPseudonym = Type.Object(
  { pseudonym: Type.String({ description: 'stable per seller; sellers never see the buyer id' }) },
  { additionalProperties: false },
)

const claimMembers = <V extends string>(view: V, buyer: TSchema, withSanctions: boolean) => ({
  view: stringEnum([view] as const, {
    description: 'whose view of the claim this is: it decides which members there are',
  }),
  id: Type.String({ format: 'uuid' }),
  order_id: Type.String(),
  line_id: Type.String(),
  sku: Type.String(),
  scheme: Type.String(),
  buyer,
  seller_id: Type.String(),
  reason: stringEnum(CLAIM_REASONS),
  requested_resolution: stringEnum(REQUESTED_RESOLUTIONS),
  description: Type.String(),
  currency: Type.String(),
  line_total: Money("the order line's price × quantity"),
  state: stringEnum(CLAIM_STATES),
  arbiter_status: Nullable(
    stringEnum(ARBITER_STATUSES, { description: 'where the arbiter stands; null unless escalated' }),
  ),
  version: Type.Integer({ minimum: 1, description: 'also the ETag; send it as If-Match or expected_version' }),
  allowed_actions: Type.Array(stringEnum(ALL_ACTIONS), { description: 'what the caller may send now' }),
  offer_bounds: Type.Object(
    { min: Money(), max: Money('line_total − 1') },
    { additionalProperties: false, description: 'the amounts offer_compensation and decide (compensation) accept' },
  ),
  offers_left: Type.Integer({
    minimum: 0,
    description: 'offers the seller may still make (policy max_offers minus those made)',
  }),
  deadlines: Type.Array(
    Type.Object(
      {
        kind: stringEnum(DEADLINE_KINDS),
        due_at: DateTime(),
        on_expiry: stringEnum(ON_EXPIRY, { description: 'what happens when it passes' }),
      },
      { additionalProperties: false },
    ),
  ),
  offers: Type.Array(
    Type.Object(
      {
        n: Type.Integer({ minimum: 1 }),
        kind: stringEnum(['compensation', 'partial_delivery', 'replacement', 'repair'] as const),
        amount: Nullable(Money()),
        part: Nullable(Type.String()),
        status: stringEnum(['pending', 'accepted', 'declined', 'lapsed'] as const),
        made_at: DateTime(),
        answered_at: Nullable(DateTime()),
      },
      { additionalProperties: false },
    ),
  ),
  resolution: resolution(withSanctions),
  close_reason: Nullable(stringEnum(['abandoned', 'rejection_accepted', 'return_not_shipped'] as const)),
  tracking: Type.Object(
    { return: Nullable(Type.String()), shipment: Nullable(Type.String()) },
    { additionalProperties: false },
  ),
  escalation: Nullable(
    Type.Object(
      {
        assignee: Nullable(Type.String({ description: 'the arbiter who took it' })),
        priority: Type.Integer(),
        overdue: Type.Boolean(),
        info_from: Nullable(stringEnum(['buyer', 'seller'] as const)),
      },
      { additionalProperties: false },
    ),
  ),
  photos: Type.Array(ref(ClaimPhoto)),
  created_at: DateTime(),
  updated_at: DateTime(),
})

export const BuyerClaim = Type.Object(claimMembers('buyer', BuyerById, false), {
  $id: 'BuyerClaim',
  additionalProperties: false,
  description: 'The claim as its buyer sees it: no sanctions',
})
export const SellerClaim = Type.Object(claimMembers('seller', BuyerByPseudonym, true), {
  $id: 'SellerClaim',
  additionalProperties: false,
  description: 'The claim as its seller sees it: the buyer by pseudonym only',
})
export const ArbiterClaim = Type.Object(
  {
    ...claimMembers('arbiter', BuyerById, true),
    photo_reuse: Type.Array(ref(PhotoReuse), { description: 'photos also seen on other claims' }),
  },
  { $id: 'ArbiterClaim', additionalProperties: false, description: 'The claim as arbiters see it: with photo reuse' },
)
export const ServiceClaim = Type.Object(claimMembers('service', BuyerById, true), {
  $id: 'ServiceClaim',
  additionalProperties: false,
  description: 'The claim as the marketplace service sees it',
})

export const CLAIM_VIEWS = {
  buyer: BuyerClaim,
  seller: SellerClaim,
  arbiter: ArbiterClaim,
  service: ServiceClaim,
} as const

/** Any role's view, told apart by `view`. */
export const Claim = Type.Unsafe<
  Static<typeof BuyerClaim> | Static<typeof SellerClaim> | Static<typeof ArbiterClaim> | Static<typeof ServiceClaim>
>({
  oneOf: [ref(BuyerClaim), ref(SellerClaim), ref(ArbiterClaim), ref(ServiceClaim)],
  discriminator: {
    propertyName: 'view',
    mapping: {
      buyer: '#/components/schemas/BuyerClaim',
      seller: '#/components/schemas/SellerClaim',
      arbiter: '#/components/schemas/ArbiterClaim',
      service: '#/components/schemas/ServiceClaim',
    },
  },
  description: "The claim as the caller's role sees it (`view`)",
})

export const ClaimPage = Page(Claim)

export const ClaimEvent = Type.Object(
  {
    seq: Type.Integer({ minimum: 1 }),
    actor: Type.Union(
      [
        Type.Object(
          { role: stringEnum(['buyer', 'seller', 'arbiter', 'system'] as const), id: Type.String() },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            role: stringEnum(['buyer'] as const),
            pseudonym: Type.String({ description: 'the buyer as the calling seller sees them' }),
          },
          { additionalProperties: false },
        ),
      ],
      { description: 'who acted; a seller sees a buyer by pseudonym' },
    ),
    action: Type.String({ description: 'the action, or opened / deadline_expired' }),
    from_state: Nullable(Type.String()),
    to_state: Type.String(),
    payload: Type.Unknown({ description: "the action's parameters as recorded" }),
    at: DateTime(),
  },
  { additionalProperties: false },
)

export const ClaimEvents = Type.Object({ items: Type.Array(ClaimEvent) }, { additionalProperties: false })

/** Filters of GET /v1/claims and the sellers' CSV export; their rules are in src/domain/claims/claim-list-query.ts. */
export const ClaimFilterQuery = {
  from: Type.Optional(
    Type.String({ maxLength: 40, description: 'created_at ≥ from (RFC 3339 date-time, or a date meaning 00:00 UTC)' }),
  ),
  to: Type.Optional(
    Type.String({ maxLength: 40, description: 'created_at < to (RFC 3339 date-time, or a date meaning 00:00 UTC)' }),
  ),
  state: Type.Optional(
    Type.String({
      maxLength: 400,
      description: `a state or a comma list (${CLAIM_STATES.join(', ')}); arbiters get escalated claims without it`,
    }),
  ),
  reason: Type.Optional(
    Type.String({ maxLength: 200, description: `a claim reason or a comma list (${CLAIM_REASONS.join(', ')})` }),
  ),
  sku: Type.Optional(Type.String({ maxLength: 128 })),
  scheme: Type.Optional(
    Type.String({ maxLength: 200, description: 'a fulfilment scheme (FBO, FBS, DBS…) or a comma list' }),
  ),
  overdue: Type.Optional(
    Type.Boolean({
      description:
        "true: open claims with a pending deadline past due, or flagged overdue by the arbiters' deadline; false: all others",
    }),
  ),
  sort: Type.Optional(
    stringEnum(['created_at', 'due_at'] as const, {
      description:
        'created_at: newest first (default); due_at: earliest pending deadline first, then claims without one, newest first',
    }),
  ),
}

export const ClaimListQuery = defaultsOptional(
  Type.Object(
    {
      ...ClaimFilterQuery,
      limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
      cursor: Type.Optional(Type.String({ maxLength: 512 })),
    },
    { additionalProperties: false },
  ),
)

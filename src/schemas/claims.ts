import { Type } from 'typebox'
import { ALL_ACTIONS } from '../../machines/claim.catalogue.js'
import {
  ARBITER_OUTCOMES,
  CLAIM_REASONS,
  REJECT_REASONS,
  REQUESTED_RESOLUTIONS,
} from '../../machines/claim.vocabulary.js'

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)))

/**
 * Photos travel only as multipart/form-data file parts named `photos` (the
 * other members as text fields). A JSON body may not carry this member; for a
 * multipart request the server fills it with the uploads' SHA-256s.
 */
const PhotoParts = Type.Optional(
  Type.Array(Type.String(), {
    description:
      'multipart/form-data only: file parts named "photos" (JPEG, PNG, WebP, HEIC; policy photo_bytes_max each)',
  }),
)

export const ClaimCreate = Type.Object(
  {
    order_id: Type.String({ minLength: 1, maxLength: 128 }),
    line_id: Type.String({ minLength: 1, maxLength: 128 }),
    reason: literals(CLAIM_REASONS),
    description: Type.String({ minLength: 1, maxLength: 4000 }),
    requested_resolution: literals(REQUESTED_RESOLUTIONS),
    photos: PhotoParts,
  },
  { additionalProperties: false },
)

export const ClaimAction = Type.Object(
  {
    action: literals(ALL_ACTIONS),
    expected_version: Type.Optional(Type.Integer({ minimum: 1 })),
    amount: Type.Optional(Type.Integer({ description: 'minor units' })),
    with_return: Type.Optional(Type.Boolean()),
    part: Type.Optional(Type.String({ maxLength: 200 })),
    reason_code: Type.Optional(literals(REJECT_REASONS)),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
    tracking: Type.Optional(Type.String({ maxLength: 64 })),
    text: Type.Optional(Type.String({ maxLength: 2000 })),
    photos: PhotoParts,
    from: Type.Optional(literals(['buyer', 'seller'] as const)),
    outcome: Type.Optional(literals(ARBITER_OUTCOMES)),
    sanctions: Type.Optional(
      Type.Object(
        {
          seller_fine: Type.Optional(Type.Integer({ minimum: 0 })),
          buyer_restriction: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)

/** Filters of GET /v1/claims and the sellers' CSV export; their rules are in services/claims-query.ts. */
export const ClaimFilterQuery = {
  from: Type.Optional(
    Type.String({ maxLength: 40, description: 'created_at ≥ from (RFC 3339 date-time, or a date meaning 00:00 UTC)' }),
  ),
  to: Type.Optional(
    Type.String({ maxLength: 40, description: 'created_at < to (RFC 3339 date-time, or a date meaning 00:00 UTC)' }),
  ),
  state: Type.Optional(
    Type.String({ maxLength: 400, description: 'a state or a comma list; arbiters get escalated claims without it' }),
  ),
  reason: Type.Optional(Type.String({ maxLength: 200, description: 'a claim reason or a comma list' })),
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
    Type.Union([Type.Literal('created_at'), Type.Literal('due_at')], {
      description:
        'created_at: newest first (default); due_at: earliest pending deadline first, then claims without one, newest first',
    }),
  ),
}

export const ClaimListQuery = Type.Object(
  {
    ...ClaimFilterQuery,
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
)

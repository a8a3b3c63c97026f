import { Type } from 'typebox'
import { ALL_ACTIONS } from '../../machines/claim.catalogue.js'
import { CLAIM_REASONS, REQUESTED_RESOLUTIONS } from '../services/claims.service.js'
import { ARBITER_OUTCOMES, REJECT_REASONS } from '../services/action-params.js'

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)))

export const ClaimCreate = Type.Object(
  {
    order_id: Type.String({ minLength: 1, maxLength: 128 }),
    line_id: Type.String({ minLength: 1, maxLength: 128 }),
    reason: literals(CLAIM_REASONS),
    description: Type.String({ minLength: 1, maxLength: 4000 }),
    requested_resolution: literals(REQUESTED_RESOLUTIONS),
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

export const ClaimListQuery = Type.Object(
  {
    state: Type.Optional(Type.String({ maxLength: 32 })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
)

import { Type } from 'typebox'
import { DateTime, defaultsOptional, Money, Nullable, stringEnum } from './common.js'

const Id = Type.String({ minLength: 1, maxLength: 128 })

export const OrderLine = Type.Object(
  {
    id: Id,
    sku: Type.String({ minLength: 1, maxLength: 128 }),
    title: Type.String({ minLength: 1, maxLength: 500 }),
    quantity: Type.Integer({ minimum: 1, maximum: 100_000 }),
    unit_price: Type.Integer({ format: 'int64', minimum: 0, maximum: 1_000_000_000_000, description: 'minor units' }),
  },
  { additionalProperties: false },
)

export const OrderInput = Type.Object(
  {
    id: Id,
    buyer_id: Id,
    seller_id: Id,
    scheme: Type.String({ minLength: 2, maxLength: 16, description: 'fulfilment scheme, e.g. FBO, FBS, DBS' }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', default: 'RUB' })),
    delivered_at: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    lines: Type.Array(OrderLine, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
)

export const OrderView = Type.Object(
  {
    id: Type.String(),
    buyer_id: Type.Optional(Type.String({ description: 'absent for sellers' })),
    seller_id: Type.String(),
    scheme: Type.String(),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    delivered_at: Nullable(DateTime()),
    lines: Type.Array(
      Type.Object(
        { id: Type.String(), sku: Type.String(), title: Type.String(), quantity: Type.Integer(), unit_price: Money() },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'Order', additionalProperties: false },
)

/** GET /v1/orders: one line as its order's own parties see it, with what a claim on it would meet. */
const ListedLine = Type.Object(
  {
    id: Type.String(),
    sku: Type.String(),
    title: Type.String(),
    quantity: Type.Integer(),
    unit_price: Money(),
    claim_window: stringEnum(['not_delivered', 'open', 'passed'], {
      description:
        'open: delivered, and within policy claim_window of delivery, so a claim may be opened; not_delivered: ' +
        'no delivery yet (or one in the future); passed: the window has closed',
    }),
    claim_window_ends_at: Nullable(DateTime('delivered_at + policy claim_window; null until delivered')),
    open_claim_id: Nullable(
      Type.String({ format: 'uuid', description: 'the claim still open on this line (at most one), if any' }),
    ),
  },
  { additionalProperties: false },
)

export const ListedOrder = Type.Object(
  {
    id: Type.String(),
    buyer_id: Type.Optional(Type.String({ description: 'absent for sellers' })),
    seller_id: Type.String(),
    scheme: Type.String(),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    delivered_at: Nullable(DateTime()),
    lines: Type.Array(ListedLine),
  },
  { additionalProperties: false },
)

export const ClaimLimits = Type.Object(
  {
    photos_per_claim_max: Type.Integer({ description: 'policy photos_per_claim_max' }),
    photos_per_message_max: Type.Integer({ description: 'policy photos_per_message_max: photos in one chat message' }),
    photo_bytes_max: Type.Integer({ description: 'policy photo_bytes_max: bytes per photo' }),
    defect_photos_min: Type.Integer({ description: 'policy defect_photos_min, for the reasons in photo_reasons' }),
    photo_reasons: Type.Array(Type.String(), { description: 'reasons that need at least defect_photos_min photos' }),
    photo_types: Type.Array(Type.String(), {
      description:
        'the image types the service reads (by their bytes, never the name); HEIC where its decoder is built in',
    }),
  },
  { additionalProperties: false },
)

export const OrderListQuery = defaultsOptional(
  Type.Object({
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  }),
)

export const OrderPage = Type.Object(
  {
    items: Type.Array(ListedOrder, { description: 'newest first (registered at, then id)' }),
    next_cursor: Nullable(Type.String({ description: 'pass as `cursor` for the next page; null on the last page' })),
    claim_limits: ClaimLimits,
  },
  { additionalProperties: false },
)

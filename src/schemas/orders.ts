import { Type } from 'typebox'
import { DateTime, Money, Nullable } from './common.js'

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

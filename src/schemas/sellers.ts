// The sellers' view (docs/sellers.md): statistics and the CSV export.
import { Type } from 'typebox'
import { ClaimFilterQuery } from './claims.js'
import { Money } from './common.js'

export const SellerParam = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128, description: 'a seller id, or me' }),
})

export const StatsQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'period start, inclusive (RFC 3339 or a date = 00:00 UTC); default to − 30 days',
      }),
    ),
    to: Type.Optional(
      Type.String({ maxLength: 40, description: 'period end, exclusive; default now. At most 366 days in all.' }),
    ),
  },
  { additionalProperties: false },
)

const Share = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])

export const SellerStatsResponse = Type.Object({
  seller_id: Type.String(),
  period: Type.Object({ from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }) }),
  claims: Type.Integer({ description: 'claims opened in the period' }),
  by_reason: Type.Array(Type.Object({ reason: Type.String(), claims: Type.Integer() })),
  skus: Type.Integer({ description: 'SKUs with claims in the period (by_sku lists the top 100)' }),
  by_sku: Type.Array(
    Type.Object({
      sku: Type.String(),
      claims: Type.Integer(),
      order_lines: Type.Integer({
        description: 'the seller’s order lines of this SKU in orders delivered in the period',
      }),
      claim_rate: Type.Union([Type.Number(), Type.Null()], {
        description: 'claims / order_lines; null when no order volume is known',
      }),
    }),
  ),
  first_response: Type.Object({
    responded: Type.Integer({ description: 'claims the seller has answered' }),
    median_seconds: Type.Union([Type.Integer(), Type.Null()]),
    p90_seconds: Type.Union([Type.Integer(), Type.Null()]),
  }),
  escalated: Type.Integer(),
  share_escalated: Share,
  decided_against_seller: Type.Integer({
    description:
      'claims whose resolution an arbiter or the system (auto refund) decided in the buyer’s favour: any outcome but claim_rejected',
  }),
  share_decided_against_seller: Share,
  fines: Type.Array(Type.Object({ currency: Type.String(), amount: Money(), count: Type.Integer() }), {
    description: 'non-cancelled violations of the seller recorded in the period, per currency',
  }),
  daily: Type.Array(Type.Object({ date: Type.String({ format: 'date' }), claims: Type.Integer() }), {
    description: 'claims opened per UTC day',
  }),
})

export const ClaimExportQuery = Type.Object(ClaimFilterQuery, { additionalProperties: false })

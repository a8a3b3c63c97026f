// Request and response schemas of the official-domain routes (docs/moderation.md, "Official domains").
import { Type } from 'typebox'
import { PageQuery } from './common.js'

const Status = Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused')])
const Timestamp = Type.String({ format: 'date-time' })

export const OfficialDomains = Type.Object(
  {
    domains: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), {
      maxItems: 20,
      description: 'hostnames, e.g. "service.example.com"',
    }),
  },
  { additionalProperties: false },
)

export const SellerOfficialDomain = Type.Object(
  {
    domain: Type.String({ description: 'lowercase; IDN in punycode' }),
    status: Status,
    requested_at: Timestamp,
    reviewed_at: Type.Union([Timestamp, Type.Null()]),
  },
  { additionalProperties: false },
)

export const SellerOfficialDomainList = Type.Object(
  { domains: Type.Array(SellerOfficialDomain) },
  { additionalProperties: false },
)

export const OfficialDomainReview = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    seller_id: Type.String(),
    domain: Type.String({ description: 'lowercase; IDN in punycode' }),
    display: Type.String({ description: 'the domain in Unicode, as a reader sees it' }),
    status: Status,
    requested_at: Timestamp,
    reviewed_at: Type.Union([Timestamp, Type.Null()]),
    reviewed_by: Type.Union([Type.String(), Type.Null()]),
    review_comment: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
)

export const OfficialDomainReviewList = Type.Object(
  { items: Type.Array(OfficialDomainReview), next_cursor: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
)

export const OfficialDomainReviewQuery = Type.Object(
  {
    status: Type.Optional(Status),
    seller_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    ...PageQuery,
  },
  { additionalProperties: false },
)

export const OfficialDomainDecisionBody = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
)

// Request and response schemas of the official-domain routes (docs/moderation.md, "Official domains").
import { Type } from 'typebox'
import { DateTime, defaultsOptional, Nullable, Page, PageQuery, stringEnum } from './common.js'

const STATUSES = ['pending', 'approved', 'refused'] as const
const Status = stringEnum(STATUSES, {
  description: 'pending until an arbiter reviews it; only approved relaxes moderation',
})

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
    requested_at: DateTime(),
    reviewed_at: Nullable(DateTime()),
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
    requested_at: DateTime(),
    reviewed_at: Nullable(DateTime()),
    reviewed_by: Nullable(Type.String()),
    review_comment: Nullable(Type.String()),
  },
  { additionalProperties: false },
)

export const OfficialDomainReviewPage = Page(OfficialDomainReview)

export const OfficialDomainReviewQuery = defaultsOptional(
  Type.Object(
    {
      status: Type.Optional(stringEnum(STATUSES)),
      seller_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      ...PageQuery,
    },
    { additionalProperties: false },
  ),
)

export const OfficialDomainDecisionBody = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
)

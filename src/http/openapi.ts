// The OpenAPI document's frame: servers, tags, security, and the shared
// schemas (each named by its $id under components.schemas).
import type { SwaggerOptions } from '@fastify/swagger'
import type { TSchema } from 'typebox'
import { ModerationViolation, Problem } from '../schemas/common.js'
import { ArbiterClaim, BuyerClaim, SellerClaim, ServiceClaim } from '../schemas/claims.js'
import { AbuseReport, Message, SanctionView, Thread, ViolationView } from '../schemas/chat.js'
import { OrderView } from '../schemas/orders.js'
import { Delivery, FeedEvent, Webhook } from '../schemas/events.js'
import { ClaimPhoto, Photo, PhotoReuse } from '../schemas/photos.js'

/** Registered once with app.addSchema; routes point at them with ref() from schemas/common.ts. */
export const SHARED_SCHEMAS: TSchema[] = [
  Problem,
  ModerationViolation,
  Photo,
  ClaimPhoto,
  PhotoReuse,
  BuyerClaim,
  SellerClaim,
  ArbiterClaim,
  ServiceClaim,
  OrderView,
  Thread,
  Message,
  AbuseReport,
  ViolationView,
  SanctionView,
  FeedEvent,
  Webhook,
  Delivery,
]

export const TAGS = [
  { name: 'orders', description: 'Orders the marketplace registers; claims stand on their lines' },
  { name: 'claims', description: 'Claims on order lines, their actions, audit trail and lists' },
  { name: 'photos', description: 'Claim and chat photo bytes for the parties' },
  { name: 'arbiter', description: 'The arbiters’ queue of escalated claims' },
  { name: 'chat', description: 'Buyer–seller threads, moderated messages, abuse reports and chat settings' },
  {
    name: 'moderation',
    description: 'Draft checks, refused and flagged messages, the violations ledger and sanctions',
  },
  { name: 'events', description: 'The event feed, read by cursor' },
  { name: 'webhooks', description: 'Webhook subscriptions and their delivery log' },
  { name: 'sellers', description: 'Seller statistics and the CSV export' },
]

export const openapiOptions: SwaggerOptions = {
  openapi: {
    openapi: '3.0.3',
    info: {
      title: 'Claimdesk API',
      version: '0.1.0',
      description:
        'Returns-and-defect claims for marketplaces. Every error is an RFC 9457 problem (application/problem+json) ' +
        'with a stable `type`; docs/api.md lists the types and their extension members.',
      license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
    },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'a local instance (npm start); replace with your deployment' },
    ],
    tags: TAGS,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
  },
  // Shared schemas keep their $id as their component name.
  refResolver: {
    buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
  },
}

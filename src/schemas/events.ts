// Request schemas of the event feed and webhook routes (docs/integrations.md).
import { Type } from 'typebox'
import { BIGINT_ID_FORMAT } from '../shared/bigint-id.js'
import { FEED_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from '../domain/feed/event-types.js'
import { DateTime, defaultsOptional, Nullable, Page, ref, stringEnum } from './common.js'

const literals = <const T extends readonly string[]>(values: T) => stringEnum(values)

export const EventsQuery = defaultsOptional(
  Type.Object(
    {
      after: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 128,
          description: 'the next_cursor of the previous page; omit to start at the beginning',
        }),
      ),
      limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
      types: Type.Optional(
        Type.String({
          maxLength: 200,
          pattern: '^[a-z.*]+(,[a-z.*]+)*$',
          description: `comma-separated event types: ${FEED_EVENT_TYPES.join(', ')}`,
        }),
      ),
    },
    { additionalProperties: false },
  ),
)

export const WebhookCreate = Type.Object(
  {
    url: Type.String({
      minLength: 8,
      maxLength: 2048,
      description: 'http(s) URL; private, loopback and link-local targets are refused',
    }),
    event_types: Type.Array(literals(WEBHOOK_EVENT_TYPES), {
      minItems: 1,
      maxItems: 10,
      description: '"*" for every type',
    }),
  },
  { additionalProperties: false },
)

export const WebhookParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const DeliveryParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  deliveryId: Type.String({ pattern: '^[1-9][0-9]{0,18}$', format: BIGINT_ID_FORMAT, description: 'a delivery id' }),
})

export const DeliveriesQuery = defaultsOptional(
  Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
      cursor: Type.Optional(Type.String({ maxLength: 128 })),
      status: Type.Optional(literals(['pending', 'succeeded', 'failed', 'cancelled'] as const)),
    },
    { additionalProperties: false },
  ),
)

// ---- responses ----

export const FeedEvent = Type.Object(
  {
    id: Type.String({ description: 'the event id (digits); also the X-Claimdesk-Event id of webhook deliveries' }),
    type: stringEnum(FEED_EVENT_TYPES),
    occurred_at: DateTime(),
    claim_id: Nullable(Type.String({ format: 'uuid' })),
    data: Type.Object(
      {},
      {
        additionalProperties: true,
        description: 'the event by type, as docs/api.md describes; sellers see buyers by pseudonym',
      },
    ),
  },
  { $id: 'FeedEvent', additionalProperties: false },
)

export const FeedPage = Type.Object(
  {
    items: Type.Array(ref(FeedEvent)),
    next_cursor: Type.String({ description: 'pass as `after`; returned on empty pages too' }),
    has_more: Type.Boolean({ description: 'true when more events are ready now; false: caught up, poll again later' }),
  },
  { additionalProperties: false },
)

const webhookMembers = {
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  event_types: Type.Array(stringEnum(WEBHOOK_EVENT_TYPES)),
  status: stringEnum(['active', 'disabled'] as const),
  disabled_reason: Nullable(Type.String()),
  disabled_at: Nullable(DateTime()),
  consecutive_failures: Type.Integer({ minimum: 0 }),
  created_at: DateTime(),
}
export const Webhook = Type.Object(webhookMembers, { $id: 'Webhook', additionalProperties: false })
export const WebhookCreated = Type.Object(
  { ...webhookMembers, secret: Type.String({ description: 'the signing secret, shown only in this answer' }) },
  { additionalProperties: false },
)
export const WebhookList = Type.Object({ items: Type.Array(ref(Webhook)) }, { additionalProperties: false })

export const Delivery = Type.Object(
  {
    id: Type.String(),
    event_id: Type.String(),
    event_type: Type.String(),
    status: stringEnum(['pending', 'succeeded', 'failed', 'cancelled'] as const),
    attempt_count: Type.Integer({ minimum: 0 }),
    replays: Type.Integer({ minimum: 0 }),
    last_status_code: Nullable(Type.Integer()),
    last_error: Nullable(Type.String()),
    created_at: DateTime(),
    completed_at: Nullable(DateTime()),
    attempts: Type.Array(
      Type.Object(
        {
          attempt: Type.Integer(),
          status_code: Nullable(Type.Integer()),
          duration_ms: Nullable(Type.Integer()),
          error: Nullable(Type.String()),
          at: DateTime(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'Delivery', additionalProperties: false },
)
export const DeliveryPage = Page(ref(Delivery))

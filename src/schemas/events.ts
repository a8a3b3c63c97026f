// Request schemas of the event feed and webhook routes (docs/integrations.md).
import { Type } from 'typebox'
import { FEED_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from '../domain/feed/event-types.js'

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)))

export const EventsQuery = Type.Object(
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
  deliveryId: Type.String({ pattern: '^[1-9][0-9]{0,18}$', description: 'a delivery id' }),
})

export const DeliveriesQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 128 })),
    status: Type.Optional(literals(['pending', 'succeeded', 'failed', 'cancelled'] as const)),
  },
  { additionalProperties: false },
)

// Webhook subscriptions and their delivery log (docs/integrations.md).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { DeliveriesQuery, DeliveryParams, WebhookCreate, WebhookParams } from '../schemas/events.js'
import type { WebhooksService } from '../domain/webhooks/webhooks.service.js'

export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhooksService }> = async (app, { webhooks }) => {
  app.post(
    '/v1/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Register a webhook (seller, service); the signing secret is shown once',
        description:
          'Deliveries are POSTs of the event JSON with `Claimdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. ' +
          'URLs resolving to private, loopback, link-local or metadata addresses are refused (422 webhook-url-refused).',
        body: WebhookCreate,
      },
    },
    async (request, reply) => {
      const created = await webhooks.register(principal(request), request.body)
      return reply.code(201).header('location', `/v1/webhooks/${created.id}`).send(created)
    },
  )

  app.get('/v1/webhooks', { schema: { tags: ['webhooks'], summary: 'The caller’s webhooks' } }, async (request) =>
    webhooks.list(principal(request)),
  )

  app.get(
    '/v1/webhooks/:id',
    { schema: { tags: ['webhooks'], summary: 'Read a webhook', params: WebhookParams } },
    async (request) => webhooks.get(principal(request), request.params.id),
  )

  app.delete(
    '/v1/webhooks/:id',
    { schema: { tags: ['webhooks'], summary: 'Delete a webhook and its log', params: WebhookParams } },
    async (request, reply) => {
      await webhooks.remove(principal(request), request.params.id)
      return reply.code(204).send()
    },
  )

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'The delivery log, newest first: each delivery with its attempts (status code, duration, error)',
        params: WebhookParams,
        querystring: DeliveriesQuery,
      },
    },
    async (request) => webhooks.deliveries(principal(request), request.params.id, request.query),
  )

  app.post(
    '/v1/webhooks/:id/deliveries/:deliveryId/replay',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a finished delivery again (202); 409 while it is still being attempted',
        params: DeliveryParams,
      },
    },
    async (request, reply) =>
      reply.code(202).send(await webhooks.replay(principal(request), request.params.id, request.params.deliveryId)),
  )
}

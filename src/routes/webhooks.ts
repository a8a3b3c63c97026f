// Webhook subscriptions and their delivery log (docs/api.md).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { ref } from '../schemas/common.js'
import {
  DeliveriesQuery,
  Delivery,
  DeliveryPage,
  DeliveryParams,
  Webhook,
  WebhookCreate,
  WebhookCreated,
  WebhookList,
  WebhookParams,
} from '../schemas/events.js'
import { IdempotencyHeaders, noBody, problems, sendView, success } from '../schemas/responses.js'
import type { WebhooksService } from '../domain/webhooks/webhooks.service.js'

const OWN = { 403: ['action-forbidden'], 404: ['not-found'] } as const

export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhooksService }> = async (app, { webhooks }) => {
  app.post(
    '/v1/webhooks',
    {
      schema: {
        operationId: 'createWebhook',
        tags: ['webhooks'],
        summary: 'Register a webhook (seller, service); the signing secret is shown once',
        description:
          'Deliveries are POSTs of the event JSON with `Claimdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. ' +
          'URLs resolving to private, loopback, link-local or metadata addresses are refused (422 webhook-url-refused).',
        headers: IdempotencyHeaders,
        body: WebhookCreate,
        response: {
          201: success(WebhookCreated, 'The webhook, with its secret', ['location', 'replayed']),
          ...problems(
            { 403: ['action-forbidden'], 422: ['webhook-url-refused', 'validation-failed'] },
            { body: true, write: true },
          ),
        },
      },
    },
    async (request, reply) => {
      const created = await webhooks.register(principal(request), request.body)
      return sendView(reply.code(201).header('location', `/v1/webhooks/${created.id}`), created)
    },
  )

  app.get(
    '/v1/webhooks',
    {
      schema: {
        operationId: 'listWebhooks',
        tags: ['webhooks'],
        summary: 'The caller’s webhooks',
        response: {
          200: success(WebhookList, 'Every webhook of the caller'),
          ...problems({ 403: ['action-forbidden'] }),
        },
      },
    },
    async (request, reply) => sendView(reply, await webhooks.list(principal(request))),
  )

  app.get(
    '/v1/webhooks/:id',
    {
      schema: {
        operationId: 'getWebhook',
        tags: ['webhooks'],
        summary: 'Read a webhook',
        params: WebhookParams,
        response: { 200: success(ref(Webhook), 'The webhook'), ...problems(OWN) },
      },
    },
    async (request, reply) => sendView(reply, await webhooks.get(principal(request), request.params.id)),
  )

  app.delete(
    '/v1/webhooks/:id',
    {
      schema: {
        operationId: 'deleteWebhook',
        tags: ['webhooks'],
        summary: 'Delete a webhook and its log',
        params: WebhookParams,
        headers: IdempotencyHeaders,
        response: { 204: noBody('Deleted', ['replayed']), ...problems(OWN, { write: true }) },
      },
    },
    async (request, reply) => {
      await webhooks.remove(principal(request), request.params.id)
      return reply.code(204).send()
    },
  )

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      schema: {
        operationId: 'listWebhookDeliveries',
        tags: ['webhooks'],
        summary: 'The delivery log, newest first: each delivery with its attempts (status code, duration, error)',
        params: WebhookParams,
        querystring: DeliveriesQuery,
        response: {
          200: success(DeliveryPage, 'A page of deliveries'),
          ...problems({ ...OWN, 422: ['validation-failed'] }),
        },
      },
    },
    async (request, reply) =>
      sendView(reply, await webhooks.deliveries(principal(request), request.params.id, request.query)),
  )

  app.post(
    '/v1/webhooks/:id/deliveries/:deliveryId/replay',
    {
      schema: {
        operationId: 'replayWebhookDelivery',
        tags: ['webhooks'],
        summary: 'Send a finished delivery again (202); 409 while it is still being attempted',
        params: DeliveryParams,
        headers: IdempotencyHeaders,
        response: {
          202: success(ref(Delivery), 'Queued again', ['replayed']),
          ...problems(
            { ...OWN, 409: ['delivery-in-progress', 'webhook-disabled'], 410: ['event-expired'] },
            { write: true },
          ),
        },
      },
    },
    async (request, reply) =>
      sendView(
        reply.code(202),
        await webhooks.replay(principal(request), request.params.id, request.params.deliveryId),
      ),
  )
}

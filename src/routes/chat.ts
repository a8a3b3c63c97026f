// Threads, messages (with photos over multipart), abuse reports on messages,
// and sellers' chat settings (docs/moderation.md).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { formBody } from '../http/multipart.js'
import { UuidParam } from '../schemas/common.js'
import {
  AbuseReportCreate,
  ChatSettings,
  MessageCreate,
  MessageListQuery,
  MessageParams,
  OfficialDomains,
  ThreadCreate,
  ThreadListQuery,
} from '../schemas/chat.js'
import type { ChatService } from '../domain/chat/chat.service.js'
import type { RateLimits } from '../http/rate-limit.js'

export const chatRoutes: FastifyPluginAsyncTypebox<{ chat: ChatService; limits: RateLimits }> = async (
  app,
  { chat, limits },
) => {
  app.post(
    '/v1/threads',
    {
      schema: {
        tags: ['chat'],
        summary: 'Start the order’s thread (buyer); 200 with the existing one',
        description:
          'One thread per order. 403 chat-disabled when the seller switched pre-sale questions off and the order has no claim.',
        body: ThreadCreate,
      },
    },
    async (request, reply) => {
      const { thread, created } = await chat.startThread(principal(request), request.body.order_id)
      return reply
        .code(created ? 201 : 200)
        .header('location', `/v1/threads/${thread.id}`)
        .send(thread)
    },
  )

  app.get(
    '/v1/threads',
    {
      schema: {
        tags: ['chat'],
        summary: 'The caller’s threads, latest activity first (buyer, seller; arbiters with order_id)',
        querystring: ThreadListQuery,
      },
    },
    async (request) => chat.listThreads(principal(request), request.query),
  )

  app.get(
    '/v1/threads/:id',
    { schema: { tags: ['chat'], summary: 'Read a thread', params: UuidParam } },
    async (request) => chat.getThread(principal(request), request.params.id),
  )

  app.get(
    '/v1/threads/:id/messages',
    {
      schema: {
        tags: ['chat'],
        summary: 'Messages: newest first, or with `after` the newer ones oldest first',
        params: UuidParam,
        querystring: MessageListQuery,
      },
    },
    async (request) => chat.listMessages(principal(request), request.params.id, request.query),
  )

  app.post(
    '/v1/threads/:id/messages',
    {
      schema: {
        tags: ['chat'],
        summary: 'Send a message (the order’s buyer or seller)',
        description:
          'JSON, or multipart/form-data with the text as a field and photos as file parts named "photos" ' +
          '(at most policy photos_per_message_max; the text may then be empty). ' +
          'Moderated before delivery: a violation refuses it with 422 message-blocked listing the violations and hints, and keeps none of its photos. ' +
          'A suspended seller gets 403 chat-suspended.',
        consumes: ['application/json', 'multipart/form-data'],
        params: UuidParam,
        body: MessageCreate,
      },
      // Counted before the body (and its photos) is read.
      onRequest: limits.hook('thread_messages'),
      preValidation: formBody(MessageCreate),
    },
    async (request, reply) => {
      const message = await chat.postMessage(
        principal(request),
        request.params.id,
        request.body.text,
        request.uploads ?? [],
      )
      return reply.code(201).send(message)
    },
  )

  app.post(
    '/v1/threads/:id/messages/:messageId/report',
    {
      schema: {
        tags: ['chat'],
        summary: 'Report the other party’s message as abusive (arbiters review it)',
        params: MessageParams,
        body: AbuseReportCreate,
      },
      onRequest: limits.hook('abuse_reports'),
    },
    async (request, reply) => {
      const { report, created } = await chat.reportMessage(
        principal(request),
        request.params.id,
        request.params.messageId,
        request.body.reason,
      )
      return reply.code(created ? 201 : 200).send(report)
    },
  )

  app.get(
    '/v1/sellers/me/chat-settings',
    { schema: { tags: ['chat'], summary: 'The seller’s chat settings' } },
    async (request) => chat.settings(principal(request)),
  )

  app.put(
    '/v1/sellers/me/chat-settings',
    {
      schema: {
        tags: ['chat'],
        summary: 'Switch pre-sale question threads on or off',
        description: 'Existing threads stay readable; threads of orders with a claim can never be switched off.',
        body: ChatSettings,
      },
    },
    async (request) => chat.setPresaleQuestions(principal(request), request.body.presale_questions),
  )

  app.get(
    '/v1/sellers/me/official-domains',
    { schema: { tags: ['chat'], summary: 'The seller’s official domains' } },
    async (request) => ({
      domains: (await chat.settings(principal(request))).official_domains,
    }),
  )

  app.put(
    '/v1/sellers/me/official-domains',
    {
      schema: {
        tags: ['chat'],
        summary: 'Replace the seller’s official domains (manufacturer, service centre)',
        description: 'Links to these hosts and their subdomains pass moderation in the seller’s threads. At most 20.',
        body: OfficialDomains,
      },
    },
    async (request) => chat.setOfficialDomains(principal(request), request.body.domains),
  )
}

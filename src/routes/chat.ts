// Threads, messages (with photos over multipart), abuse reports on messages,
// and sellers' chat settings (docs/moderation.md); official domains are in official-domains.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { formBody } from '../http/multipart.js'
import { ref, UuidParam } from '../schemas/common.js'
import { IdempotencyHeaders, problems, sendView, success } from '../schemas/responses.js'
import { validatedAs } from '../http/validation.js'
import { photoParts } from '../schemas/claims.js'
import { Type } from 'typebox'
import {
  AbuseReport,
  ChatSettingsView,
  Message,
  MessagePage,
  MessageText,
  Thread,
  ThreadPage,
  AbuseReportCreate,
  ChatSettings,
  MessageCreate,
  MessageListQuery,
  MessageParams,
  ThreadCreate,
  ThreadListQuery,
} from '../schemas/chat.js'
import type { ChatService } from '../domain/chat/chat.service.js'
import { heldNotice } from '../domain/chat/held-notice.js'
import { inLanguage } from '../domain/moderation/engine/hints.js'
import { hintLanguage } from '../http/language.js'

export const chatRoutes: FastifyPluginAsyncTypebox<{ chat: ChatService }> = async (app, { chat }) => {
  app.post(
    '/v1/threads',
    {
      schema: {
        operationId: 'startThread',
        tags: ['chat'],
        summary: 'Start the order’s thread (buyer); 200 with the existing one',
        description:
          'One thread per order. 403 chat-disabled when the seller switched pre-sale questions off and the order has no claim.',
        headers: IdempotencyHeaders,
        body: ThreadCreate,
        response: {
          200: success(ref(Thread), 'The order already had its thread', ['location', 'replayed']),
          201: success(ref(Thread), 'The thread was started', ['location', 'replayed']),
          ...problems({ 403: ['action-forbidden', 'chat-disabled'], 404: ['not-found'] }, { body: true, write: true }),
        },
      },
    },
    async (request, reply) => {
      const { thread, created } = await chat.startThread(principal(request), request.body.order_id)
      return sendView(reply.code(created ? 201 : 200).header('location', `/v1/threads/${thread.id}`), thread)
    },
  )

  app.get(
    '/v1/threads',
    {
      schema: {
        operationId: 'listThreads',
        tags: ['chat'],
        summary: 'The caller’s threads, latest activity first (buyer, seller; arbiters with order_id)',
        querystring: ThreadListQuery,
        response: {
          200: success(ThreadPage, 'A page of threads'),
          ...problems({ 403: ['action-forbidden'], 422: ['validation-failed'] }),
        },
      },
    },
    async (request, reply) => sendView(reply, await chat.listThreads(principal(request), request.query)),
  )

  app.get(
    '/v1/threads/:id',
    {
      schema: {
        operationId: 'getThread',
        tags: ['chat'],
        summary: 'Read a thread',
        params: UuidParam,
        response: { 200: success(ref(Thread), 'The thread'), ...problems({ 404: ['not-found'] }) },
      },
    },
    async (request, reply) => sendView(reply, await chat.getThread(principal(request), request.params.id)),
  )

  app.get(
    '/v1/threads/:id/messages',
    {
      schema: {
        operationId: 'listMessages',
        tags: ['chat'],
        summary: 'Messages: newest first, or with `after` the newer ones oldest first',
        params: UuidParam,
        querystring: MessageListQuery,
        response: {
          200: success(MessagePage, 'A page of messages'),
          ...problems({ 404: ['not-found'], 422: ['validation-failed'] }),
        },
      },
    },
    async (request, reply) =>
      sendView(reply, await chat.listMessages(principal(request), request.params.id, request.query)),
  )

  app.post(
    '/v1/threads/:id/messages',
    {
      schema: {
        operationId: 'postMessage',
        tags: ['chat'],
        summary: 'Send a message (the order’s buyer or seller)',
        description:
          'JSON, or multipart/form-data with the text as a field and photos as file parts named "photos" ' +
          '(at most policy photos_per_message_max; the text may then be empty). ' +
          'Moderated before delivery: a violation refuses it with 422 message-blocked listing the violations and hints, and keeps none of its photos. ' +
          'A suspended seller gets 403 chat-suspended. ' +
          'Under policy moderation_review = hold, a text moderation is unsure of is stored but held for an arbiter: ' +
          '202 with status held and `hold` (a notice and the findings with hints, in the Accept-Language language).',
        params: UuidParam,
        headers: IdempotencyHeaders,
        body: {
          content: {
            'application/json': { schema: MessageText },
            'multipart/form-data': {
              schema: validatedAs(
                Type.Object(
                  {
                    text: Type.Optional(
                      Type.String({
                        maxLength: 1000,
                        description: 'with photos: at most 1000 characters, may be empty',
                      }),
                    ),
                    photos: photoParts(
                      app.uploadLimits.photosMax,
                      'file parts named "photos": JPEG, PNG, WebP, AVIF or HEIC, policy photo_bytes_max each',
                    ),
                  },
                  { additionalProperties: false },
                ),
                MessageCreate,
              ),
            },
          },
        },
        response: {
          201: success(ref(Message), 'The message as delivered', ['replayed']),
          202: success(ref(Message), 'The message is held for an arbiter’s review, not delivered yet', ['replayed']),
          ...problems(
            {
              403: ['action-forbidden', 'chat-suspended', 'chat-disabled'],
              404: ['not-found'],
              422: ['message-blocked', 'validation-failed'],
            },
            { body: true, write: true, multipart: true },
          ),
        },
      },
      // Counted with the write, before the body (and its photos) is read.
      config: { rateLimits: ['thread_messages'] },
      preValidation: formBody(MessageCreate),
    },
    async (request, reply) => {
      const body = request.body as { text?: string }
      const message = await chat.postMessage(principal(request), request.params.id, body.text, request.uploads ?? [])
      if (message.hold === undefined) return sendView(reply.code(201), message)
      const lang = hintLanguage(request)
      return sendView(reply.code(202), {
        ...message,
        hold: { notice: heldNotice(lang), violations: inLanguage(message.hold.violations, lang) },
      })
    },
  )

  app.post(
    '/v1/threads/:id/messages/:messageId/report',
    {
      schema: {
        operationId: 'reportMessage',
        tags: ['chat'],
        summary: 'Report the other party’s message as abusive (arbiters review it)',
        params: MessageParams,
        headers: IdempotencyHeaders,
        body: AbuseReportCreate,
        response: {
          200: success(ref(AbuseReport), 'The caller had already reported it', ['replayed']),
          201: success(ref(AbuseReport), 'Reported', ['replayed']),
          ...problems(
            { 403: ['action-forbidden'], 404: ['not-found'], 422: ['validation-failed'] },
            { body: true, write: true },
          ),
        },
      },
      config: { rateLimits: ['abuse_reports'] },
    },
    async (request, reply) => {
      const { report, created } = await chat.reportMessage(
        principal(request),
        request.params.id,
        request.params.messageId,
        request.body.reason,
      )
      return sendView(reply.code(created ? 201 : 200), report)
    },
  )

  const SELLER_ONLY = { 403: ['action-forbidden'] } as const
  app.get(
    '/v1/sellers/me/chat-settings',
    {
      schema: {
        operationId: 'getChatSettings',
        tags: ['chat'],
        summary: 'The seller’s chat settings',
        response: { 200: success(ChatSettingsView, 'The settings'), ...problems(SELLER_ONLY) },
      },
    },
    async (request) => chat.settings(principal(request)),
  )

  app.put(
    '/v1/sellers/me/chat-settings',
    {
      schema: {
        operationId: 'setChatSettings',
        tags: ['chat'],
        summary: 'Switch pre-sale question threads on or off',
        description: 'Existing threads stay readable; threads of orders with a claim can never be switched off.',
        headers: IdempotencyHeaders,
        body: ChatSettings,
        response: {
          200: success(ChatSettingsView, 'The settings now', ['replayed']),
          ...problems(SELLER_ONLY, { body: true, write: true }),
        },
      },
    },
    async (request) => chat.setPresaleQuestions(principal(request), request.body.presale_questions),
  )
}

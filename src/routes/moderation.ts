// The draft check, and the arbiters' view of what moderation refused or flagged.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { hintLanguage } from '../http/language.js'
import { inLanguage } from '../domain/moderation/engine/hints.js'
import { UuidParam } from '../schemas/common.js'
import {
  BlockedListQuery,
  BlockedPage,
  FlagListQuery,
  FlagPage,
  FlagReview,
  ModerationCheck,
  ModerationVerdict,
} from '../schemas/chat.js'
import { IdempotencyHeaders, problems, sendView, success } from '../schemas/responses.js'
import type { ChatService } from '../domain/chat/chat.service.js'
import type { ViolationsService } from '../domain/moderation/violations.service.js'

export const moderationRoutes: FastifyPluginAsyncTypebox<{
  chat: ChatService
  violations: ViolationsService
}> = async (app, { chat, violations }) => {
  app.post(
    '/v1/moderation/check',
    {
      schema: {
        operationId: 'checkDraft',
        tags: ['moderation'],
        summary: 'Check a draft: the verdict and violations it would get (writes nothing)',
        description:
          'Hints are in the language Accept-Language asks for: ru or en (ru when it names neither). ' +
          'The verdict review means the message would be delivered and flagged for arbiters, ' +
          'or, when held is true (policy moderation_review = hold), stored and held until an arbiter decides.',
        headers: IdempotencyHeaders,
        body: ModerationCheck,
        response: {
          200: success(ModerationVerdict, 'What moderation would decide', ['replayed']),
          ...problems({ 403: ['action-forbidden'] }, { body: true, write: true }),
        },
      },
      // A check writes nothing: it has a limit of its own instead of counting as a write.
      config: { countsAsWrite: false, rateLimits: ['draft_checks'] },
    },
    async (request, reply) => {
      const result = await chat.check(principal(request), request.body.text, request.body.sender_role)
      return sendView(reply, { ...result, violations: inLanguage(result.violations, hintLanguage(request)) })
    },
  )

  app.get(
    '/v1/moderation/blocked',
    {
      schema: {
        operationId: 'listBlockedMessages',
        tags: ['moderation'],
        summary: 'Refused messages and action texts (arbiters)',
        querystring: BlockedListQuery,
        response: {
          200: success(BlockedPage, 'A page of refused texts, newest first'),
          ...problems({ 403: ['action-forbidden'], 422: ['validation-failed'] }),
        },
      },
    },
    async (request, reply) => sendView(reply, await violations.listBlocked(principal(request), request.query)),
  )

  app.get(
    '/v1/moderation/flags',
    {
      schema: {
        operationId: 'listFlags',
        tags: ['moderation'],
        summary: 'Delivered messages flagged for review (arbiters)',
        querystring: FlagListQuery,
        response: {
          200: success(FlagPage, 'A page of flags, newest first'),
          ...problems({ 403: ['action-forbidden'], 422: ['validation-failed'] }),
        },
      },
    },
    async (request, reply) => sendView(reply, await violations.listFlags(principal(request), request.query)),
  )

  for (const decision of ['confirm', 'dismiss'] as const) {
    app.post(
      `/v1/moderation/flags/:id/${decision}`,
      {
        schema: {
          operationId: decision === 'confirm' ? 'confirmFlag' : 'dismissFlag',
          tags: ['moderation'],
          summary:
            decision === 'confirm'
              ? 'Confirm a flag: its violations enter the ledger (arbiters)'
              : 'Dismiss a flag: nothing is recorded (arbiters)',
          params: UuidParam,
          headers: IdempotencyHeaders,
          response: {
            200: success(FlagReview, 'The flag reviewed', ['replayed']),
            ...problems(
              { 403: ['action-forbidden'], 404: ['not-found'], 409: ['flag-already-reviewed'] },
              { write: true },
            ),
          },
        },
      },
      async (request, reply) =>
        sendView(reply, await violations.reviewFlag(principal(request), request.params.id, decision)),
    )
  }
}

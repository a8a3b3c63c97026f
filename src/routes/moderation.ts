// The draft check, and the arbiters' view of what moderation refused or flagged.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { hintLanguage } from '../http/language.js'
import { inLanguage } from '../domain/moderation/engine/hints.js'
import { UuidParam } from '../schemas/common.js'
import { BlockedListQuery, FlagListQuery, ModerationCheck } from '../schemas/chat.js'
import type { ChatService } from '../domain/chat/chat.service.js'
import type { ViolationsService } from '../domain/moderation/violations.service.js'
import type { RateLimits } from '../http/rate-limit.js'

export const moderationRoutes: FastifyPluginAsyncTypebox<{
  chat: ChatService
  violations: ViolationsService
  limits: RateLimits
}> = async (app, { chat, violations, limits }) => {
  app.post(
    '/v1/moderation/check',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Check a draft: the verdict and violations it would get (writes nothing)',
        description:
          'Hints are in the language Accept-Language asks for: ru or en (ru when it names neither). ' +
          'The verdict review means the message would be delivered and flagged for arbiters.',
        body: ModerationCheck,
      },
      // A check writes nothing: it has a limit of its own instead of counting as a write.
      config: { countsAsWrite: false },
      onRequest: limits.hook('draft_checks'),
    },
    async (request) => {
      const result = await chat.check(principal(request), request.body.text, request.body.sender_role)
      return { ...result, violations: inLanguage(result.violations, hintLanguage(request)) }
    },
  )

  app.get(
    '/v1/moderation/blocked',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Refused messages and action texts (arbiters)',
        querystring: BlockedListQuery,
      },
    },
    async (request) => violations.listBlocked(principal(request), request.query),
  )

  app.get(
    '/v1/moderation/flags',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Delivered messages flagged for review (arbiters)',
        querystring: FlagListQuery,
      },
    },
    async (request) => violations.listFlags(principal(request), request.query),
  )

  for (const decision of ['confirm', 'dismiss'] as const) {
    app.post(
      `/v1/moderation/flags/:id/${decision}`,
      {
        schema: {
          tags: ['moderation'],
          summary:
            decision === 'confirm'
              ? 'Confirm a flag: its violations enter the ledger (arbiters)'
              : 'Dismiss a flag: nothing is recorded (arbiters)',
          params: UuidParam,
        },
      },
      async (request) => violations.reviewFlag(principal(request), request.params.id, decision),
    )
  }
}

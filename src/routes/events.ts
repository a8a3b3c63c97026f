// The event feed (docs/integrations.md): GET /v1/events?after=<cursor>.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { EventsQuery, FeedPage } from '../schemas/events.js'
import { problems, sendView, success } from '../schemas/responses.js'
import type { FeedService } from '../domain/feed/feed.service.js'

export const eventRoutes: FastifyPluginAsyncTypebox<{ feed: FeedService }> = async (app, { feed }) => {
  app.get(
    '/v1/events',
    {
      schema: {
        operationId: 'readEvents',
        tags: ['events'],
        summary: 'The caller’s events in commit order, by cursor',
        description:
          'Claim events, chat messages, deadline reminders and violations the caller may see (buyers and sellers their own; ' +
          'arbiters and the service all). Pages never skip or repeat an event, even while new ones are written: keep passing ' +
          '`next_cursor` as `after` (it is returned on empty pages too). Sellers see buyers by pseudonym.',
        querystring: EventsQuery,
        response: {
          200: success(FeedPage, 'A page of events in commit order'),
          ...problems({ 410: ['cursor-expired'], 422: ['validation-failed'] }),
        },
      },
    },
    async (request, reply) => {
      const { after, limit, types } = request.query
      return sendView(reply, await feed.read(principal(request), { after, limit, types: types?.split(',') }))
    },
  )
}

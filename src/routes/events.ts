// The event feed (docs/integrations.md): GET /v1/events?after=<cursor>.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { EventsQuery } from '../schemas/events.js'
import type { FeedService } from '../domain/feed/feed.service.js'

export const eventRoutes: FastifyPluginAsyncTypebox<{ feed: FeedService }> = async (app, { feed }) => {
  app.get(
    '/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: 'The caller’s events in commit order, by cursor',
        description:
          'Claim events, chat messages, deadline reminders and violations the caller may see (buyers and sellers their own; ' +
          'arbiters and the service all). Pages never skip or repeat an event, even while new ones are written: keep passing ' +
          '`next_cursor` as `after` (it is returned on empty pages too). Sellers see buyers by pseudonym.',
        querystring: EventsQuery,
      },
    },
    async (request) => {
      const { after, limit, types } = request.query
      return feed.read(principal(request), { after, limit, types: types?.split(',') })
    },
  )
}

// The sellers' view (docs/sellers.md): statistics per period and the CSV export
// of the filtered claim list. Register inside the authenticated /v1 scope.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { ClaimExportQuery, SellerParam, SellerStatsResponse, StatsQuery } from '../schemas/sellers.js'
import { mediaBody, problems, success } from '../schemas/responses.js'
import type { StatsService } from '../domain/sellers/stats.service.js'

const STATS_DESCRIPTION =
  'Claims opened in [from, to) on the seller’s orders: by reason and SKU, claim rate per SKU (claims / order lines of the SKU in orders ' +
  'delivered in the period), median and 90th percentile of the time to the seller’s first response, share escalated, share decided ' +
  'against the seller (decided by an arbiter or the system in the buyer’s favour), fines (non-cancelled violations), claims per UTC day.'

export const sellerRoutes: FastifyPluginAsyncTypebox<{ stats: StatsService }> = async (app, { stats }) => {
  app.get(
    '/v1/sellers/me/stats',
    {
      schema: {
        operationId: 'getMyStats',
        tags: ['sellers'],
        summary: 'The calling seller’s claim statistics for a period (sellers)',
        description: STATS_DESCRIPTION,
        querystring: StatsQuery,
        response: {
          200: success(SellerStatsResponse, 'The statistics'),
          ...problems({ 403: ['action-forbidden'], 422: ['validation-failed'] }),
        },
      },
    },
    async (request) => stats.stats(principal(request), 'me', request.query),
  )

  app.get(
    '/v1/sellers/:id/stats',
    {
      schema: {
        operationId: 'getSellerStats',
        tags: ['sellers'],
        summary: 'A seller’s claim statistics for a period (arbiters, the service; a seller only its own)',
        description: STATS_DESCRIPTION,
        params: SellerParam,
        querystring: StatsQuery,
        response: {
          200: success(SellerStatsResponse, 'The statistics'),
          ...problems({ 403: ['action-forbidden'], 404: ['not-found'], 422: ['validation-failed'] }),
        },
      },
    },
    async (request) => stats.stats(principal(request), request.params.id, request.query),
  )

  app.get(
    '/v1/sellers/me/claims.csv',
    {
      schema: {
        tags: ['sellers'],
        summary: 'The calling seller’s claims as CSV, with the filters and sorts of GET /v1/claims (sellers)',
        description:
          'Streamed as it is read (text/csv, RFC 4180 quoting, CRLF). Buyers appear only as buyer_pseudonym. ' +
          'Text that a spreadsheet would run as a formula (=, +, -, @) gets an apostrophe before it, at the start ' +
          'of a field and after every comma, semicolon, tab or line break in it (docs/input-safety.md).',
        operationId: 'exportMyClaimsCsv',
        querystring: ClaimExportQuery,
        response: {
          200: mediaBody(['text/csv'], { type: 'string' }, 'RFC 4180 CSV with a header row', [
            'contentDisposition',
            'cacheControl',
          ]),
          ...problems({ 403: ['action-forbidden'], 422: ['validation-failed'] }),
        },
      },
    },
    async (request, reply) => {
      const body = await stats.exportCsv(principal(request), request.query)
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="claims.csv"')
        .header('cache-control', 'no-store')
        .send(body)
    },
  )
}

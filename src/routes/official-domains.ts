// Sellers' official domains and the arbiters' review of them
// (docs/moderation.md, "Official domains"). Register inside the authenticated /v1 scope.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { UuidParam } from '../schemas/common.js'
import {
  OfficialDomainDecisionBody,
  OfficialDomainReview,
  OfficialDomainReviewPage,
  OfficialDomainReviewQuery,
  OfficialDomains,
  SellerOfficialDomainList,
} from '../schemas/official-domains.js'
import { IdempotencyHeaders, problems, sendView, success } from '../schemas/responses.js'
import type { OfficialDomainsService } from '../domain/sellers/official-domains.service.js'

const SELLER_ONLY = { 403: ['action-forbidden'] } as const

export const officialDomainRoutes: FastifyPluginAsyncTypebox<{ officialDomains: OfficialDomainsService }> = async (
  app,
  { officialDomains },
) => {
  app.get(
    '/v1/sellers/me/official-domains',
    {
      schema: {
        operationId: 'getOfficialDomains',
        tags: ['chat'],
        summary: 'The seller’s official domains and their review status',
        response: { 200: success(SellerOfficialDomainList, 'The domains'), ...problems(SELLER_ONLY) },
      },
    },
    async (request, reply) => sendView(reply, await officialDomains.list(principal(request))),
  )

  app.put(
    '/v1/sellers/me/official-domains',
    {
      schema: {
        operationId: 'setOfficialDomains',
        tags: ['chat'],
        summary: 'Replace the seller’s official domains (manufacturer, service centre)',
        description:
          'At most 20. A new domain is pending until an arbiter approves it; only approved domains (and their subdomains) ' +
          'let links through moderation in the seller’s threads. Domains kept keep their review. Refused with 422: ' +
          'mail providers, messengers and social networks, link shorteners, marketplaces and payment sites, the ' +
          'platform’s own domains and look-alikes of them. An e-mail address is a contact whatever its domain.',
        headers: IdempotencyHeaders,
        body: OfficialDomains,
        response: {
          200: success(SellerOfficialDomainList, 'The domains now', ['replayed']),
          ...problems({ ...SELLER_ONLY, 422: ['validation-failed'] }, { body: true, write: true }),
        },
      },
    },
    async (request, reply) => sendView(reply, await officialDomains.replace(principal(request), request.body.domains)),
  )

  app.get(
    '/v1/moderation/official-domains',
    {
      schema: {
        operationId: 'listOfficialDomainsForReview',
        tags: ['moderation'],
        summary: 'Sellers’ official domains by review status, pending by default, oldest first (arbiters)',
        querystring: OfficialDomainReviewQuery,
        response: {
          200: success(OfficialDomainReviewPage, 'A page of domains, oldest first'),
          ...problems({ 403: ['action-forbidden'], 422: ['validation-failed'] }),
        },
      },
    },
    async (request, reply) => sendView(reply, await officialDomains.listForReview(principal(request), request.query)),
  )

  const summaries = {
    approve: 'Approve a seller’s official domain: links to it pass moderation in the seller’s threads (arbiters)',
    refuse: 'Refuse a seller’s official domain, or withdraw an approval (arbiters)',
  } as const
  for (const decision of ['approve', 'refuse'] as const) {
    app.post(
      `/v1/moderation/official-domains/:id/${decision}`,
      {
        schema: {
          operationId: decision === 'approve' ? 'approveOfficialDomain' : 'refuseOfficialDomain',
          tags: ['moderation'],
          summary: summaries[decision],
          params: UuidParam,
          headers: IdempotencyHeaders,
          body: OfficialDomainDecisionBody,
          response: {
            200: success(OfficialDomainReview, 'The domain reviewed', ['replayed']),
            ...problems(
              {
                403: ['action-forbidden'],
                404: ['not-found'],
                409: ['official-domain-state-conflict'],
                ...(decision === 'approve' ? { 422: ['official-domain-forbidden'] } : {}),
              },
              { body: true, write: true },
            ),
          },
        },
      },
      async (request, reply) =>
        sendView(
          reply,
          await officialDomains.decide(principal(request), request.params.id, decision, request.body.comment),
        ),
    )
  }
}

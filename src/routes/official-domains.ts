// Sellers' official domains and the arbiters' review of them
// (docs/moderation.md, "Official domains"). Register inside the authenticated /v1 scope.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { UuidParam } from '../schemas/common.js'
import {
  OfficialDomainDecisionBody,
  OfficialDomainReview,
  OfficialDomainReviewList,
  OfficialDomainReviewQuery,
  OfficialDomains,
  SellerOfficialDomainList,
} from '../schemas/official-domains.js'
import type { OfficialDomainsService } from '../domain/sellers/official-domains.service.js'

export const officialDomainRoutes: FastifyPluginAsyncTypebox<{ officialDomains: OfficialDomainsService }> = async (
  app,
  { officialDomains },
) => {
  app.get(
    '/v1/sellers/me/official-domains',
    {
      schema: {
        tags: ['chat'],
        summary: 'The seller’s official domains and their review status',
        response: { 200: SellerOfficialDomainList },
      },
    },
    async (request) => officialDomains.list(principal(request)),
  )

  app.put(
    '/v1/sellers/me/official-domains',
    {
      schema: {
        tags: ['chat'],
        summary: 'Replace the seller’s official domains (manufacturer, service centre)',
        description:
          'At most 20. A new domain is pending until an arbiter approves it; only approved domains (and their subdomains) ' +
          'let links through moderation in the seller’s threads. Domains kept keep their review. Refused with 422: ' +
          'mail providers, messengers and social networks, link shorteners, marketplaces and payment sites, and ' +
          'look-alikes of the platform’s domains. An e-mail address is a contact whatever its domain.',
        body: OfficialDomains,
        response: { 200: SellerOfficialDomainList },
      },
    },
    async (request) => officialDomains.replace(principal(request), request.body.domains),
  )

  app.get(
    '/v1/moderation/official-domains',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Sellers’ official domains by review status, pending by default, oldest first (arbiters)',
        querystring: OfficialDomainReviewQuery,
        response: { 200: OfficialDomainReviewList },
      },
    },
    async (request) => officialDomains.listForReview(principal(request), request.query),
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
          tags: ['moderation'],
          summary: summaries[decision],
          params: UuidParam,
          body: OfficialDomainDecisionBody,
          response: { 200: OfficialDomainReview },
        },
      },
      async (request) => officialDomains.decide(principal(request), request.params.id, decision, request.body.comment),
    )
  }
}

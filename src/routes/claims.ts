import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { badRequest } from '../shared/errors.js'
import { principal } from '../http/auth.js'
import { formBody } from '../http/multipart.js'
import { UuidParam } from '../schemas/common.js'
import { ClaimAction, ClaimCreate, ClaimListQuery } from '../schemas/claims.js'
import type { ClaimActionsService } from '../domain/claims/claim-actions.service.js'
import type { ClaimsService } from '../domain/claims/claims.service.js'
import type { OpenClaimService } from '../domain/claims/open-claim.service.js'
import type { RateLimits } from '../http/rate-limit.js'

export const claimRoutes: FastifyPluginAsyncTypebox<{
  claims: ClaimsService
  openClaim: OpenClaimService
  claimActions: ClaimActionsService
  limits: RateLimits
}> = async (app, { claims, openClaim, claimActions, limits }) => {
  // After the form is read (the action may come as a form field), before the Idempotency-Key is reserved.
  const countAbuseReports = limits.hook(
    'abuse_reports',
    (request) => (request.body as { action?: unknown } | undefined)?.action === 'report_abuse',
  )

  app.post(
    '/v1/claims',
    {
      schema: {
        tags: ['claims'],
        summary: 'Open a claim on a delivered order line (buyer)',
        description:
          'JSON, or multipart/form-data with the same members as text fields and the photos as file parts named "photos". ' +
          'defect and damaged_in_transit claims need at least policy defect_photos_min photos.',
        consumes: ['application/json', 'multipart/form-data'],
        body: ClaimCreate,
      },
      preValidation: formBody(ClaimCreate),
    },
    async (request, reply) => {
      const { photos: _digests, ...input } = request.body
      const claim = await openClaim.open(principal(request), input, request.uploads ?? [])
      return reply
        .code(201)
        .header('location', `/v1/claims/${claim.id}`)
        .header('etag', `"${claim.version}"`)
        .send(claim)
    },
  )

  app.get(
    '/v1/claims',
    { schema: { tags: ['claims'], summary: 'List the claims the caller may see', querystring: ClaimListQuery } },
    async (request) => claims.list(principal(request), request.query),
  )

  app.get(
    '/v1/claims/:id',
    { schema: { tags: ['claims'], summary: 'Read a claim', params: UuidParam } },
    async (request, reply) => {
      const claim = await claims.get(principal(request), request.params.id)
      return reply.header('etag', `"${claim.version}"`).send(claim)
    },
  )

  app.get(
    '/v1/claims/:id/events',
    { schema: { tags: ['claims'], summary: 'The claim audit trail', params: UuidParam } },
    async (request) => ({
      items: await claims.events(principal(request), request.params.id),
    }),
  )

  app.post(
    '/v1/claims/:id/actions',
    {
      schema: {
        tags: ['claims'],
        summary: 'Apply an action to a claim',
        description:
          'Send the claim version as If-Match or expected_version; a stale one is 409 stale-version. ' +
          'provide_info also takes multipart/form-data: the members as text fields, photos as file parts named "photos".',
        consumes: ['application/json', 'multipart/form-data'],
        params: UuidParam,
        body: ClaimAction,
      },
      preValidation: [formBody(ClaimAction), countAbuseReports],
    },
    async (request, reply) => {
      const { expected_version: bodyVersion, photos: _digests, ...body } = request.body
      const expected = bodyVersion ?? parseIfMatch(request.headers['if-match'])
      const claim = await claimActions.act(principal(request), request.params.id, body, expected, request.uploads ?? [])
      return reply.header('etag', `"${claim.version}"`).send(claim)
    },
  )
}

function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header)
  if (!match?.[1]) throw badRequest('If-Match must carry the claim version, e.g. If-Match: "3"')
  return Number(match[1])
}

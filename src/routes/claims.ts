import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type, type Static } from 'typebox'
import { badRequest } from '../shared/errors.js'
import { principal } from '../http/auth.js'
import { formBody } from '../http/multipart.js'
import { validatedAs } from '../http/validation.js'
import { UuidParam } from '../schemas/common.js'
import {
  Claim,
  CLAIM_VIEWS,
  ClaimAction,
  ClaimActionFields,
  ClaimActionWire,
  ClaimCreate,
  claimCreateForm,
  ClaimCreateWire,
  ClaimEvents,
  ClaimListQuery,
  ClaimPage,
  provideInfoForm,
} from '../schemas/claims.js'
import { IdempotencyHeaders, problems, success } from '../schemas/responses.js'
import type { ClaimActionsService } from '../domain/claims/claim-actions.service.js'
import type { ClaimsService } from '../domain/claims/claims.service.js'
import type { OpenClaimService } from '../domain/claims/open-claim.service.js'
import type { RateLimits } from '../http/rate-limit.js'
import type { ClaimView } from '../domain/claims/claim-view.js'

const NOT_FOUND = { 404: ['not-found'] } as const

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
  const { photosMax } = app.uploadLimits
  const createBody = {
    content: {
      'application/json': { schema: ClaimCreate },
      'multipart/form-data': { schema: validatedAs(claimCreateForm(photosMax), ClaimCreateWire) },
    },
  }
  const actionBody = {
    content: {
      'application/json': { schema: validatedAs(ClaimAction, ClaimActionWire) },
      'multipart/form-data': { schema: validatedAs(provideInfoForm(photosMax), ClaimActionWire) },
    },
  }

  app.post(
    '/v1/claims',
    {
      schema: {
        operationId: 'openClaim',
        tags: ['claims'],
        summary: 'Open a claim on a delivered order line (buyer)',
        description:
          'JSON, or multipart/form-data with the same members as text fields and the photos as file parts named "photos". ' +
          'defect and damaged_in_transit claims need at least policy defect_photos_min photos.',
        headers: IdempotencyHeaders,
        body: createBody,
        response: {
          201: success(Claim, 'The claim opened, as the buyer sees it', ['etag', 'location', 'replayed']),
          ...problems(
            {
              403: ['action-forbidden', 'claims-restricted'],
              404: ['not-found'],
              409: ['claim-already-open'],
              422: [
                'line-not-delivered',
                'claim-window-passed',
                'photos-required',
                'validation-failed',
                'message-blocked',
              ],
            },
            { body: true, write: true, multipart: true },
          ),
        },
      },
      preValidation: formBody(ClaimCreateWire),
    },
    async (request, reply) => {
      const { photos: _digests, ...input } = request.body as Static<typeof ClaimCreateWire>
      const claim = await openClaim.open(principal(request), input, request.uploads ?? [])
      return sendClaim(reply.code(201).header('location', `/v1/claims/${claim.id}`), claim)
    },
  )

  app.get(
    '/v1/claims',
    {
      schema: {
        operationId: 'listClaims',
        tags: ['claims'],
        summary: 'List the claims the caller may see',
        querystring: ClaimListQuery,
        response: {
          200: success(ClaimPage, 'A page of claims, newest first unless sort says otherwise'),
          ...problems({ 403: ['action-forbidden'], 422: ['validation-failed'] }),
        },
      },
    },
    async (request, reply) => {
      const page = await claims.list(principal(request), request.query)
      // Each claim through its role's serializer (as GET /v1/claims/:id), the page around them.
      const serialize = reply.compileSerializationSchema(
        CLAIM_VIEWS[principal(request).role] as unknown as Record<string, unknown>,
      )
      const items = page.items.map((claim) => serialize(claim as unknown as Record<string, unknown>)).join(',')
      return sendJsonText(reply, `{"items":[${items}],"next_cursor":${JSON.stringify(page.next_cursor)}}`)
    },
  )

  app.get(
    '/v1/claims/:id',
    {
      schema: {
        operationId: 'getClaim',
        tags: ['claims'],
        summary: 'Read a claim',
        params: UuidParam,
        response: { 200: success(Claim, 'The claim as the caller’s role sees it', ['etag']), ...problems(NOT_FOUND) },
      },
    },
    async (request, reply) => sendClaim(reply, await claims.get(principal(request), request.params.id)),
  )

  app.get(
    '/v1/claims/:id/events',
    {
      schema: {
        operationId: 'listClaimEvents',
        tags: ['claims'],
        summary: 'The claim audit trail, oldest first',
        description: 'Sellers see buyer actors by pseudonym, as in the event feed.',
        params: UuidParam,
        response: { 200: success(ClaimEvents, 'Every transition of the claim'), ...problems(NOT_FOUND) },
      },
    },
    async (request) => ({ items: await claims.events(principal(request), request.params.id) }),
  )

  app.post(
    '/v1/claims/:id/actions',
    {
      schema: {
        operationId: 'actOnClaim',
        tags: ['claims'],
        summary: 'Apply an action to a claim',
        description:
          'Send the claim version as If-Match or expected_version; a stale one is 409 stale-version. ' +
          'What each action needs is in the body schema; what depends on the claim is in it: allowed_actions, offer_bounds ' +
          '(amounts from 1 to line_total − 1) and offers_left. provide_info also takes multipart/form-data.',
        params: UuidParam,
        headers: Type.Object({
          ...IdempotencyHeaders.properties,
          'if-match': Type.Optional(Type.String({ description: 'the claim version as its ETag, e.g. "3"' })),
        }),
        body: actionBody,
        response: {
          200: success(Claim, 'The claim after the action', ['etag', 'replayed']),
          ...problems(
            {
              400: ['bad-request'],
              403: ['action-forbidden', 'chat-suspended'],
              404: ['not-found'],
              409: ['stale-version', 'action-not-allowed', 'abuse-report-limit'],
              422: ['validation-failed', 'offer-out-of-bounds', 'photos-not-allowed', 'message-blocked'],
            },
            { body: true, write: true, multipart: true },
          ),
        },
      },
      preValidation: [formBody(ClaimActionFields), countAbuseReports],
    },
    async (request, reply) => {
      const {
        expected_version: bodyVersion,
        photos: _digests,
        ...body
      } = request.body as Static<typeof ClaimAction> & { photos?: string[] }
      const expected = bodyVersion ?? parseIfMatch(request.headers['if-match'])
      const claim = await claimActions.act(principal(request), request.params.id, body, expected, request.uploads ?? [])
      return sendClaim(reply, claim)
    },
  )
}

/**
 * The claim through its role's own serializer: a member the role's schema does
 * not name is never sent, whatever the service put in the view.
 */
function sendClaim(reply: FastifyReply, claim: ClaimView) {
  return sendWith(reply.header('etag', `"${claim.version}"`), CLAIM_VIEWS[claim.view], claim)
}

function sendWith(reply: FastifyReply, schema: object, payload: unknown) {
  // Serialized here, so a failure is the handler's error (a problem), not a reply serializer left in place.
  // compileSerializationSchema caches per schema object, so each view compiles once.
  const serialize = reply.compileSerializationSchema(schema as Record<string, unknown>)
  return sendJsonText(reply, serialize(payload as Record<string, unknown>))
}

function sendJsonText(reply: FastifyReply, json: string) {
  return reply.type('application/json; charset=utf-8').send(json)
}

function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header)
  if (!match?.[1]) throw badRequest('If-Match must carry the claim version, e.g. If-Match: "3"')
  return Number(match[1])
}

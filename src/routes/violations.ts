// The violations ledger, sanctions and abuse reports (docs/moderation.md).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { UuidParam } from '../schemas/common.js'
import {
  AbuseReportClose,
  AbuseReportListQuery,
  CommentBody,
  ReasonBody,
  SanctionListQuery,
  ViolationListQuery,
} from '../schemas/chat.js'
import type { ViolationsService } from '../domain/moderation/violations.service.js'

export const violationRoutes: FastifyPluginAsyncTypebox<{ violations: ViolationsService }> = async (
  app,
  { violations },
) => {
  app.get(
    '/v1/violations',
    {
      schema: {
        tags: ['moderation'],
        summary: 'The violations ledger with totals (arbiters all; sellers and buyers their own)',
        querystring: ViolationListQuery,
      },
    },
    async (request) => violations.listViolations(principal(request), request.query),
  )

  app.post(
    '/v1/violations/:id/cancel',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Cancel a violation, refunding its fine (arbiters)',
        params: UuidParam,
        body: ReasonBody,
      },
    },
    async (request) => violations.cancelViolation(principal(request), request.params.id, request.body.reason),
  )

  app.get(
    '/v1/sanctions',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Chat suspensions and claim restrictions (arbiters)',
        querystring: SanctionListQuery,
      },
    },
    async (request) => violations.listSanctions(principal(request), request.query),
  )

  const summaries = {
    confirm: 'Confirm a pending sanction (arbiters)',
    cancel: 'Cancel a pending sanction as unfounded; its effect ends (arbiters)',
    lift: 'Lift a sanction; its effect ends (arbiters)',
  } as const
  for (const decision of ['confirm', 'cancel', 'lift'] as const) {
    app.post(
      `/v1/sanctions/:id/${decision}`,
      { schema: { tags: ['moderation'], summary: summaries[decision], params: UuidParam, body: CommentBody } },
      async (request) =>
        violations.decideSanction(principal(request), request.params.id, decision, request.body.comment),
    )
  }

  app.get(
    '/v1/abuse-reports',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Reports of abusive messages (arbiters)',
        querystring: AbuseReportListQuery,
      },
    },
    async (request) => violations.listAbuseReports(principal(request), request.query),
  )

  app.post(
    '/v1/abuse-reports/:id/close',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Close an abuse report as upheld or dismissed (arbiters)',
        params: UuidParam,
        body: AbuseReportClose,
      },
    },
    async (request) => violations.closeAbuseReport(principal(request), request.params.id, request.body.outcome),
  )
}

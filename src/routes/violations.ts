// The violations ledger, sanctions and abuse reports (docs/moderation.md).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principal } from '../http/auth.js'
import { ref, UuidParam } from '../schemas/common.js'
import {
  AbuseReport,
  AbuseReportClose,
  AbuseReportListQuery,
  AbuseReportPage,
  CommentBody,
  ReasonBody,
  SanctionListQuery,
  SanctionPage,
  SanctionView,
  ViolationListQuery,
  ViolationPage,
  ViolationView,
} from '../schemas/chat.js'
import { IdempotencyHeaders, problems, sendView, success } from '../schemas/responses.js'

const ARBITERS = { 403: ['action-forbidden'] } as const
const LIST = { 403: ['action-forbidden'], 422: ['validation-failed'] } as const
import type { ViolationsService } from '../domain/moderation/violations.service.js'

export const violationRoutes: FastifyPluginAsyncTypebox<{ violations: ViolationsService }> = async (
  app,
  { violations },
) => {
  app.get(
    '/v1/violations',
    {
      schema: {
        operationId: 'listViolations',
        tags: ['moderation'],
        summary: 'The violations ledger with totals (arbiters all; sellers and buyers their own)',
        querystring: ViolationListQuery,
        response: { 200: success(ViolationPage, 'A page of the ledger, newest first, with totals'), ...problems(LIST) },
      },
    },
    async (request, reply) => sendView(reply, await violations.listViolations(principal(request), request.query)),
  )

  app.post(
    '/v1/violations/:id/cancel',
    {
      schema: {
        operationId: 'cancelViolation',
        tags: ['moderation'],
        summary: 'Cancel a violation, refunding its fine (arbiters)',
        params: UuidParam,
        headers: IdempotencyHeaders,
        body: ReasonBody,
        response: {
          200: success(ref(ViolationView), 'The violation, cancelled', ['replayed']),
          ...problems(
            { ...ARBITERS, 404: ['not-found'], 409: ['violation-already-cancelled'] },
            { body: true, write: true },
          ),
        },
      },
    },
    async (request, reply) =>
      sendView(reply, await violations.cancelViolation(principal(request), request.params.id, request.body.reason)),
  )

  app.get(
    '/v1/sanctions',
    {
      schema: {
        operationId: 'listSanctions',
        tags: ['moderation'],
        summary: 'Chat suspensions and claim restrictions (arbiters all; sellers and buyers their own)',
        querystring: SanctionListQuery,
        response: { 200: success(SanctionPage, 'A page of sanctions, newest first'), ...problems(LIST) },
      },
    },
    async (request, reply) => sendView(reply, await violations.listSanctions(principal(request), request.query)),
  )

  const summaries = {
    confirm: 'Confirm a pending sanction (arbiters)',
    cancel: 'Cancel a pending sanction as unfounded; its effect ends (arbiters)',
    lift: 'Lift a sanction; its effect ends (arbiters)',
  } as const
  for (const decision of ['confirm', 'cancel', 'lift'] as const) {
    app.post(
      `/v1/sanctions/:id/${decision}`,
      {
        schema: {
          operationId: `${decision}Sanction`,
          tags: ['moderation'],
          summary: summaries[decision],
          params: UuidParam,
          headers: IdempotencyHeaders,
          body: CommentBody,
          response: {
            200: success(ref(SanctionView), 'The sanction now', ['replayed']),
            ...problems(
              { ...ARBITERS, 404: ['not-found'], 409: ['sanction-state-conflict'] },
              { body: true, write: true },
            ),
          },
        },
      },
      async (request, reply) =>
        sendView(
          reply,
          await violations.decideSanction(principal(request), request.params.id, decision, request.body.comment),
        ),
    )
  }

  app.get(
    '/v1/abuse-reports',
    {
      schema: {
        operationId: 'listAbuseReports',
        tags: ['moderation'],
        summary: 'Reports of abusive messages (arbiters)',
        querystring: AbuseReportListQuery,
        response: { 200: success(AbuseReportPage, 'A page of reports, newest first'), ...problems(LIST) },
      },
    },
    async (request, reply) => sendView(reply, await violations.listAbuseReports(principal(request), request.query)),
  )

  app.post(
    '/v1/abuse-reports/:id/close',
    {
      schema: {
        operationId: 'closeAbuseReport',
        tags: ['moderation'],
        summary: 'Close an abuse report as upheld or dismissed (arbiters)',
        params: UuidParam,
        headers: IdempotencyHeaders,
        body: AbuseReportClose,
        response: {
          200: success(ref(AbuseReport), 'The report, closed', ['replayed']),
          ...problems({ ...ARBITERS, 404: ['not-found'], 409: ['abuse-report-closed'] }, { body: true, write: true }),
        },
      },
    },
    async (request, reply) =>
      sendView(reply, await violations.closeAbuseReport(principal(request), request.params.id, request.body.outcome)),
  )
}

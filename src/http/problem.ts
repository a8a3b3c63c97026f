// One place maps every failure to RFC 9457 problem+json with a stable type.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError, PROBLEM_BASE } from '../shared/errors.js'
import { inLanguage } from '../domain/moderation/engine/hints.js'
import { hintLanguage } from './language.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

interface ProblemBody {
  type: string
  title: string
  status: number
  detail?: string
  instance: string
  request_id: string
  [extension: string]: unknown
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: { status: number; slug: string; title: string; detail?: string; extensions?: Record<string, unknown> },
): FastifyReply {
  const body: ProblemBody = {
    ...problem.extensions,
    type: PROBLEM_BASE + problem.slug,
    title: problem.title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    instance: request.url,
    request_id: request.id,
  }
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(body)
}

/** The one 503 problem: a backing service is down or too slow; the caller may retry. */
export const SERVICE_UNAVAILABLE = {
  status: 503,
  slug: 'service-unavailable',
  title: 'Service temporarily unavailable',
} as const

/** Postgres or Redis unreachable (or a bounded call to it timed out): the caller may retry. */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string; name?: string }
  const codes = [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    '57P01',
    '57P02',
    '57P03',
    '08006',
    '08001',
    '08003',
    '53300',
  ]
  return (
    (e.code !== undefined && codes.includes(e.code)) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Stream isn't writeable|Connection is closed/i.test(
      e.message ?? '',
    ) ||
    e.name === 'MaxRetriesPerRequestError'
  )
}

/**
 * Postgres data exceptions a bad value causes (a NUL in text 22021, bad text
 * for a type 22P02, a number or date out of range 22003/22008…). Input is
 * checked before it reaches SQL (src/http/input-safety.ts, the schemas); this
 * is the last line of defence, so such a value is still the client's 400.
 */
const PG_BAD_VALUE = new Set([
  '22001', // string_data_right_truncation
  '22003', // numeric_value_out_of_range
  '22007', // invalid_datetime_format
  '22008', // datetime_field_overflow
  '22021', // character_not_in_repertoire
  '22025', // invalid_escape_sequence
  '22P02', // invalid_text_representation
  '22P05', // untranslatable_character
  '2201B', // invalid_regular_expression
])

/** A pg DatabaseError (it has a severity and a SQLSTATE) with one of the codes above. */
export function isBadValue(err: unknown): boolean {
  const e = err as { code?: unknown; severity?: unknown }
  return typeof e.code === 'string' && typeof e.severity === 'string' && PG_BAD_VALUE.has(e.code)
}

/** A problem listing moderation violations gives their hints in the request's language. */
function localised(request: FastifyRequest, error: DomainError): DomainError | Parameters<typeof sendProblem>[2] {
  const violations = error.extensions['violations']
  if (!Array.isArray(violations)) return error
  return {
    status: error.status,
    slug: error.slug,
    title: error.title,
    detail: error.detail,
    extensions: { ...error.extensions, violations: inLanguage(violations, hintLanguage(request)) },
  }
}

/** The client went away before its request was complete (its body stream was cut short). */
function clientClosed(request: FastifyRequest, error: FastifyError): boolean {
  return request.raw.readableAborted || (error.code === 'ECONNRESET' && error.message === 'aborted')
}

/** RFC 6750 §3: a bare challenge when no token came, invalid_token when one did. */
function bearerChallenge(request: FastifyRequest): string {
  return request.headers.authorization === undefined
    ? 'Bearer realm="claimdesk"'
    : 'Bearer realm="claimdesk", error="invalid_token"'
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      if (error.status >= 500) request.log.error({ err: error }, error.message)
      if (error.status === 401 && !reply.hasHeader('www-authenticate'))
        reply.header('www-authenticate', bearerChallenge(request))
      // A refusal that says when to come back (uploads-in-flight) says it in the header too.
      const retryAfter = error.extensions.retry_after
      if (typeof retryAfter === 'number' && !reply.hasHeader('retry-after'))
        reply.header('retry-after', String(retryAfter))
      return sendProblem(request, reply, localised(request, error))
    }
    if (error.validation) {
      return sendProblem(request, reply, {
        status: 400,
        slug: 'invalid-request',
        title: 'Request does not match the schema',
        detail: `${error.validationContext ?? 'request'}${error.message.replace(/^(body|querystring|params|headers)/, '')}`,
        extensions: {
          errors: error.validation.map((v) => ({ path: v.instancePath || '/', message: v.message, params: v.params })),
        },
      })
    }
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      return sendProblem(request, reply, {
        status: 400,
        slug: 'malformed-json',
        title: 'Malformed JSON',
        detail: 'the request body is not valid JSON',
      })
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.code === 'FST_REQ_FILE_TOO_LARGE') {
      return sendProblem(request, reply, {
        status: 413,
        slug: 'payload-too-large',
        title: 'Payload too large',
        detail: error.message,
      })
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendProblem(request, reply, {
        status: 415,
        slug: 'unsupported-media-type',
        title: 'Unsupported media type',
        detail: error.message,
      })
    }
    if (clientClosed(request, error)) {
      // Not a dependency outage: Node reports the client's reset as ECONNRESET on the request stream.
      request.log.info({ err: error.message }, 'client closed the request')
      return sendProblem(request, reply, {
        status: 400,
        slug: 'bad-request',
        title: 'Bad request',
        detail: 'the client closed the connection before the request was complete',
      })
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(request, reply, {
        status: error.statusCode,
        slug: 'bad-request',
        title: 'Bad request',
        detail: error.message,
      })
    }
    if (isBadValue(error)) {
      // A value got past validation: the client's fault, but a gap to close, so logged.
      request.log.warn({ err: error }, 'a value the database refused reached SQL')
      return sendProblem(request, reply, {
        status: 400,
        slug: 'invalid-value',
        title: 'Invalid value',
        detail: 'a value in the request is out of range or not valid for its type',
      })
    }
    if (isUnavailable(error)) {
      request.log.warn({ err: error }, 'dependency unavailable')
      reply.header('retry-after', '5')
      return sendProblem(request, reply, {
        ...SERVICE_UNAVAILABLE,
        detail: 'a backing service (database or queue) is unreachable; retry shortly',
      })
    }
    request.log.error({ err: error }, 'unhandled error')
    return sendProblem(request, reply, {
      status: 500,
      slug: 'internal-error',
      title: 'Internal error',
      detail: 'an unexpected error occurred; quote the request_id',
    })
  })

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, {
      status: 404,
      slug: 'not-found',
      title: 'Not found',
      detail: `no route ${request.method} ${request.url}`,
    }),
  )
}

// The test app checks every response against the schema its route declares
// for that status and media type, so the OpenAPI document cannot drift from
// what the server sends: an undeclared status, a body that does not match,
// or a problem type the status does not list all fail the test.
import fp from 'fastify-plugin'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { SHARED_SCHEMAS } from '../../src/http/openapi.js'
import { PROBLEM_BASE } from '../../src/shared/errors.js'

interface ResponseEntry {
  description?: string
  type?: string
  content?: Record<string, { schema: Record<string, unknown> }>
  [keyword: string]: unknown
}

const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json$/

export function responseContract(report: (message: string) => void) {
  // `discriminator` is left as an annotation here: oneOf alone must pick exactly one member.
  const ajv = new Ajv({ strict: false, allErrors: true })
  addFormats.default(ajv)
  for (const schema of SHARED_SCHEMAS) ajv.addSchema(schema)
  const compiled = new WeakMap<object, ValidateFunction>()
  const validatorOf = (schema: object) => {
    let validate = compiled.get(schema)
    if (!validate) {
      validate = ajv.compile(schema)
      compiled.set(schema, validate)
    }
    return validate
  }

  return fp(async (app) => {
    app.addHook('onSend', async (request, reply, payload) => {
      const problem = check(request, reply, payload, validatorOf)
      if (problem) report(`${request.method} ${request.url} → ${reply.statusCode}: ${problem}`)
      return payload
    })
  })
}

function check(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  validatorOf: (s: object) => ValidateFunction,
): string | null {
  const responses = (request.routeOptions.schema as { response?: Record<string, ResponseEntry> } | undefined)?.response
  if (!responses) return null // routes outside the document (health, metrics, the queue dashboard, 404s)
  const status = reply.statusCode
  const entry = responses[status] ?? responses[`${String(status)[0]}xx`] ?? responses.default
  if (!entry) return `status ${status} is not declared (declared: ${Object.keys(responses).join(', ')})`
  const mediaType = String(reply.getHeader('content-type') ?? '')
    .split(';')[0]!
    .trim()
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null

  if (entry.type === 'null') return text ? `a body was sent where none is declared: ${text.slice(0, 200)}` : null
  let schema: object
  if (entry.content) {
    const media = entry.content[mediaType]
    if (!media) return `media type "${mediaType}" is not declared (declared: ${Object.keys(entry.content).join(', ')})`
    if (!JSON_MEDIA.test(mediaType)) return null // bytes and CSV: the media type is the contract
    schema = media.schema
  } else {
    if (mediaType !== 'application/json') return `media type "${mediaType}" where application/json is declared`
    schema = entry
  }
  if (text === null) return `a JSON body was expected, got ${typeof payload}`
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return `the body is not JSON: ${text.slice(0, 200)}`
  }
  const validate = validatorOf(schema)
  if (!validate(body))
    return `the body does not match the schema: ${JSON.stringify(validate.errors?.slice(0, 5))} in ${text.slice(0, 600)}`
  const listed = /^Problem types: (.*)$/.exec(entry.description ?? '')?.[1]?.split(', ')
  const type = (body as { type?: unknown }).type
  if (listed && typeof type === 'string' && !listed.includes(type.replace(PROBLEM_BASE, ''))) {
    return `problem type ${type} is not listed for this status (${listed.join(', ')})`
  }
  return null
}

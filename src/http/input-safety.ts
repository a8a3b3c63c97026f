// Input no route should ever see, refused once for every route
// (docs/input-safety.md):
//   - JSON nested deeper than JSON_DEPTH_MAX: 400 json-too-deep, before it is
//     parsed (a 5,000-deep body costs stack in every recursive walk after it);
//   - a NUL character or a lone UTF-16 surrogate in any path parameter, query
//     value or body string (keys too): 400 invalid-text, before the handler
//     runs. Postgres stores neither in text (22021), and a lone surrogate
//     cannot be encoded as UTF-8 without silently changing it.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DomainError } from '../shared/errors.js'

/** A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g')

/** Deeper than any body the API takes (orders, with lines, are 3). */
export const JSON_DEPTH_MAX = 32

/** Walks of decoded input stop here: JSON is bounded above, and a query string is flat. */
const WALK_DEPTH_MAX = JSON_DEPTH_MAX + 2

export const jsonTooDeep = (): DomainError =>
  new DomainError({
    status: 400,
    slug: 'json-too-deep',
    title: 'JSON nested too deeply',
    detail: `the request body nests objects and arrays deeper than ${JSON_DEPTH_MAX} levels`,
  })

type RequestPart = 'path' | 'query' | 'body'

export const invalidText = (part: RequestPart, field: string): DomainError => {
  // The field's name is echoed back: without the characters refused, and short (whole characters).
  const name = [...field.replace(UNSTORABLE_ALL, '\uFFFD')].slice(0, 200).join('')
  return new DomainError({
    status: 400,
    slug: 'invalid-text',
    title: 'Text the service cannot store',
    detail: `${part} field ${name} holds a NUL character or a lone UTF-16 surrogate`,
    extensions: { field: name, in: part },
  })
}

/** The deepest nesting of objects and arrays in JSON text, counted without parsing; stops early past `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      depth++
      if (depth > max && (max = depth) > limit) return max
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return max
}

/** Text Postgres cannot store as sent: a NUL, or a surrogate without its pair. */
export function isUnstorableText(value: string): boolean {
  return UNSTORABLE.test(value)
}

/** The path (`description`, `lines/0/sku`) of the first unstorable string in `value`, keys included. */
export function findUnstorableText(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return isUnstorableText(value) ? path || '/' : undefined
  if (value === null || typeof value !== 'object' || depth > WALK_DEPTH_MAX) return undefined
  if (Buffer.isBuffer(value)) return undefined
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}/${key}` : key
    if (isUnstorableText(key)) return at
    const found = findUnstorableText(item, at, depth + 1)
    if (found !== undefined) return found
  }
  return undefined
}

/** The request part and path of the first unstorable string a route would receive. */
export function unstorableInRequest(request: FastifyRequest): { part: RequestPart; field: string } | undefined {
  for (const [part, value] of [
    ['path', request.params],
    ['query', request.query],
    ['body', request.body],
  ] as const) {
    const field = findUnstorableText(value)
    if (field !== undefined) return { part, field }
  }
  return undefined
}

/**
 * Registers the JSON parser with its depth limit and the text check. On the
 * root instance, before any route: hooks and parsers reach every child scope
 * created after them.
 */
export function registerInputSafety(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body) // parseAs: 'string'
    if (jsonDepth(text, JSON_DEPTH_MAX) > JSON_DEPTH_MAX) return done(jsonTooDeep(), undefined)
    parseJson(request, text, done)
  })
  // preHandler, not preValidation: multipart forms become a body in a
  // preValidation hook of their scope, which runs after the root's.
  // Callback style: nothing here awaits.
  app.addHook('preHandler', (request, _reply, done) => {
    const found = unstorableInRequest(request)
    if (found) throw invalidText(found.part, found.field)
    done()
  })
}

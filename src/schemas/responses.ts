// Response maps for route schemas: the success body with its headers, and
// every problem a route can answer, grouped by status with the types listed.
import type { FastifyReply } from 'fastify'
import { Type, type TSchema } from 'typebox'

export const PROBLEM_MEDIA_TYPE = 'application/problem+json'

type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503
export type ProblemTypes = Partial<Record<ErrorStatus, readonly string[]>>

interface HeaderSpec {
  description: string
  schema: Record<string, unknown>
}

/** Response headers, declared once and named in each response that sends them. */
export const HEADERS = {
  etag: {
    description: 'the claim version as a strong entity tag, e.g. "3"; send it back as If-Match',
    schema: { type: 'string' },
  },
  photoEtag: {
    description: 'strong entity tag of the photo bytes; send it as If-None-Match',
    schema: { type: 'string' },
  },
  location: { description: 'the path of the created resource', schema: { type: 'string' } },
  replayed: {
    description: '"true" when this is the stored answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
  retryAfter: { description: 'seconds to wait before retrying', schema: { type: 'integer' } },
  wwwAuthenticate: { description: 'the Bearer challenge (RFC 6750)', schema: { type: 'string' } },
  cacheControl: { description: 'caching rules', schema: { type: 'string' } },
  contentDisposition: { description: 'inline for photos, attachment for exports', schema: { type: 'string' } },
  requestId: { description: 'the request id (also `request_id` in problems)', schema: { type: 'string' } },
} as const satisfies Record<string, HeaderSpec>

type HeaderName = keyof typeof HEADERS
const HEADER_WIRE_NAMES: Record<HeaderName, string> = {
  etag: 'ETag',
  photoEtag: 'ETag',
  location: 'Location',
  replayed: 'Idempotent-Replayed',
  retryAfter: 'Retry-After',
  wwwAuthenticate: 'WWW-Authenticate',
  cacheControl: 'Cache-Control',
  contentDisposition: 'Content-Disposition',
  requestId: 'X-Request-Id',
}

function headers(names: readonly HeaderName[]): Record<string, { description: string } & Record<string, unknown>> {
  return Object.fromEntries(
    names.map((n) => [HEADER_WIRE_NAMES[n], { ...HEADERS[n].schema, description: HEADERS[n].description }]),
  )
}

/**
 * A success body with its description and headers. The schema keeps its
 * static type, so the TypeBox provider still checks what the handler returns.
 */
export function success<T extends TSchema>(schema: T, description: string, headerNames: readonly HeaderName[] = []): T {
  return { ...schema, description, headers: headers(['requestId', ...headerNames]) } as T
}

/** A response without a body (204, 304). */
export function noBody(description: string, headerNames: readonly HeaderName[] = []) {
  return { type: 'null', description, headers: headers(['requestId', ...headerNames]) } as unknown as TSchema
}

/** A non-JSON body (photo bytes, CSV): the media types it may have. */
export function mediaBody(
  mediaTypes: readonly string[],
  schema: Record<string, unknown>,
  description: string,
  headerNames: readonly HeaderName[] = [],
) {
  return {
    description,
    headers: headers(['requestId', ...headerNames]),
    content: Object.fromEntries(mediaTypes.map((m) => [m, { schema }])),
  } as unknown as TSchema
}

// 429: a caller without a valid token is counted per address on every route, a party's writes per party.
// invalid-text and invalid-value: any path or query value (src/http/input-safety.ts, the database's last word).
const ANY_V1: ProblemTypes = {
  400: ['invalid-request', 'invalid-text', 'invalid-value'],
  401: ['unauthorized'],
  429: ['rate-limited'],
  500: ['internal-error'],
  503: ['service-unavailable'],
}
const JSON_BODY: ProblemTypes = {
  400: ['malformed-json', 'bad-request', 'json-too-deep'],
  413: ['payload-too-large'],
  415: ['unsupported-media-type'],
}
const WRITE: ProblemTypes = {
  400: ['invalid-idempotency-key'],
  409: ['idempotency-in-progress'],
  422: ['idempotency-key-reused'],
}
// 408 and 429 uploads-in-flight: the upload guards (src/http/upload-guard.ts, src/domain/photos/party-work.ts).
const MULTIPART: ProblemTypes = {
  400: ['malformed-multipart'],
  408: ['upload-too-slow'],
  413: ['too-many-fields', 'field-too-large', 'photo-too-large'],
  415: ['photo-unsupported-type'],
  422: [
    'too-many-photos',
    'photo-not-a-file',
    'photo-empty',
    'photo-polyglot',
    'photo-too-many-pixels',
    'photo-implausibly-compressed',
    'photo-decode-too-costly',
    'photo-corrupt',
  ],
  429: ['uploads-in-flight'],
}

const PROBLEM_HEADERS: Partial<Record<ErrorStatus, readonly HeaderName[]>> = {
  401: ['wwwAuthenticate'],
  429: ['retryAfter'],
  503: ['retryAfter'],
}

export interface RouteKind {
  /** The route takes a JSON body. */
  body?: boolean
  /** POST, PUT or DELETE under /v1: Idempotency-Key applies. */
  write?: boolean
  /** It also takes multipart/form-data with photos. */
  multipart?: boolean
}

/** The problem responses of a route under /v1: the common ones and `own`. */
export function problems(own: ProblemTypes, kind: RouteKind = {}): Record<string, TSchema> {
  const merged = new Map<ErrorStatus, Set<string>>()
  // A write parses a JSON body sent to it even where the route takes none: its body problems apply.
  const body = kind.body || kind.write ? JSON_BODY : {}
  const groups = [ANY_V1, body, kind.write ? WRITE : {}, kind.multipart ? MULTIPART : {}, own]
  for (const group of groups) {
    for (const [status, slugs] of Object.entries(group) as [string, readonly string[]][]) {
      const code = Number(status) as ErrorStatus
      const set = merged.get(code) ?? new Set<string>()
      for (const slug of slugs) set.add(slug)
      merged.set(code, set)
    }
  }
  const out: Record<string, TSchema> = {}
  for (const [status, slugs] of [...merged.entries()].sort(([a], [b]) => a - b)) {
    out[status] = {
      description: `Problem types: ${[...slugs].join(', ')}`,
      headers: headers(['requestId', ...(PROBLEM_HEADERS[status] ?? [])]),
      content: { [PROBLEM_MEDIA_TYPE]: { schema: Type.Ref('Problem') } },
    } as unknown as TSchema
  }
  return out
}

/** Request headers a write may send. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      description:
        '1–255 characters: the first answer to this key is stored and replayed; reuse with another request is 422',
    }),
  ),
})

/**
 * Sends a service's view whose members are typed loosely (a state as string);
 * the route's response schema still serializes it, and the test app checks it.
 */
export function sendView(reply: FastifyReply, payload: unknown): FastifyReply {
  return reply.send(payload)
}

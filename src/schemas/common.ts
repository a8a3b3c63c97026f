// Building blocks every route schema shares: plain enums, money, timestamps,
// page queries, and the RFC 9457 problem every error answers with.
import { Type, type Static, type TObject, type TSchema } from 'typebox'
import { PROBLEM_BASE } from '../shared/errors.js'

/**
 * A string enum as one plain `enum` (not an anyOf of constants): generators
 * turn it into a union type, and a wrong value is one validation error.
 */
export const stringEnum = <const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })

/** Minor units of a currency; Postgres bigint, so an integer generators must not squeeze into 32 bits. */
export const Money = (description = 'minor units') => Type.Integer({ format: 'int64', description })

export const DateTime = (description?: string) =>
  Type.String({ format: 'date-time', ...(description ? { description } : {}) })

/** A $ref to a shared schema (registered in src/http/openapi.ts), keeping its static type. */
export const ref = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T>>({ $ref: (schema as { $id?: string }).$id })

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) })
export const UuidParam = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
}

/**
 * A query object whose members with a `default` are optional on the wire
 * (validation fills them in) yet present in the handler's static type.
 */
export function defaultsOptional<T extends TObject>(schema: T): T {
  const properties = schema.properties as Record<string, { default?: unknown }>
  const required = (schema.required ?? []).filter((name) => properties[name]?.default === undefined)
  const copy = { ...schema, required }
  if (required.length === 0) delete (copy as { required?: string[] }).required
  return copy
}

/** Cursor pagination: `next_cursor` is null on the last page. */
export const Page = <T extends TSchema>(item: T, description?: string) =>
  Type.Object(
    {
      items: Type.Array(item, description ? { description } : {}),
      next_cursor: Nullable(Type.String({ description: 'pass as `cursor` for the next page; null on the last page' })),
    },
    { additionalProperties: false },
  )

/** A party as another party may see it: buyers by pseudonym when a seller looks. */
export const PartyRef = Type.Union(
  [
    Type.Object({ role: Type.String(), id: Type.String() }, { additionalProperties: false }),
    Type.Object(
      {
        role: Type.String(),
        pseudonym: Type.String({ description: 'the buyer as this seller sees them (stable per seller)' }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'role and id; a buyer seen by a seller has a pseudonym instead of the id' },
)

const Violation = Type.Object(
  {
    rule: Type.String({ description: 'the moderation rule, e.g. contacts, links, insult' }),
    excerpt: Type.String({ description: 'the offending part of the original text' }),
    hint: Type.String({ description: 'how to say it within the rules' }),
  },
  { additionalProperties: true },
)
export const ModerationViolation = Type.Object(Violation.properties, {
  $id: 'ModerationViolation',
  additionalProperties: false,
})

/**
 * RFC 9457 problem details. `type` is stable: integrations switch on it (the
 * table in docs/api.md lists every type and its members). The members after
 * `request_id` are extensions, present only on the types that carry them.
 */
export const Problem = Type.Object(
  {
    type: Type.String({
      format: 'uri',
      description: `${PROBLEM_BASE}<slug>`,
      examples: [`${PROBLEM_BASE}stale-version`],
    }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String()),
    instance: Type.String({ description: 'the request path and query' }),
    request_id: Type.String({ description: 'also the x-request-id header; quote it when reporting a problem' }),
    errors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            path: Type.Optional(
              Type.String({
                description: 'invalid-request: JSON pointer into the request part, "/" for the part itself',
              }),
            ),
            message: Type.Optional(Type.String({ description: 'invalid-request: what is wrong there' })),
            params: Type.Optional(
              Type.Object(
                {},
                { additionalProperties: true, description: "invalid-request: the schema keyword's parameters" },
              ),
            ),
            domain: Type.Optional(
              Type.String({ description: 'validation-failed on official domains: the refused entry' }),
            ),
            reason: Type.Optional(
              Type.String({ description: 'validation-failed on official domains: why it was refused' }),
            ),
          },
          { additionalProperties: true },
        ),
        {
          description:
            'invalid-request: each schema violation; validation-failed on official domains: each refused domain',
        },
      ),
    ),
    field: Type.Optional(Type.String({ description: 'the member, query parameter or form field at fault' })),
    value: Type.Optional(Type.String({ description: 'validation-failed on list filters: the unknown value' })),
    allowed: Type.Optional(
      Type.Array(Type.String(), { description: 'validation-failed on event types: the known ones' }),
    ),
    min: Type.Optional(
      Type.Integer({ format: 'int64', description: 'offer-out-of-bounds: the smallest amount allowed' }),
    ),
    max: Type.Optional(
      Type.Integer({
        format: 'int64',
        description:
          'offer-out-of-bounds: the largest amount allowed (line_total − 1); abuse-report-limit: the reports a claim takes',
      }),
    ),
    limit: Type.Optional(
      Type.String({
        description:
          'rate-limited: the limit used up, e.g. thread_messages; uploads-in-flight: photo_uploads_per_party or photos_in_flight_per_party',
      }),
    ),
    retry_after: Type.Optional(
      Type.Integer({ description: 'rate-limited, uploads-in-flight: seconds until it lets requests through' }),
    ),
    max_days: Type.Optional(Type.Integer({ description: 'validation-failed on a stats period: its longest length' })),
    current_version: Type.Optional(Type.Integer({ description: 'stale-version: the claim version to send instead' })),
    action: Type.Optional(Type.String({ description: 'action-not-allowed, photos-not-allowed: the refused action' })),
    state: Type.Optional(Type.String({ description: 'action-not-allowed: the claim state that refuses it' })),
    sanction_id: Type.Optional(Type.String({ format: 'uuid', description: 'chat-suspended: the sanction in force' })),
    violations: Type.Optional(
      Type.Array(Type.Ref('ModerationViolation'), { description: 'message-blocked: why the text was refused' }),
    ),
    photo_index: Type.Optional(
      Type.Integer({ minimum: 0, description: 'photo-*: the 0-based index of the refused upload' }),
    ),
    detected: Type.Optional(Type.String({ description: 'photo-unsupported-type: what the bytes look like' })),
    payload: Type.Optional(Type.String({ description: 'photo-polyglot: what was found behind the image' })),
    pixels_max: Type.Optional(
      Type.Integer({ description: 'photo-too-many-pixels, photo-decode-too-costly: the pixel limit' }),
    ),
    pixels_per_byte_max: Type.Optional(
      Type.Integer({ description: 'photo-implausibly-compressed: the most pixels per uploaded byte' }),
    ),
    decode_class: Type.Optional(
      stringEnum(['interlaced', 'webp', 'heif', 'alpha'] as const, {
        description: 'photo-decode-too-costly: the costly decode path whose pixel limit the photo exceeds',
      }),
    ),
    width: Type.Optional(Type.Integer()),
    height: Type.Optional(Type.Integer()),
    bytes_max: Type.Optional(Type.Integer({ description: 'photo-too-large, field-too-large: the limit in bytes' })),
    photos_max: Type.Optional(Type.Integer({ description: 'too-many-photos: the limit' })),
    photos_min: Type.Optional(Type.Integer({ description: 'photos-required: how many the claim reason needs' })),
    reason: Type.Optional(Type.String({ description: 'photos-required: the claim reason' })),
    postgres: Type.Optional(stringEnum(['ok', 'down'] as const)),
    redis: Type.Optional(stringEnum(['ok', 'down'] as const)),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details (application/problem+json)' },
)

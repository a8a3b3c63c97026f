// Request schemas of the chat, moderation and violations routes (docs/moderation.md).
import { Type } from 'typebox'
import { MODERATION_RULES } from '../config/policy.js'
import { PageQuery } from './common.js'

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)))
const Uuid = Type.String({ format: 'uuid' })
const MessageId = Type.String({ pattern: '^[1-9][0-9]{0,18}$', description: 'a message id' })

export const ThreadCreate = Type.Object(
  { order_id: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
)

export const ThreadListQuery = Type.Object(
  {
    claims_only: Type.Optional(Type.Boolean({ description: 'only threads of orders with a claim' })),
    order_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: "the order's thread (at most one); arbiters list threads only with it",
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
)

export const MessageListQuery = Type.Object(
  {
    ...PageQuery,
    after: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        description: 'a message id or cursor: the messages after it, oldest first',
      }),
    ),
  },
  { additionalProperties: false },
)

/**
 * Photos travel only as multipart/form-data file parts named `photos` (the
 * text as a text field); for a multipart request the server fills this
 * member with the uploads' SHA-256s, and a JSON body may not carry it.
 */
const MessagePhotos = Type.Array(Type.String(), {
  minItems: 1,
  description:
    'multipart/form-data only: file parts named "photos" (JPEG, PNG, WebP, HEIC; policy photos_per_message_max per message, photo_bytes_max each)',
})

/** A message has text, or photos and perhaps a caption (which may then be empty). */
export const MessageCreate = Type.Union(
  [
    Type.Object(
      {
        text: Type.String({
          minLength: 1,
          maxLength: 1000,
          pattern: '\\S',
          description: '1–1000 characters, not only spaces',
        }),
        photos: Type.Optional(MessagePhotos),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        text: Type.Optional(
          Type.String({ maxLength: 1000, description: 'with photos: at most 1000 characters, may be empty' }),
        ),
        photos: MessagePhotos,
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      'JSON { "text" }, or multipart/form-data with a "text" field and file parts named "photos"; text or at least one photo',
  },
)

export const MessageParams = Type.Object({ id: Uuid, messageId: MessageId })

export const AbuseReportCreate = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
)

export const ChatSettings = Type.Object({ presale_questions: Type.Boolean() }, { additionalProperties: false })

export const OfficialDomains = Type.Object(
  {
    domains: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), {
      maxItems: 20,
      description: 'hostnames, e.g. "service.example.com"',
    }),
  },
  { additionalProperties: false },
)

export const ModerationCheck = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 1000 }),
    sender_role: literals(['buyer', 'seller', 'arbiter'] as const),
  },
  { additionalProperties: false },
)

export const ViolationListQuery = Type.Object(
  {
    party_role: Type.Optional(literals(['buyer', 'seller', 'arbiter'] as const)),
    party_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    rule: Type.Optional(literals(MODERATION_RULES)),
    status: Type.Optional(literals(['recorded', 'cancelled'] as const)),
    claim_id: Type.Optional(Uuid),
    thread_id: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
)

export const ReasonBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
)

export const SanctionListQuery = Type.Object(
  {
    status: Type.Optional(literals(['pending_review', 'confirmed', 'cancelled', 'lifted'] as const)),
    kind: Type.Optional(literals(['chat_suspension', 'claim_restriction'] as const)),
    party_role: Type.Optional(literals(['buyer', 'seller'] as const)),
    party_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    ...PageQuery,
  },
  { additionalProperties: false },
)

export const CommentBody = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
)

export const FlagListQuery = Type.Object(
  { status: Type.Optional(literals(['open', 'confirmed', 'dismissed'] as const)), ...PageQuery },
  { additionalProperties: false },
)

export const BlockedListQuery = Type.Object(
  {
    thread_id: Type.Optional(Uuid),
    claim_id: Type.Optional(Uuid),
    sender_role: Type.Optional(literals(['buyer', 'seller', 'arbiter'] as const)),
    sender_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    ...PageQuery,
  },
  { additionalProperties: false },
)

export const AbuseReportListQuery = Type.Object(
  {
    status: Type.Optional(literals(['open', 'upheld', 'dismissed'] as const)),
    thread_id: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
)

export const AbuseReportClose = Type.Object(
  { outcome: literals(['upheld', 'dismissed'] as const) },
  { additionalProperties: false },
)

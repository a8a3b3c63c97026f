// Request schemas of the chat, moderation and violations routes (docs/moderation.md).
import { Type } from 'typebox'
import { BIGINT_ID_FORMAT } from '../shared/bigint-id.js'
import { MODERATION_RULES } from '../config/policy.js'
import {
  DateTime,
  defaultsOptional,
  ModerationViolation,
  Money,
  Nullable,
  Page,
  PageQuery,
  ref,
  stringEnum,
} from './common.js'
import { Photo } from './photos.js'
import { SellerOfficialDomain } from './official-domains.js'

const literals = <const T extends readonly string[]>(values: T) => stringEnum(values)
const Uuid = Type.String({ format: 'uuid' })
const MessageId = Type.String({ pattern: '^[1-9][0-9]{0,18}$', format: BIGINT_ID_FORMAT, description: 'a message id' })

export const ThreadCreate = Type.Object(
  { order_id: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
)

export const ThreadListQuery = defaultsOptional(
  Type.Object(
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
  ),
)

export const MessageListQuery = defaultsOptional(
  Type.Object(
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
  ),
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

/** A JSON message: text only (photos travel as multipart file parts). */
export const MessageText = Type.Object(
  {
    text: Type.String({
      minLength: 1,
      maxLength: 1000,
      pattern: '\\S',
      description: '1–1000 characters, not only spaces',
    }),
  },
  { additionalProperties: false, examples: [{ text: 'Could you send a photo of the seam?' }] },
)

/** What the server validates: text, or photos (their SHA-256s) and perhaps a caption (which may then be empty). */
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

export const ModerationCheck = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 1000 }),
    sender_role: literals(['buyer', 'seller', 'arbiter'] as const),
  },
  { additionalProperties: false },
)

export const ViolationListQuery = defaultsOptional(
  Type.Object(
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
  ),
)

export const ReasonBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
)

export const SanctionListQuery = defaultsOptional(
  Type.Object(
    {
      status: Type.Optional(literals(['pending_review', 'confirmed', 'cancelled', 'lifted'] as const)),
      kind: Type.Optional(literals(['chat_suspension', 'claim_restriction'] as const)),
      party_role: Type.Optional(literals(['buyer', 'seller'] as const)),
      party_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      ...PageQuery,
    },
    { additionalProperties: false },
  ),
)

export const CommentBody = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
)

export const FlagListQuery = defaultsOptional(
  Type.Object(
    { status: Type.Optional(literals(['open', 'confirmed', 'dismissed'] as const)), ...PageQuery },
    { additionalProperties: false },
  ),
)

export const BlockedListQuery = defaultsOptional(
  Type.Object(
    {
      thread_id: Type.Optional(Uuid),
      claim_id: Type.Optional(Uuid),
      sender_role: Type.Optional(literals(['buyer', 'seller', 'arbiter'] as const)),
      sender_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      ...PageQuery,
    },
    { additionalProperties: false },
  ),
)

export const AbuseReportListQuery = defaultsOptional(
  Type.Object(
    {
      status: Type.Optional(literals(['open', 'upheld', 'dismissed'] as const)),
      thread_id: Type.Optional(Uuid),
      ...PageQuery,
    },
    { additionalProperties: false },
  ),
)

export const AbuseReportClose = Type.Object(
  { outcome: literals(['upheld', 'dismissed'] as const) },
  { additionalProperties: false },
)

// ---- responses ----

const Party = (roles: readonly string[]) =>
  Type.Union(
    [
      Type.Object({ role: stringEnum(roles), id: Type.String() }, { additionalProperties: false }),
      Type.Object(
        {
          role: stringEnum(['buyer'] as const),
          pseudonym: Type.String({ description: 'a buyer as the calling seller sees them' }),
        },
        {
          additionalProperties: false,
        },
      ),
    ],
    { description: 'role and id; a buyer seen by a seller has a pseudonym instead' },
  )
const BuyerRef = Type.Union([
  Type.Object({ id: Type.String() }, { additionalProperties: false }),
  Type.Object(
    { pseudonym: Type.String({ description: 'sellers see the buyer by pseudonym only' }) },
    { additionalProperties: false },
  ),
])

export const Thread = Type.Object(
  {
    id: Uuid,
    order_id: Type.String(),
    buyer: BuyerRef,
    seller: Type.Object({ id: Type.String() }, { additionalProperties: false }),
    has_claim: Type.Boolean(),
    created_at: DateTime(),
    last_message_at: DateTime(),
  },
  { $id: 'Thread', additionalProperties: false },
)

const MessageStatus = stringEnum(['delivered', 'held', 'withheld'] as const, {
  description:
    'held: awaiting an arbiter (policy moderation_review = hold), read only by its sender and arbiters; ' +
    'withheld: an arbiter confirmed the flag, never delivered',
})

export const Message = Type.Object(
  {
    id: Type.String({ description: 'a message id (digits)' }),
    thread_id: Uuid,
    kind: stringEnum(['text', 'system', 'claim_card'] as const, {
      description: 'text from a party; system and claim_card from the service',
    }),
    sender: Party(['buyer', 'seller', 'arbiter', 'system']),
    text: Nullable(Type.String()),
    photos: Type.Array(ref(Photo)),
    claim_id: Nullable(Uuid),
    payload: Type.Object(
      {},
      { additionalProperties: true, description: 'system and claim_card messages: what they announce' },
    ),
    created_at: DateTime(),
    status: MessageStatus,
    hold: Type.Optional(
      Type.Object(
        {
          notice: Type.String({ description: 'what happens to the message, in the Accept-Language language' }),
          violations: Type.Array(ref(ModerationViolation), { description: 'the uncertain findings, with hints' }),
        },
        { additionalProperties: false, description: 'only in the sender’s 202 answer: why the message is held' },
      ),
    ),
    moderation: Type.Optional(Type.Unknown({ description: 'arbiters only: the moderation notes' })),
  },
  { $id: 'Message', additionalProperties: false },
)

export const ThreadPage = Page(ref(Thread))
export const MessagePage = Page(ref(Message))

const DateOrNull = Nullable(DateTime())

export const AbuseReport = Type.Object(
  {
    id: Uuid,
    thread_id: Uuid,
    message_id: Type.String(),
    reporter: Party(['buyer', 'seller']),
    reported: Party(['buyer', 'seller']),
    reason: Nullable(Type.String()),
    status: stringEnum(['open', 'upheld', 'dismissed'] as const),
    created_at: DateTime(),
    closed_at: DateOrNull,
  },
  { $id: 'AbuseReport', additionalProperties: false },
)

export const AbuseReportListItem = Type.Object(
  {
    ...AbuseReport.properties,
    message: Type.Object(
      { id: Type.String(), text: Nullable(Type.String()), created_at: DateTime() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
export const AbuseReportPage = Page(AbuseReportListItem)

export const ChatSettingsView = Type.Object(
  { presale_questions: Type.Boolean(), official_domains: Type.Array(SellerOfficialDomain) },
  { additionalProperties: false },
)

export const ModerationVerdict = Type.Object(
  {
    verdict: stringEnum(['deliver', 'block', 'review'] as const, {
      description: 'block: it would be refused; review: delivered and flagged for arbiters',
    }),
    violations: Type.Array(ref(ModerationViolation)),
    held: Type.Boolean({
      description:
        'true when the verdict is review and policy moderation_review is hold: a chat message would be stored ' +
        'and held, not delivered, until an arbiter decides (a claim action text is never held)',
    }),
  },
  { additionalProperties: false },
)

const PartyId = Type.Object({ role: Type.String(), id: Type.String() }, { additionalProperties: false })

export const ViolationView = Type.Object(
  {
    id: Uuid,
    party: PartyId,
    rule: stringEnum([...MODERATION_RULES, 'arbiter_fine'] as const, {
      description: 'a moderation rule, or arbiter_fine for a fine an arbiter decided',
    }),
    excerpt: Type.String(),
    hint: Type.String(),
    source: stringEnum(['chat', 'claim_action', 'arbiter_decision'] as const),
    thread_id: Nullable(Uuid),
    message_id: Nullable(Type.String()),
    blocked_message_id: Nullable(Type.String()),
    claim_id: Nullable(Uuid),
    fine: Type.Object({ amount: Money(), currency: Type.String() }, { additionalProperties: false }),
    status: stringEnum(['recorded', 'cancelled'] as const),
    created_at: DateTime(),
    cancelled_at: DateOrNull,
    cancel_reason: Nullable(Type.String()),
  },
  { $id: 'Violation', additionalProperties: false },
)

const Amount = Type.Object({ amount: Money(), currency: Type.String() }, { additionalProperties: false })
export const ViolationPage = Type.Object(
  {
    ...Page(ref(ViolationView)).properties,
    totals: Type.Object(
      { recorded: Type.Integer(), fines: Amount, cancelled: Type.Integer(), refunded: Amount },
      { additionalProperties: false, description: 'over every entry the filters match, not just this page' },
    ),
  },
  { additionalProperties: false },
)

export const SanctionView = Type.Object(
  {
    id: Uuid,
    party: PartyId,
    kind: stringEnum(['chat_suspension', 'claim_restriction'] as const),
    status: stringEnum(['pending_review', 'confirmed', 'cancelled', 'lifted'] as const),
    in_force: Type.Boolean(),
    reason: Type.String(),
    violation_count: Type.Integer(),
    created_at: DateTime(),
    reviewed_at: DateOrNull,
    reviewed_by: Nullable(Type.String()),
    review_comment: Nullable(Type.String()),
    ended_at: DateOrNull,
  },
  { $id: 'Sanction', additionalProperties: false },
)
export const SanctionPage = Page(ref(SanctionView))

export const BlockedMessage = Type.Object(
  {
    id: Type.String(),
    source: Type.String(),
    thread_id: Nullable(Uuid),
    claim_id: Nullable(Uuid),
    sender: PartyId,
    text: Type.String(),
    violations: Type.Array(ref(ModerationViolation)),
    created_at: DateTime(),
  },
  { additionalProperties: false },
)
export const BlockedPage = Page(BlockedMessage)

export const Flag = Type.Object(
  {
    id: Uuid,
    message_id: Type.String(),
    thread_id: Uuid,
    sender: PartyId,
    text: Nullable(Type.String()),
    violations: Type.Array(ref(ModerationViolation)),
    status: stringEnum(['open', 'confirmed', 'dismissed'] as const),
    message_status: MessageStatus,
    created_at: DateTime(),
    reviewed_at: DateOrNull,
    reviewed_by: Nullable(Type.String()),
  },
  { additionalProperties: false },
)
export const FlagPage = Page(Flag)

export const FlagReview = Type.Object(
  {
    id: Uuid,
    status: stringEnum(['confirmed', 'dismissed'] as const),
    message_status: MessageStatus,
    violations: Type.Array(ref(ViolationView), { description: 'what entered the ledger (confirm only)' }),
    sanction: Nullable(ref(SanctionView)),
  },
  { additionalProperties: false },
)

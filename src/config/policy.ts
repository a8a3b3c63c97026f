// Policy: every duration, limit, fine and threshold (docs/operations.md).
// Defaults below; a POLICY_FILE (JSON, snake_case keys, ISO 8601 durations)
// overrides any of them. Validated once at start-up; the rest of the code
// reads the resolved `Policy` (durations in milliseconds).
import { readFileSync } from 'node:fs'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { parse as parseIsoDuration, toSeconds } from 'iso8601-duration'
import { DEADLINE_KINDS } from '../../machines/claim.types.js'

const Duration = Type.String({
  pattern: '^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$',
})
const Minor = Type.Integer({ minimum: 0 })
/** At most `max` requests per `window`, counted per key (docs/security.md). */
const RateLimit = Type.Object(
  { max: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }), window: Duration },
  { additionalProperties: false },
)

export const MODERATION_RULES = [
  'obscenity',
  'insult',
  'contact_exchange',
  'external_link',
  'personal_data_request',
  'off_platform_lure',
  'platform_disparagement',
  'low_effort_reply',
  'review_manipulation',
  'threat',
] as const
export type ModerationRule = (typeof MODERATION_RULES)[number]

const FinesByRule = Type.Record(Type.Union(MODERATION_RULES.map((r) => Type.Literal(r))), Minor)

/** The policy file's shape: any subset of these keys. */
export const PolicyFileSchema = Type.Partial(
  Type.Object(
    {
      // Deadlines (docs/lifecycle.md)
      seller_response: Duration,
      buyer_info: Duration,
      buyer_offer: Duration,
      seller_after_decline: Duration,
      dispute_window: Duration,
      return_ship: Duration,
      return_receive: Duration,
      fulfil: Duration,
      receipt: Duration,
      arbiter_decision: Duration,
      arbiter_info: Duration,
      claim_window: Duration,
      seller_silence: Type.Union([Type.Literal('escalate'), Type.Literal('auto_refund')]),
      auto_refund_max_amount: Type.Union([Minor, Type.Null()]),
      max_offers: Type.Integer({ minimum: 1, maximum: 10 }),
      reminder_before: Duration,
      sweep_interval: Duration,
      // Photos (docs/photos.md)
      photos_per_claim_max: Type.Integer({ minimum: 0, maximum: 100 }),
      photos_per_message_max: Type.Integer({ minimum: 0, maximum: 100 }),
      photo_bytes_max: Type.Integer({ minimum: 1024 }),
      photo_pixels_max: Type.Integer({ minimum: 1 }),
      photo_pixels_per_byte_max: Type.Integer({ minimum: 1 }),
      photo_decode_pixels_max: Type.Object(
        {
          interlaced: Type.Integer({ minimum: 1 }),
          webp: Type.Integer({ minimum: 1 }),
          heif: Type.Integer({ minimum: 1 }),
          alpha: Type.Integer({ minimum: 1 }),
        },
        { additionalProperties: false },
      ),
      photo_uploads_per_party: Type.Integer({ minimum: 1, maximum: 1000 }),
      photos_in_flight_per_party: Type.Integer({ minimum: 1, maximum: 10_000 }),
      photo_decodes_per_party: Type.Integer({ minimum: 1, maximum: 64 }),
      upload_min_rate: Type.Object(
        { bytes: Type.Integer({ minimum: 1 }), window: Duration, grace: Duration },
        { additionalProperties: false },
      ),
      defect_photos_min: Type.Integer({ minimum: 0 }),
      photo_reuse_distance: Type.Integer({ minimum: 0, maximum: 64 }),
      // Chat and moderation (docs/moderation.md)
      platform_domains: Type.Array(Type.String({ minLength: 3 })),
      seller_fines: FinesByRule,
      buyer_fines: FinesByRule,
      seller_chat_suspend_threshold: Type.Integer({ minimum: 1 }),
      buyer_restrict_threshold: Type.Integer({ minimum: 1 }),
      violation_window: Duration,
      // A `review` verdict on a chat message: delivered with a flag, or held until an arbiter reviews the flag.
      moderation_review: Type.Union([Type.Literal('deliver'), Type.Literal('hold')]),
      // Webhooks (docs/integrations.md)
      webhook_attempts: Type.Integer({ minimum: 1, maximum: 50 }),
      webhook_max_age: Duration,
      // Feed events and finished webhook deliveries older than this are pruned.
      feed_retention: Duration,
      // Security (docs/security.md): a bearer token valid for longer than this is refused.
      token_lifetime_max: Duration,
      // Idempotency keys older than this are pruned (a retry after it is a new request).
      idempotency_retention: Duration,
      // Rate limits (docs/security.md), each { max, window } per party, party and thread, or address.
      rate_limit_writes: RateLimit,
      rate_limit_service_writes: RateLimit,
      rate_limit_draft_checks: RateLimit,
      rate_limit_thread_messages: RateLimit,
      rate_limit_abuse_reports: RateLimit,
      rate_limit_auth_failures: RateLimit,
      // report_abuse actions a claim takes in all.
      abuse_reports_per_claim_max: Type.Integer({ minimum: 0, maximum: 100 }),
    },
    { additionalProperties: false },
  ),
  { additionalProperties: false },
)
export type PolicyFile = Static<typeof PolicyFileSchema>

const RUB = 100 // minor units per rouble

export const DEFAULT_POLICY_FILE: Required<PolicyFile> = {
  seller_response: 'P10D',
  buyer_info: 'P7D',
  buyer_offer: 'P5D',
  seller_after_decline: 'P3D',
  dispute_window: 'P5D',
  return_ship: 'P14D',
  return_receive: 'P14D',
  fulfil: 'P7D',
  receipt: 'P14D',
  arbiter_decision: 'P3D',
  arbiter_info: 'P3D',
  claim_window: 'P2Y',
  seller_silence: 'escalate',
  auto_refund_max_amount: null,
  max_offers: 2,
  reminder_before: 'PT24H',
  sweep_interval: 'PT1M',
  photos_per_claim_max: 10,
  photos_per_message_max: 5,
  photo_bytes_max: 10 * 1024 * 1024,
  // The decode budget (docs/photos.md; measured in docs/benchmarks-photos-budget.md). 50 MP takes the
  // 48- and 50-MP modes of phone cameras, whose baseline JPEGs decode shrunk on load.
  photo_pixels_max: 50_000_000,
  // Phone photos carry 1.7–16 pixels per byte; a 40-MP PNG of one flat colour, 300.
  photo_pixels_per_byte_max: 200,
  photo_decode_pixels_max: { interlaced: 8_000_000, webp: 8_000_000, heif: 3_000_000, alpha: 8_300_000 },
  // Work in flight per party on one API instance: multipart requests being read or processed,
  // photos queued or decoding, photos decoding at once.
  photo_uploads_per_party: 2,
  photos_in_flight_per_party: 20,
  photo_decodes_per_party: 2,
  // A body must bring `bytes` in every `window` once `grace` has passed (a 2G uplink sends far more).
  upload_min_rate: { bytes: 32 * 1024, window: 'PT10S', grace: 'PT10S' },
  defect_photos_min: 1,
  photo_reuse_distance: 6,
  platform_domains: ['ozon.ru', 'wildberries.ru', 'market.yandex.ru'],
  seller_fines: {
    obscenity: 5_000 * RUB,
    insult: 5_000 * RUB,
    contact_exchange: 25_000 * RUB,
    external_link: 5_000 * RUB,
    personal_data_request: 25_000 * RUB,
    off_platform_lure: 10_000 * RUB,
    platform_disparagement: 1_000 * RUB,
    low_effort_reply: 0,
    review_manipulation: 5_000 * RUB,
    threat: 10_000 * RUB,
  },
  buyer_fines: {
    obscenity: 0,
    insult: 0,
    contact_exchange: 0,
    external_link: 0,
    personal_data_request: 0,
    off_platform_lure: 0,
    platform_disparagement: 0,
    low_effort_reply: 0,
    review_manipulation: 0,
    threat: 0,
  },
  seller_chat_suspend_threshold: 5,
  buyer_restrict_threshold: 5,
  violation_window: 'P30D',
  moderation_review: 'deliver',
  webhook_attempts: 8,
  webhook_max_age: 'P1D',
  feed_retention: 'P30D',
  token_lifetime_max: 'P1D',
  idempotency_retention: 'PT24H',
  // Writes of a buyer, seller or arbiter: 5 a second sustained is far past a person at work.
  rate_limit_writes: { max: 300, window: 'PT1M' },
  // The marketplace's integration registers every order: its own, larger budget.
  rate_limit_service_writes: { max: 6000, window: 'PT1M' },
  // POST /v1/moderation/check as a draft is typed (debounced): two a second.
  rate_limit_draft_checks: { max: 120, window: 'PT1M' },
  // Messages one party sends into one thread.
  rate_limit_thread_messages: { max: 20, window: 'PT1M' },
  // report_abuse actions and message reports of one party, across claims and threads.
  rate_limit_abuse_reports: { max: 10, window: 'PT1H' },
  // Requests from one client address whose token is missing, forged, expired or unknown.
  rate_limit_auth_failures: { max: 30, window: 'PT1M' },
  abuse_reports_per_claim_max: 3,
}

/** Every deadline kind of the machine is a duration policy, plus these. */
const DURATION_KEYS = [
  ...DEADLINE_KINDS,
  'claim_window',
  'reminder_before',
  'sweep_interval',
  'violation_window',
  'webhook_max_age',
  'feed_retention',
  'token_lifetime_max',
  'idempotency_retention',
] as const
type DurationKey = (typeof DURATION_KEYS)[number]

export const RATE_LIMIT_KEYS = [
  'rate_limit_writes',
  'rate_limit_service_writes',
  'rate_limit_draft_checks',
  'rate_limit_thread_messages',
  'rate_limit_abuse_reports',
  'rate_limit_auth_failures',
] as const
type RateLimitKey = (typeof RATE_LIMIT_KEYS)[number]
/** A resolved rate limit: `window` in milliseconds. */
export interface RateLimitPolicy {
  max: number
  window: number
}

/** A resolved minimum upload rate: `window` and `grace` in milliseconds. */
export interface UploadRatePolicy {
  bytes: number
  window: number
  grace: number
}

/** Resolved policy: durations (rate limits' windows too) become milliseconds, everything else as in the file. */
export type Policy = Omit<Required<PolicyFile>, DurationKey | RateLimitKey | 'upload_min_rate'> &
  Record<DurationKey, number> &
  Record<RateLimitKey, RateLimitPolicy> & { upload_min_rate: UploadRatePolicy }

export class PolicyError extends Error {}

const IDEMPOTENCY_RETENTION_MIN_MS = 10 * 60_000

export function durationMs(iso: string): number {
  return Math.round(toSeconds(parseIsoDuration(iso)) * 1000)
}

/** Merge overrides over the defaults and validate; throws PolicyError with every problem found. */
export function resolvePolicy(overrides: unknown = {}): Policy {
  if (!Value.Check(PolicyFileSchema, overrides)) {
    const problems = [...Value.Errors(PolicyFileSchema, overrides)].map((e) => `${e.instancePath || '/'}: ${e.message}`)
    throw new PolicyError(`invalid policy: ${problems.slice(0, 5).join('; ')}`)
  }
  const merged: Required<PolicyFile> = { ...DEFAULT_POLICY_FILE, ...(overrides as PolicyFile) }
  const resolved = { ...merged } as unknown as Policy
  for (const key of DURATION_KEYS) {
    const ms = durationMs(merged[key])
    if (ms <= 0) throw new PolicyError(`invalid policy: /${key}: duration must be positive`)
    resolved[key] = ms
  }
  for (const key of RATE_LIMIT_KEYS) {
    const window = durationMs(merged[key].window)
    if (window < 1000) throw new PolicyError(`invalid policy: /${key}/window: must be at least PT1S`)
    resolved[key] = { max: merged[key].max, window }
  }
  const rate = merged.upload_min_rate
  resolved.upload_min_rate = { bytes: rate.bytes, window: durationMs(rate.window), grace: durationMs(rate.grace) }
  if (resolved.upload_min_rate.window < 100)
    throw new PolicyError('invalid policy: /upload_min_rate/window: must be at least PT0.1S')
  // A key must outlive any request still running under it (see src/http/idempotency.ts).
  if (resolved.idempotency_retention < IDEMPOTENCY_RETENTION_MIN_MS) {
    throw new PolicyError('invalid policy: /idempotency_retention: must be at least PT10M')
  }
  return resolved
}

export function loadPolicyFile(path: string | undefined): Policy {
  if (!path) return resolvePolicy({})
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new PolicyError(`cannot read POLICY_FILE ${path}: ${(err as Error).message}`)
  }
  return resolvePolicy(raw)
}

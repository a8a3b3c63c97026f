// Rate limits (policy rate_limit_*; docs/security.md). Each limit counts in
// Redis (one key per window: INCR, and PEXPIRE on the window's first
// request), so every API instance shares the budgets. A limit counts per key:
// a party (token role and subject), a party in one thread, or a client
// address. Addresses count only failed authentications: many clients behind
// one proxy or NAT never share a budget for their valid requests.
//
// Every limit a request counts against (its party's writes, and a route's own
// such as thread_messages) is counted in one script call: one round trip per
// request. The keys of one party share a Redis Cluster hash slot (the party in
// braces), so the script may touch several.
//
// While Redis is down or slow the limits let requests through (after at most
// STORE_TIMEOUT_MS): the API keeps working without Redis, as its actions do.
import { normalizeIP } from '@fastify/rate-limit'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { RedisClient } from '../jobs/connection.js'
import type { Policy, RateLimitPolicy } from '../config/policy.js'
import { DomainError } from '../shared/errors.js'
import { withTimeout } from '../shared/timeout.js'
import { WRITE_METHODS } from './idempotency.js'

export const RATE_LIMITS = [
  'writes',
  'service_writes',
  'draft_checks',
  'thread_messages',
  'abuse_reports',
  'auth_failures',
] as const
export type RateLimitName = (typeof RATE_LIMITS)[number]

/** Past this, a rate-limit lookup in Redis is given up and the request goes through. */
const STORE_TIMEOUT_MS = 500

const WHAT: Record<RateLimitName, string> = {
  writes: 'writes',
  service_writes: 'writes',
  draft_checks: 'draft checks',
  thread_messages: 'messages into one thread',
  abuse_reports: 'abuse reports',
  auth_failures: 'requests without a valid token from one address',
}

/**
 * KEYS are counters, ARGV their windows (ms) and maxima in pairs. Counts each
 * key in turn and stops after the first one over its max, so a request refused
 * by one limit is not counted against the limits after it. Returns the count
 * and the ms left in the window of each key counted.
 */
const COUNT_SCRIPT = `
local out = {}
for i = 1, #KEYS do
  local window = tonumber(ARGV[2 * i - 1])
  local current = redis.call('INCR', KEYS[i])
  local ttl = window
  if current == 1 then
    redis.call('PEXPIRE', KEYS[i], window)
  else
    ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then
      redis.call('PEXPIRE', KEYS[i], window)
      ttl = window
    end
  end
  out[#out + 1] = current
  out[#out + 1] = ttl
  if current > tonumber(ARGV[2 * i]) then break end
end
return out
`
const COMMAND = 'claimdeskRateCount'

type CountingClient = RedisClient & {
  [COMMAND](numberOfKeys: number, ...keysThenArgs: (string | number)[]): Promise<number[]>
}

/** A party's key: its role and subject (escaped, so no subject can pose as another's key, nor hold a brace). */
function party(request: FastifyRequest): string {
  const p = request.principal
  return p ? `${p.role}:${encodeURIComponent(p.id)}` : `address:${address(request)}`
}

/** IPv6 clients are counted per /64, the block one subscriber usually holds. */
const address = (request: FastifyRequest): string => normalizeIP(request.ip, 64)

/** The party in braces: its Cluster hash tag, so the keys one request counts share a slot. */
const partyTag = (request: FastifyRequest): string => `{${party(request)}}`

/** The counter's key after the limit's prefix. */
const KEY_OF: Record<RateLimitName, (request: FastifyRequest) => string> = {
  writes: partyTag,
  service_writes: partyTag,
  draft_checks: partyTag,
  thread_messages: (request) =>
    `${partyTag(request)}:${encodeURIComponent(String((request.params as { id?: unknown }).id))}`,
  abuse_reports: partyTag,
  auth_failures: (request) => `{${address(request)}}`,
}

const rateLimited = (limit: RateLimitName, policy: RateLimitPolicy, retryAfter: number) =>
  new DomainError({
    status: 429,
    slug: 'rate-limited',
    title: 'Too many requests',
    detail: `at most ${policy.max} ${WHAT[limit]} per ${policy.window / 1000} s (policy rate_limit_${limit}); retry in ${retryAfter} s`,
    extensions: { limit, retry_after: retryAfter },
  })

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>
type CallbackHook = (request: FastifyRequest, reply: FastifyReply, done: (err?: FastifyError) => void) => void

export interface RateLimits {
  /** Counts the request against `limit`; throws a 429 rate-limited problem (Retry-After set) once over it. */
  consume(limit: RateLimitName, request: FastifyRequest, reply: FastifyReply): Promise<void>
  /** A route hook counting each request (or each that `when` picks) against `limit`. */
  hook(limit: RateLimitName, when?: (request: FastifyRequest) => boolean): CallbackHook
  /**
   * A scope's onRequest hook, after authentication: every write counts against
   * its party's writes, and every request against its route's `rateLimits`, in one Redis call.
   */
  countWrites: Hook
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: a POST that writes nothing (the draft check) is not counted as a write. */
    countsAsWrite?: boolean
    /** Limits every request of the route counts against, after its writes (scopes with countWrites only). */
    rateLimits?: readonly RateLimitName[]
  }
}

export interface RateLimitOptions {
  /** The API's Redis client: one server or a cluster (the keys one request counts share a slot). */
  redis: RedisClient
  policy: Pick<Policy, `rate_limit_${RateLimitName}`>
  /** Redis key prefix; instances sharing budgets share it. */
  prefix: string
}

/** Builds the limits; create once and hand the result to the scopes and routes that count. */
export function createRateLimits({ redis, policy, prefix }: RateLimitOptions): RateLimits {
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { lua: COUNT_SCRIPT })
  const client = redis as CountingClient

  const consumeAll = async (
    limits: readonly RateLimitName[],
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> => {
    const keysThenArgs: (string | number)[] = []
    for (const limit of limits) keysThenArgs.push(`${prefix}${limit}:${KEY_OF[limit](request)}`)
    for (const limit of limits) {
      const { max, window } = policy[`rate_limit_${limit}`]
      keysThenArgs.push(window, max)
    }
    let counted: number[]
    try {
      counted = await withTimeout(client[COMMAND](limits.length, ...keysThenArgs), STORE_TIMEOUT_MS, 'rate limit store')
    } catch (err) {
      request.log.warn({ err: (err as Error).message, limits }, 'rate limit store unavailable; request not counted')
      return
    }
    for (let i = 0; i < limits.length; i++) {
      const limit = limits[i] as RateLimitName
      const current = counted[2 * i]
      if (current === undefined || current <= policy[`rate_limit_${limit}`].max) continue
      const retryAfter = Math.max(1, Math.ceil((counted[2 * i + 1] ?? 0) / 1000))
      reply.header('retry-after', String(retryAfter))
      throw rateLimited(limit, policy[`rate_limit_${limit}`], retryAfter)
    }
  }
  const consume = (limit: RateLimitName, request: FastifyRequest, reply: FastifyReply): Promise<void> =>
    consumeAll([limit], request, reply)

  // The lists countWrites counts, built once per party kind and route config rather than per request.
  const WRITES: readonly RateLimitName[] = ['writes']
  const SERVICE_WRITES: readonly RateLimitName[] = ['service_writes']
  const withRouteLimits = new WeakMap<readonly RateLimitName[], [readonly RateLimitName[], readonly RateLimitName[]]>()
  const countedFor = (request: FastifyRequest): readonly RateLimitName[] => {
    const config = request.routeOptions.config
    const isWrite = WRITE_METHODS.has(request.method) && config.countsAsWrite !== false
    const writes = request.principal?.role === 'service' ? SERVICE_WRITES : WRITES
    const own = config.rateLimits
    if (!own || own.length === 0) return isWrite ? writes : []
    if (!isWrite) return own
    let both = withRouteLimits.get(own)
    if (!both) withRouteLimits.set(own, (both = [WRITES.concat(own), SERVICE_WRITES.concat(own)]))
    return both[writes === SERVICE_WRITES ? 1 : 0]
  }

  return {
    consume,
    // Callback style: a request the hook does not count costs no promise.
    hook: (limit, when) => (request, reply, done) => {
      if (when && !when(request)) return done()
      consume(limit, request, reply).then(() => done(), done)
    },
    countWrites: async (request, reply) => {
      const limits = countedFor(request)
      if (limits.length > 0) await consumeAll(limits, request, reply)
    },
  }
}

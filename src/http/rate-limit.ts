// Rate limits (policy rate_limit_*; docs/security.md). @fastify/rate-limit
// counts each limit in Redis (one key per window, INCR and PEXPIRE in one
// script), so every API instance shares the budgets. A limit counts per key:
// a party (token role and subject), a party in one thread, or a client
// address. Addresses count only failed authentications: many clients behind
// one proxy or NAT never share a budget for their valid requests.
//
// While Redis is down or slow the limits let requests through (after at most
// STORE_TIMEOUT_MS): the API keeps working without Redis, as its actions do.
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyReply, FastifyRequest } from 'fastify'
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

/** A party's key: its role and subject (escaped, so no subject can pose as another's key). */
function party(request: FastifyRequest): string {
  const p = request.principal
  return p ? `${p.role}:${encodeURIComponent(p.id)}` : `address:${address(request)}`
}

/** IPv6 clients are counted per /64, the block one subscriber usually holds. */
const address = (request: FastifyRequest): string => normalizeIP(request.ip, 64)

const KEY_OF: Record<RateLimitName, (request: FastifyRequest) => string> = {
  writes: party,
  service_writes: party,
  draft_checks: party,
  thread_messages: (request) =>
    `${party(request)}:${encodeURIComponent(String((request.params as { id?: unknown }).id))}`,
  abuse_reports: party,
  auth_failures: address,
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

export interface RateLimits {
  /** Counts the request against `limit`; throws a 429 rate-limited problem (Retry-After set) once over it. */
  consume(limit: RateLimitName, request: FastifyRequest, reply: FastifyReply): Promise<void>
  /** A route hook counting each request (or each that `when` picks) against `limit`. */
  hook(limit: RateLimitName, when?: (request: FastifyRequest) => boolean): Hook
  /** A scope's onRequest hook, after authentication: every write counts against its party's writes. */
  countWrites: Hook
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: a POST that writes nothing (the draft check) is not counted as a write. */
    countsAsWrite?: boolean
  }
}

export interface RateLimitOptions {
  /** The API's Redis client: one server or a cluster (each counter is one key, so any slot will do). */
  redis: RedisClient
  policy: Pick<Policy, `rate_limit_${RateLimitName}`>
  /** Redis key prefix; instances sharing budgets share it. */
  prefix: string
}

type Limiter = ReturnType<FastifyRequest['server']['createRateLimit']>

/** Builds the limits; register once, at the root, and hand the result to the scopes and routes that count. */
export async function createRateLimits(
  app: FastifyRequest['server'],
  { redis, policy, prefix }: RateLimitOptions,
): Promise<RateLimits> {
  const limiters = {} as Record<RateLimitName, Limiter>
  for (const limit of RATE_LIMITS) {
    const { max, window } = policy[`rate_limit_${limit}`]
    // One registration per limit, each in a scope of its own: its settings and key prefix are its own.
    await app.register(async (scope) => {
      await scope.register(rateLimit, {
        global: false,
        max,
        timeWindow: window,
        redis,
        nameSpace: `${prefix}${limit}:`,
        keyGenerator: KEY_OF[limit],
        skipOnError: false,
      })
      limiters[limit] = scope.createRateLimit()
    })
  }

  const consume = async (limit: RateLimitName, request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    let result: Awaited<ReturnType<Limiter>>
    try {
      result = await withTimeout(limiters[limit](request), STORE_TIMEOUT_MS, 'rate limit store')
    } catch (err) {
      request.log.warn({ err: (err as Error).message, limit }, 'rate limit store unavailable; request not counted')
      return
    }
    if (result.isAllowed || !result.isExceeded) return
    const retryAfter = Math.max(1, result.ttlInSeconds)
    reply.header('retry-after', String(retryAfter))
    throw rateLimited(limit, policy[`rate_limit_${limit}`], retryAfter)
  }

  return {
    consume,
    hook: (limit, when) => async (request, reply) => {
      if (!when || when(request)) await consume(limit, request, reply)
    },
    countWrites: async (request, reply) => {
      if (!WRITE_METHODS.has(request.method) || request.routeOptions.config.countsAsWrite === false) return
      await consume(request.principal?.role === 'service' ? 'service_writes' : 'writes', request, reply)
    },
  }
}

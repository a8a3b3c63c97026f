// Idempotency-Key on writes (docs/api.md): the first response to a key is
// stored and replayed byte for byte; the same key with another request is 422;
// a key whose first request is still running is 409.
import { createHash } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/database.js'
import { findKey, releaseKey, reserveKey, storeResponse } from './idempotency.repository.js'
import { sendProblem } from './problem.js'

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { principal: string; key: string } | null
  }
}

export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** Headers that belong to the answer itself, so a replay repeats them. */
const REPLAYED_HEADERS = ['etag', 'location'] as const

export const idempotencyPlugin = fp<{ db: Db }>(
  async (app, { db }) => {
    app.decorateRequest('idempotency', null)

    // Callback style: a request without a key (most of them) costs no promise and no extra tick.
    app.addHook('preHandler', (request, reply, done) => {
      const key = request.headers['idempotency-key']
      if (typeof key !== 'string' || !WRITE_METHODS.has(request.method) || !request.principal) return done()
      reserveOrAnswer(db, request, reply, key).then((answered) => {
        if (!answered) done()
      }, done)
    })

    app.addHook('onSend', (request, reply, payload, done) => {
      const reservation = request.idempotency
      if (!reservation) return done(null, payload)
      request.idempotency = null
      settle(db, reservation, reply, payload).then(() => done(null, payload), done)
    })
  },
  { name: 'idempotency', dependencies: ['auth'] },
)

/**
 * Reserves the key for this request, or answers it: a replay of the stored
 * response, or a problem (a bad key, a key reused for another request, a
 * first request still running). True when the request was answered here.
 */
async function reserveOrAnswer(db: Db, request: FastifyRequest, reply: FastifyReply, key: string): Promise<boolean> {
  const caller = request.principal as NonNullable<FastifyRequest['principal']>
  if (key.length < 1 || key.length > 255) {
    sendProblem(request, reply, {
      status: 400,
      slug: 'invalid-idempotency-key',
      title: 'Invalid Idempotency-Key',
      detail: 'the key must be 1–255 characters',
    })
    return true
  }
  const principal = `${caller.role}:${caller.id}`
  const hash = requestHash(request.method, request.url, request.body)
  if (await reserveKey(db, principal, key, hash)) {
    request.idempotency = { principal, key }
    return false
  }
  const stored = await findKey(db, principal, key)
  if (stored.request_hash !== hash) {
    sendProblem(request, reply, {
      status: 422,
      slug: 'idempotency-key-reused',
      title: 'Idempotency-Key reused',
      detail: 'this key was already used for a different request; use a new key',
    })
    return true
  }
  if (stored.status_code === 0) {
    if (!stored.abandoned) {
      sendProblem(request, reply, {
        status: 409,
        slug: 'idempotency-in-progress',
        title: 'Request in progress',
        detail: 'the first request with this key is still being processed; retry shortly',
      })
      return true
    }
    request.idempotency = { principal, key }
    return false
  }
  reply
    .code(stored.status_code)
    .headers(stored.response_headers)
    .header('idempotent-replayed', 'true')
    .type(stored.content_type)
    .serializer((payload: unknown) => payload as string)
    .send(stored.response_body)
  return true
}

/** Stores the answer under the reserved key, or frees the key when nothing was decided. */
async function settle(
  db: Db,
  reservation: { principal: string; key: string },
  reply: FastifyReply,
  payload: unknown,
): Promise<void> {
  if (reply.statusCode >= 500 || reply.statusCode === 429 || typeof payload !== 'string') {
    // Nothing was decided (a failure, or a rate limit): free the key so the client can retry.
    await releaseKey(db, reservation.principal, reservation.key)
    return
  }
  await storeResponse(db, reservation.principal, reservation.key, {
    status_code: reply.statusCode,
    content_type: String(reply.getHeader('content-type') ?? 'application/json'),
    response_body: payload,
    response_headers: answerHeaders(reply),
  })
}

function answerHeaders(reply: FastifyReply): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const name of REPLAYED_HEADERS) {
    const value = reply.getHeader(name)
    if (value !== undefined) kept[name] = String(value)
  }
  return kept
}

function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n`)
    .update(JSON.stringify(body ?? null))
    .digest('hex')
}

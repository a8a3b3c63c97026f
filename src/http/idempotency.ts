// Idempotency-Key on writes (docs/api.md): the first response to a key is
// stored and replayed byte for byte; the same key with another request is 422;
// a key whose first request is still running is 409.
import { createHash } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyReply } from 'fastify'
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

    app.addHook('preHandler', async (request, reply) => {
      const key = request.headers['idempotency-key']
      if (typeof key !== 'string' || !WRITE_METHODS.has(request.method) || !request.principal) return
      if (key.length < 1 || key.length > 255) {
        return sendProblem(request, reply, {
          status: 400,
          slug: 'invalid-idempotency-key',
          title: 'Invalid Idempotency-Key',
          detail: 'the key must be 1–255 characters',
        })
      }
      const principal = `${request.principal.role}:${request.principal.id}`
      const hash = requestHash(request.method, request.url, request.body)
      if (await reserveKey(db, principal, key, hash)) {
        request.idempotency = { principal, key }
        return
      }
      const stored = await findKey(db, principal, key)
      if (stored.request_hash !== hash) {
        return sendProblem(request, reply, {
          status: 422,
          slug: 'idempotency-key-reused',
          title: 'Idempotency-Key reused',
          detail: 'this key was already used for a different request; use a new key',
        })
      }
      if (stored.status_code === 0) {
        if (!stored.abandoned) {
          return sendProblem(request, reply, {
            status: 409,
            slug: 'idempotency-in-progress',
            title: 'Request in progress',
            detail: 'the first request with this key is still being processed; retry shortly',
          })
        }
        request.idempotency = { principal, key }
        return
      }
      return reply
        .code(stored.status_code)
        .headers(stored.response_headers)
        .header('idempotent-replayed', 'true')
        .type(stored.content_type)
        .serializer((payload: unknown) => payload as string)
        .send(stored.response_body)
    })

    app.addHook('onSend', async (request, reply, payload) => {
      const reservation = request.idempotency
      if (!reservation) return payload
      request.idempotency = null
      if (reply.statusCode >= 500 || reply.statusCode === 429 || typeof payload !== 'string') {
        // Nothing was decided (a failure, or a rate limit): free the key so the client can retry.
        await releaseKey(db, reservation.principal, reservation.key)
        return payload
      }
      await storeResponse(db, reservation.principal, reservation.key, {
        status_code: reply.statusCode,
        content_type: String(reply.getHeader('content-type') ?? 'application/json'),
        response_body: payload,
        response_headers: answerHeaders(reply),
      })
      return payload
    })
  },
  { name: 'idempotency', dependencies: ['auth'] },
)

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

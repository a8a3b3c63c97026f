// Idempotency-Key on writes (docs/api.md): the first response to a key is
// stored and replayed byte for byte; the same key with another request is 422;
// a key whose first request is still running is 409.
import { createHash } from 'node:crypto'
import fp from 'fastify-plugin'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { sendProblem } from './problem.js'

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { principal: string; key: string } | null
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** A reservation older than this belongs to a request that died; it may be taken over. */
const ABANDONED_AFTER_SECONDS = 60

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
      const reserved = await db
        .insertInto('idempotency_keys')
        .values({ principal, key, request_hash: hash, status_code: 0, content_type: '', response_body: '' })
        .onConflict((oc) => oc.columns(['principal', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst()
      if (reserved) {
        request.idempotency = { principal, key }
        return
      }
      const stored = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .select(sql<boolean>`created_at < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})`.as('abandoned'))
        .where('principal', '=', principal)
        .where('key', '=', key)
        .executeTakeFirstOrThrow()
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
        .header('idempotent-replayed', 'true')
        .type(stored.content_type)
        .serializer((payload: unknown) => payload as string)
        .send(stored.response_body)
    })

    app.addHook('onSend', async (request, reply, payload) => {
      const reservation = request.idempotency
      if (!reservation) return payload
      request.idempotency = null
      if (reply.statusCode >= 500 || typeof payload !== 'string') {
        // Nothing was decided: free the key so the client can retry.
        await db
          .deleteFrom('idempotency_keys')
          .where('principal', '=', reservation.principal)
          .where('key', '=', reservation.key)
          .execute()
        return payload
      }
      await db
        .updateTable('idempotency_keys')
        .set({
          status_code: reply.statusCode,
          content_type: String(reply.getHeader('content-type') ?? 'application/json'),
          response_body: payload,
        })
        .where('principal', '=', reservation.principal)
        .where('key', '=', reservation.key)
        .execute()
      return payload
    })
  },
  { name: 'idempotency', dependencies: ['auth'] },
)

function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n`)
    .update(JSON.stringify(body ?? null))
    .digest('hex')
}

// The bare baseline for bench/claims.ts: Fastify plus a raw `pg` Pool serving
// POST /v1/claims/:id/actions for the two actions the bench cycles through
// (seller request_info, buyer provide_info), issuing the same statements in
// one transaction as ClaimsService.act does — lock the claim, update it,
// append the audit event, settle and insert deadlines, the deadline outbox
// row, ensure the chat thread, post the system message, bump the thread, the
// claim.event outbox row — against the same schema. No xstate (the two
// transitions are hand-written), no JWT (the caller names itself in
// `x-principal: role:id`), no schema validation, no logger, no idempotency.
//
//   DATABASE_URL=postgres://… PORT=3001 npx tsx bench/baseline-claims-server.ts
import Fastify from 'fastify'
import pg from 'pg'
import { loadPolicyFile } from '../src/config/policy.js'

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/claimdesk_bench_baseline'
const port = Number(process.env.PORT ?? 3001)
const policy = loadPolicyFile(process.env.POLICY_FILE)

// Same pool settings as src/db/database.ts createDb().
const pool = new pg.Pool({
  connectionString: databaseUrl,
  max: Number(process.env.POOL_MAX ?? 10),
  connectionTimeoutMillis: 5_000,
  statement_timeout: 15_000,
})
pool.on('error', () => {})

interface Deadline {
  kind: string
  due_at: number
  on_expiry: string
}
interface Snapshot {
  value: unknown
  context: { deadlines: Deadline[]; seller_clock: string; first_seller_response_at: number | null } & Record<string, unknown>
}
interface ClaimRow {
  id: string
  order_id: string
  buyer_id: string
  seller_id: string
  state: string
  arbiter_status: string | null
  assignee: string | null
  priority: number
  overdue: boolean
  snapshot: Snapshot
  version: number
  resolution_type: string | null
  decided_by: string | null
  first_response_at: Date | null
  escalated_at: Date | null
  updated_at: Date
}
interface Body {
  action?: string
  comment?: string
  text?: string
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
  ) {
    super(slug)
  }
}

function principalOf(header: unknown): { role: string; id: string } {
  const [role, id] = typeof header === 'string' ? header.split(':', 2) : []
  if (!role || !id) throw new HttpError(401, 'unauthorized')
  return { role, id }
}

/** The two hand-written transitions: what the machine does for them. */
function next(row: ClaimRow, role: string, body: Body, now: number) {
  const ctx = row.snapshot.context
  if (body.action === 'request_info' && role === 'seller' && row.state === 'awaiting_seller') {
    const comment = String(body.comment ?? '')
    return {
      to: 'awaiting_buyer_info',
      context: {
        ...ctx,
        first_seller_response_at: ctx.first_seller_response_at ?? now,
        deadlines: [{ kind: 'buyer_info', due_at: now + policy.buyer_info, on_expiry: 'close' }],
      },
      payload: { comment },
      text: `More information was requested: ${comment}`,
    }
  }
  if (body.action === 'provide_info' && role === 'buyer' && row.state === 'awaiting_buyer_info') {
    return {
      to: 'awaiting_seller',
      context: {
        ...ctx,
        seller_clock: 'seller_response',
        deadlines: [
          {
            kind: 'seller_response',
            due_at: now + policy.seller_response,
            on_expiry: policy.seller_silence === 'auto_refund' ? 'auto_refund' : 'escalate',
          },
        ],
      },
      payload: { text: String(body.text ?? '') },
      text: `Claim provide info: ${row.state} → awaiting_seller.`,
    }
  }
  throw new HttpError(409, 'action-not-allowed')
}

async function act(id: string, principal: { role: string; id: string }, body: Body) {
  const client = await pool.connect()
  try {
    await client.query('begin')
    const found = await client.query<ClaimRow>('select * from claims where id = $1 for update', [id])
    const current = found.rows[0]
    const visible = current && (principal.role === 'buyer' ? current.buyer_id === principal.id : current.seller_id === principal.id)
    if (!current || !visible) throw new HttpError(404, 'not-found')
    const now = Date.now()
    const step = next(current, principal.role, body, now)
    const version = current.version + 1
    const at = new Date(now)
    const ctx = step.context
    const updated = await client.query<ClaimRow>(
      `update claims set state = $1, arbiter_status = $2, assignee = $3, priority = $4, overdue = $5, snapshot = $6,
         machine_version = $7, version = $8, resolution_type = $9, decided_by = $10, first_response_at = $11,
         escalated_at = $12, updated_at = $13, closed_at = $14
       where id = $15 and version = $16 returning *`,
      [
        step.to,
        null,
        current.assignee,
        current.priority,
        current.overdue,
        JSON.stringify({ value: step.to, context: ctx }),
        1,
        version,
        current.resolution_type,
        current.decided_by,
        ctx.first_seller_response_at === null ? null : new Date(ctx.first_seller_response_at),
        current.escalated_at,
        at,
        null,
        id,
        current.version,
      ],
    )
    const row = updated.rows[0]
    if (!row) throw new HttpError(409, 'action-not-allowed')
    await client.query(
      `insert into claim_events (claim_id, seq, actor_role, actor_id, action, from_state, to_state, payload, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, version, principal.role, principal.id, body.action, current.state, step.to, JSON.stringify(step.payload), at],
    )
    // replaceDeadlines: cancel what the machine dropped, insert what it added.
    const pending = await client.query<{ id: string; kind: string; due_at: Date }>(
      `select id, claim_id, kind, due_at, on_expiry, status from deadlines where claim_id = $1 and status = $2`,
      [id, 'pending'],
    )
    const same = (r: { kind: string; due_at: Date }, d: Deadline) => r.kind === d.kind && r.due_at.getTime() === d.due_at
    for (const stale of pending.rows.filter((r) => !ctx.deadlines.some((d) => same(r, d)))) {
      await client.query('update deadlines set status = $1, settled_at = $2 where id = $3', ['cancelled', at, stale.id])
    }
    const fresh = ctx.deadlines.filter((d) => !pending.rows.some((r) => same(r, d)))
    if (fresh.length > 0) {
      const values: unknown[] = []
      const tuples = fresh.map((d, i) => {
        values.push(id, d.kind, new Date(d.due_at), d.on_expiry, version)
        return `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`
      })
      const inserted = await client.query<{ id: string; claim_id: string; kind: string; due_at: Date }>(
        `insert into deadlines (claim_id, kind, due_at, on_expiry, claim_version) values ${tuples.join(', ')}
         returning id, claim_id, kind, due_at, on_expiry, status`,
        values,
      )
      // scheduleDeadlines: one outbox row per new deadline, one statement.
      await client.query(
        `insert into outbox (topic, payload) values ${inserted.rows.map((_, i) => `($${i * 2 + 1}, $${i * 2 + 2})`).join(', ')}`,
        inserted.rows.flatMap((r) => [
          'deadline.schedule',
          JSON.stringify({ deadline_id: r.id, claim_id: r.claim_id, kind: r.kind, due_at: r.due_at.toISOString() }),
        ]),
      )
    }
    // ensureThread(…, hasClaim = true)
    const thread = await client.query<{ id: string }>(
      `insert into threads (order_id, buyer_id, seller_id, has_claim) values ($1, $2, $3, $4)
       on conflict (order_id) do nothing returning id`,
      [current.order_id, current.buyer_id, current.seller_id, true],
    )
    let threadId = thread.rows[0]?.id
    if (!threadId) {
      const existing = await client.query<{ id: string }>('select id from threads where order_id = $1', [current.order_id])
      threadId = existing.rows[0]?.id
      if (!threadId) throw new Error('thread vanished')
      await client.query('update threads set has_claim = $1 where id = $2', [true, threadId])
    }
    // postMessage
    await client.query(
      `insert into messages (thread_id, sender_role, sender_id, kind, text, claim_id, payload, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
      [
        threadId,
        'system',
        'claimdesk',
        'system',
        step.text,
        id,
        JSON.stringify({ claim_id: id, action: body.action, from_state: current.state, to_state: step.to, version }),
        at,
      ],
    )
    await client.query('update threads set last_message_at = $1 where id = $2', [at, threadId])
    await client.query('insert into outbox (topic, payload) values ($1, $2)', [
      'claim.event',
      JSON.stringify({ claim_id: id, seq: version, action: body.action, from_state: current.state, to_state: step.to }),
    ])
    await client.query('commit')
    return {
      id: row.id,
      order_id: row.order_id,
      seller_id: row.seller_id,
      state: row.state,
      version: row.version,
      deadlines: ctx.deadlines.map((d) => ({ kind: d.kind, due_at: new Date(d.due_at).toISOString(), on_expiry: d.on_expiry })),
      updated_at: row.updated_at.toISOString(),
    }
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

const app = Fastify({ logger: false })

app.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) => {
  if (err instanceof HttpError) return reply.code(err.status).send({ type: err.slug, status: err.status })
  return reply.code(err.statusCode ?? 500).send({ type: 'internal', status: err.statusCode ?? 500, detail: err.message })
})

app.get('/readyz', async () => {
  await pool.query('select 1')
  return { status: 'ready' }
})

app.get<{ Params: { id: string } }>('/v1/claims/:id', async (request) => {
  const found = await pool.query<{ id: string; state: string; version: number }>('select id, state, version from claims where id = $1', [
    request.params.id,
  ])
  if (!found.rows[0]) throw new HttpError(404, 'not-found')
  return found.rows[0]
})

app.post<{ Params: { id: string }; Body: Body }>('/v1/claims/:id/actions', async (request) =>
  act(request.params.id, principalOf(request.headers['x-principal']), request.body ?? {}),
)

const shutdown = async () => {
  await app.close()
  await pool.end()
  process.exit(0)
}
process.once('SIGTERM', () => void shutdown())
process.once('SIGINT', () => void shutdown())

await app.listen({ host: '127.0.0.1', port })

// The bare baseline for bench/claims.ts: Fastify plus a raw `pg` Pool serving
// POST /v1/claims/:id/actions for the two actions the bench cycles through
// (seller request_info, buyer provide_info), issuing the same statements as
// ClaimsService.act does, named (prepared) like the service's — read the
// claim, then one statement that updates it, appends the audit event,
// settles and inserts deadlines with their outbox rows and posts the
// thread's system message — against the same schema. No xstate (the two
// transitions are hand-written), no JWT (the caller names itself in
// `x-principal: role:id`), no schema validation, no moderation, no logger,
// no idempotency.
//
//   DATABASE_URL=postgres://… PORT=3001 npx tsx bench/baseline-claims-server.ts
import { createBaselineServer, HttpError, principalOf } from './lib/baseline-server.js'
import { loadPolicyFile } from '../src/config/policy.js'

const { app, pool, listen } = createBaselineServer('claimdesk_bench_baseline', 3001)

const policy = loadPolicyFile(process.env.POLICY_FILE)

interface Deadline {
  kind: string
  due_at: number
  on_expiry: string
}
interface Snapshot {
  value: unknown
  context: { deadlines: Deadline[]; seller_clock: string; first_seller_response_at: number | null } & Record<
    string,
    unknown
  >
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

/**
 * The statements ClaimsService.act issues: read the claim, then one
 * version-guarded statement that updates it and writes the audit event, the
 * deadlines, their outbox rows and the thread's system message.
 */
async function act(id: string, principal: { role: string; id: string }, body: Body) {
  const found = await pool.query<ClaimRow>({ name: 'claim', text: 'select * from claims where id = $1', values: [id] })
  const current = found.rows[0]
  const visible =
    current && (principal.role === 'buyer' ? current.buyer_id === principal.id : current.seller_id === principal.id)
  if (!current || !visible) throw new HttpError(404, 'not-found')
  const now = Date.now()
  const step = next(current, principal.role, body, now)
  const version = current.version + 1
  const at = new Date(now)
  const ctx = step.context
  const same = (a: Deadline, b: Deadline) => a.kind === b.kind && a.due_at === b.due_at
  const before = current.snapshot.context.deadlines
  const dropped = before.filter((d) => !ctx.deadlines.some((a) => same(a, d))).map((d) => d.kind)
  const added = ctx.deadlines.filter((d) => !before.some((b) => same(b, d)))
  const written = await pool.query<ClaimRow & { has_photos: boolean }>({
    name: 'transition',
    text: `with upd as (
       update claims set state = $1, arbiter_status = $2, assignee = $3, priority = $4, overdue = $5, snapshot = $6::jsonb,
         machine_version = $7, version = $8, resolution_type = $9, decided_by = $10, first_response_at = $11,
         escalated_at = $12, updated_at = $13, closed_at = $14, next_due_at = $15
       where id = $16 and version = $17 returning *),
     audit as (
       insert into claim_events (claim_id, seq, actor_role, actor_id, action, from_state, to_state, payload, created_at)
       select upd.id, $8, $18::text, $19::text, $20::text, $21::text, $1::text, $22::jsonb, $13 from upd),
     settled as (
       update deadlines set status = 'cancelled', settled_at = $13
       where claim_id = (select id from upd) and status = 'pending' and kind = any($23::text[]) returning id),
     added as (
       insert into deadlines (claim_id, kind, due_at, on_expiry, claim_version)
       select upd.id, d.kind, d.due_at, d.on_expiry, upd.version
       from upd, (select count(*) from settled) as settled_first,
            unnest($24::text[], $25::timestamptz[], $26::text[]) as d(kind, due_at, on_expiry)
       returning id, claim_id, kind, due_at),
     scheduled as (
       insert into outbox (topic, payload)
       select 'deadline.schedule', jsonb_build_object('deadline_id', added.id::text, 'claim_id', added.claim_id,
              'kind', added.kind, 'due_at', to_char(added.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
       from added),
     thread as (
       insert into threads (order_id, buyer_id, seller_id, has_claim, last_message_at)
       select upd.order_id, upd.buyer_id, upd.seller_id, true, $13 from upd
       on conflict (order_id) do update set has_claim = true, last_message_at = excluded.last_message_at
       returning id),
     posted as (
       insert into messages (thread_id, sender_role, sender_id, kind, text, claim_id, payload, created_at)
       select thread.id, 'system', 'claimdesk', 'system', $27::text, $16::uuid, $28::jsonb, $13 from thread)
     select upd.*, exists (select 1 from photos where photos.claim_id = upd.id) as has_photos from upd`,
    values: [
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
      ctx.deadlines.length === 0 ? null : new Date(Math.min(...ctx.deadlines.map((d) => d.due_at))),
      id,
      current.version,
      principal.role,
      principal.id,
      body.action,
      current.state,
      JSON.stringify(step.payload),
      dropped,
      added.map((d) => d.kind),
      added.map((d) => new Date(d.due_at).toISOString()),
      added.map((d) => d.on_expiry),
      step.text,
      JSON.stringify({ claim_id: id, action: body.action, from_state: current.state, to_state: step.to, version }),
    ],
  })
  const row = written.rows[0]
  // The service re-reads and decides again; the bench never races one claim, so this is a plain 409.
  if (!row) throw new HttpError(409, 'stale-version')
  return {
    id: row.id,
    order_id: row.order_id,
    seller_id: row.seller_id,
    state: row.state,
    version: row.version,
    deadlines: ctx.deadlines.map((d) => ({
      kind: d.kind,
      due_at: new Date(d.due_at).toISOString(),
      on_expiry: d.on_expiry,
    })),
    updated_at: row.updated_at.toISOString(),
  }
}

app.get<{ Params: { id: string } }>('/v1/claims/:id', async (request) => {
  const found = await pool.query<{ id: string; state: string; version: number }>(
    'select id, state, version from claims where id = $1',
    [request.params.id],
  )
  if (!found.rows[0]) throw new HttpError(404, 'not-found')
  return found.rows[0]
})

app.post<{ Params: { id: string }; Body: Body }>('/v1/claims/:id/actions', async (request) =>
  act(request.params.id, principalOf(request.headers['x-principal']), request.body ?? {}),
)

await listen()

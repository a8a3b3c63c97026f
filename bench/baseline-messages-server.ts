// The bare baseline for bench/messages.ts: Fastify plus a raw `pg` Pool
// serving POST /v1/threads/:id/messages with the statement the service's
// clean-text path issues (chat.repository.ts insertAdmittedText: the party's
// checks, the thread bump and the message in one statement), named
// (prepared) like the service's, against the same schema. No JWT (the caller
// names itself in `x-principal: role:id`), no schema validation, no
// moderation, no logger, no idempotency, no rate limits.
//
//   DATABASE_URL=postgres://… PORT=3002 npx tsx bench/baseline-messages-server.ts
import { createBaselineServer, HttpError, principalOf } from './lib/baseline-server.js'

const { app, pool, listen } = createBaselineServer('claimdesk_bench_messages', 3002)

// insertAdmittedText's statement, its fragments written out.
const ADMITTED_TEXT = `
  with admitted as (
    select t.id, c.id as claim_id
    from threads t left join lateral (
      select id, state not in ('resolved', 'closed', 'withdrawn') as open from claims
      where order_id = t.order_id
      order by state in ('resolved', 'closed', 'withdrawn'), created_at desc limit 1) c on true
    where t.id = $1
      and case $2::text when 'buyer' then t.buyer_id = $3 when 'seller' then t.seller_id = $3 else false end
      and ($2::text <> 'seller' or (select s.id from sanctions s
        where s.party_role = 'seller' and s.party_id = t.seller_id and s.kind = 'chat_suspension'
          and s.status = any($4::text[]) limit 1) is null)
      and ($2::text <> 'buyer' or t.has_claim or c.id is not null
        or coalesce((select presale_questions from seller_chat_settings where seller_id = t.seller_id), true))
  ),
  thread as (
    update threads set last_message_at = $5::timestamptz where id = (select id from admitted) returning id, seller_id
  ),
  msg as (
    insert into messages (thread_id, sender_role, sender_id, kind, text, claim_id, payload, created_at)
    select thread.id, $2::text, $3::text, 'text', $6::text, (select claim_id from admitted), '{}'::jsonb, $5::timestamptz
    from thread
    returning *
  )
  select msg.*, thread.seller_id as thread_seller_id from msg, thread`

const ACTIVE_SANCTION = ['pending_review', 'confirmed']

interface MessageRow {
  id: string
  thread_id: string
  kind: string
  sender_role: string
  sender_id: string
  text: string
  claim_id: string | null
  created_at: Date
}

app.post<{ Params: { id: string }; Body: { text?: string } }>('/v1/threads/:id/messages', async (request, reply) => {
  const principal = principalOf(request.headers['x-principal'])
  const text = String(request.body?.text ?? '')
  const written = await pool.query<MessageRow>({
    name: 'admitted_text',
    text: ADMITTED_TEXT,
    values: [request.params.id, principal.role, principal.id, ACTIVE_SANCTION, new Date(), text],
  })
  const m = written.rows[0]
  // The service would take its full path to say why; the bench sends only admissible messages.
  if (!m) throw new HttpError(403, 'not-admitted')
  return reply.code(201).send({
    id: m.id,
    thread_id: m.thread_id,
    kind: m.kind,
    sender: { role: m.sender_role, id: m.sender_id },
    text: m.text,
    photos: [],
    claim_id: m.claim_id,
    payload: {},
    created_at: m.created_at.toISOString(),
  })
})

await listen()

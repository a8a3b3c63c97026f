// Input that used to reach Postgres or a recursive walk and come back as a 500:
// each is now a 4xx problem (docs/input-safety.md).
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import { createSigner } from 'fast-jwt'
import { isBadValue } from '../../src/http/problem.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'
import { escalatedClaim } from '../arbiter/helpers/app.js'

const P = 'https://claimdesk.dev/problems/'
const SERVICE: ['service', string] = ['service', 'marketplace']
const ARBITER: ['arbiter', string] = ['arbiter', 'arb-1']
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const UUID = '00000000-0000-4000-8000-000000000000'

type Response = Awaited<ReturnType<TestApp['call']>>

// One app for the file: each case makes its own orders and claims.
const app = await buildTestApp(t)

function problem(t: Test, res: Response, status: number, slug: string, what: string) {
  t.equal(res.statusCode, status, `${what}: ${res.body.slice(0, 200)}`)
  t.match(res.headers['content-type'], /application\/problem\+json/, what)
  t.equal(res.json().type, P + slug, what)
}

/** A real cursor with its payload changed and re-encoded as the old, unsigned cursors were. */
function forged(cursor: string, change: (value: Record<string, unknown>) => void): string {
  const body = cursor.split('.')[0]!
  const value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>
  change(value)
  return b64(value)
}

/** The same, keeping the signature of the original: a tampered cursor. */
function tampered(cursor: string, change: (value: Record<string, unknown>) => void): string {
  return `${forged(cursor, change)}.${cursor.split('.')[1] ?? ''}`
}

t.test('NUL characters and lone surrogates: 400 invalid-text, nothing written', async (t) => {
  const order = await registerOrder(app)
  const buyer: ['buyer', string] = ['buyer', order.buyer]
  const claim = await openClaim(app, order)
  const claimsBefore = await app.db.selectFrom('claims').select('id').execute()

  const newClaim = {
    order_id: order.id,
    line_id: 'l1',
    reason: 'not_as_described',
    requested_resolution: 'refund',
  }
  const cases: [string, () => Promise<Response>][] = [
    [
      'NUL in a description',
      () =>
        app.call(buyer, { method: 'POST', url: '/v1/claims', payload: { ...newClaim, description: 'Leaks\u0000.' } }),
    ],
    [
      'lone surrogate in a description',
      () =>
        app.call(buyer, {
          method: 'POST',
          url: '/v1/claims',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ ...newClaim, description: 'Leaks \ud83d here.' }),
        }),
    ],
    [
      'lone low surrogate',
      () =>
        app.call(buyer, {
          method: 'POST',
          url: '/v1/claims',
          headers: { 'content-type': 'application/json' },
          payload: `{"order_id":"${order.id}","line_id":"l1","reason":"not_as_described","requested_resolution":"refund","description":"x\\udc00"}`,
        }),
    ],
    ['NUL in an id', () => app.call(SERVICE, { method: 'GET', url: '/v1/orders/ord%00x' })],
    ['NUL in a query', () => app.call(['seller', order.seller], { method: 'GET', url: '/v1/claims?sku=SKU%00' })],
    [
      'NUL in an order id being registered',
      () =>
        app.call(SERVICE, {
          method: 'POST',
          url: '/v1/orders',
          payload: {
            id: 'ord-\u0000',
            buyer_id: 'b',
            seller_id: 's',
            scheme: 'FBS',
            delivered_at: null,
            lines: [{ id: 'l1', sku: 'S', title: 'T', quantity: 1, unit_price: 1 }],
          },
        }),
    ],
    [
      'NUL in an action comment',
      () => act(app, ['seller', order.seller], claim.id, { action: 'request_info', comment: 'Photo\u0000 please' }),
    ],
    [
      'NUL in a moderation check',
      () =>
        app.call(buyer, {
          method: 'POST',
          url: '/v1/moderation/check',
          payload: { text: 'hi\u0000', sender_role: 'buyer' },
        }),
    ],
    [
      'NUL in a key of a body no schema reads',
      () =>
        app.call(SERVICE, {
          method: 'POST',
          url: `/v1/webhooks/${UUID}/deliveries/1/replay`,
          payload: { 'a\u0000': 1 },
        }),
    ],
    [
      'NUL in a multipart field',
      () =>
        app.call(buyer, {
          method: 'POST',
          url: '/v1/claims',
          headers: { 'content-type': 'multipart/form-data; boundary=XX' },
          payload: [
            ...Object.entries({ ...newClaim, description: 'Leaks\u0000' }).map(
              ([k, v]) => `--XX\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
            ),
            '--XX--\r\n',
          ].join(''),
        }),
    ],
  ]
  const first = await cases[0]![1]()
  t.match(first.json(), { field: 'description', in: 'body' }, 'the problem names the field')
  for (const [what, call] of cases) problem(t, await call(), 400, 'invalid-text', what)
  const key = await cases.find(([what]) => what.includes('a key'))![1]()
  t.equal(key.json().field, 'a\uFFFD', 'a refused key is echoed without its NUL')
  t.same(await app.db.selectFrom('claims').select('id').execute(), claimsBefore, 'no claim was written')

  const fine = await app.call(buyer, {
    method: 'POST',
    url: '/v1/moderation/check',
    payload: { text: 'Пришлите фото 🙂 — a paired surrogate is a character like any other', sender_role: 'buyer' },
  })
  t.equal(fine.statusCode, 200, fine.body)
})

t.test('numbers beyond bigint: 4xx, not a failed cast', async (t) => {
  const order = await registerOrder(app)
  const buyer: ['buyer', string] = ['buyer', order.buyer]
  const thread = (await app.call(buyer, { method: 'POST', url: '/v1/threads', payload: { order_id: order.id } })).json()

  const after = await app.call(buyer, {
    method: 'GET',
    url: `/v1/threads/${thread.id}/messages?after=9999999999999999999`,
  })
  problem(t, after, 422, 'validation-failed', 'after=9999999999999999999')
  t.equal(after.json().field, 'after')
  const report = await app.call(buyer, {
    method: 'POST',
    url: `/v1/threads/${thread.id}/messages/9999999999999999999/report`,
    payload: { reason: 'spam' },
  })
  problem(t, report, 400, 'invalid-request', 'a message id beyond bigint')
  const replay = await app.call(SERVICE, {
    method: 'POST',
    url: `/v1/webhooks/${UUID}/deliveries/9223372036854775808/replay`,
  })
  problem(t, replay, 400, 'invalid-request', 'a delivery id one beyond bigint')
  const largest = await app.call(SERVICE, {
    method: 'POST',
    url: `/v1/webhooks/${UUID}/deliveries/9223372036854775807/replay`,
  })
  t.equal(largest.statusCode, 404, 'the largest bigint is an id like any other')
})

t.test('cursors are signed: forged and tampered ones are 422s', async (t) => {
  const order = await registerOrder(app)
  const seller: ['seller', string] = ['seller', order.seller]
  const buyer: ['buyer', string] = ['buyer', order.buyer]
  await openClaim(app, order)
  app.clock.advance(1000)
  await openClaim(app, await registerOrder(app))
  const thread = (await app.call(buyer, { method: 'POST', url: '/v1/threads', payload: { order_id: order.id } })).json()
    .id as string
  // A ledger to page: a seller's contacts in the chat are violations.
  for (const text of ['пишите в тг @shop_direct', 'звоните +7 916 123-45-67'])
    await app.call(seller, { method: 'POST', url: `/v1/threads/${thread}/messages`, payload: { text } })
  // Messages to page, and escalated claims for the arbiter queue.
  for (const text of ['Здравствуйте', 'Добрый день'])
    await app.call(buyer, { method: 'POST', url: `/v1/threads/${thread}/messages`, payload: { text } })
  await escalatedClaim(app)
  await escalatedClaim(app)

  const lists: [string, [Parameters<TestApp['token']>[0], string], string, (v: Record<string, unknown>) => void][] = [
    ['threads', buyer, '/v1/threads?limit=1', (v) => (v.t = '1')],
    ['claims', seller, '/v1/claims?limit=1', (v) => (v.k = '1')],
    ['claims by due date', seller, '/v1/claims?limit=1&sort=due_at', (v) => (v.k = '+275760-09-13T00:00:00Z')],
    ['violations', ARBITER, '/v1/violations?limit=1', (v) => (v.t = '0')],
    ['arbiter queue', ARBITER, '/v1/arbiter/queue?limit=1', (v) => (v.p = 1e300)],
    ['messages', seller, `/v1/threads/${thread}/messages?limit=1`, (v) => (v.m = '9999999999999999999')],
  ]
  for (const [name, as, url, change] of lists) {
    const page = await app.call(as, { method: 'GET', url })
    t.equal(page.statusCode, 200, `${name}: ${page.body.slice(0, 200)}`)
    const cursor = page.json().next_cursor as string
    t.type(cursor, 'string', `${name} has a next page`)
    const next = await app.call(as, { method: 'GET', url: `${url}&cursor=${cursor}` })
    t.equal(next.statusCode, 200, `${name}: the issued cursor pages on`)
    for (const [how, bad] of [
      ['forged', forged(cursor, change)],
      ['tampered', tampered(cursor, change)],
      ['truncated', cursor.slice(0, -2)],
    ] as const) {
      const res = await app.call(as, { method: 'GET', url: `${url}&cursor=${encodeURIComponent(bad)}` })
      problem(t, res, 422, 'validation-failed', `${name}, ${how}`)
      t.equal(res.json().field, 'cursor', `${name}, ${how}`)
    }
  }

  const threads = (await app.call(buyer, { method: 'GET', url: '/v1/threads?limit=1' })).json().next_cursor
  const across = await app.call(ARBITER, { method: 'GET', url: `/v1/violations?limit=1&cursor=${threads}` })
  problem(t, across, 422, 'validation-failed', 'a cursor of one list is refused by another')

  const feed = (await app.call(SERVICE, { method: 'GET', url: '/v1/events?limit=1' })).json().next_cursor
  const forgedFeed = Buffer.from('99999999999999999999.9999999999999999999').toString('base64url')
  problem(
    t,
    await app.call(SERVICE, { method: 'GET', url: `/v1/events?after=${forgedFeed}` }),
    422,
    'validation-failed',
    'feed, forged',
  )
  const tamperedFeed = tampered(feed, (v) => (v.m = '0'))
  problem(
    t,
    await app.call(SERVICE, { method: 'GET', url: `/v1/events?after=${tamperedFeed}` }),
    422,
    'validation-failed',
    'feed, tampered',
  )
})

t.test('JSON nested 5,000 deep: 400 json-too-deep, with or without an Idempotency-Key', async (t) => {
  const deepArray = '['.repeat(5000) + ']'.repeat(5000)
  const deepObject = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)
  for (const [what, payload] of [
    ['arrays', deepArray],
    ['objects', deepObject],
  ]) {
    for (const headers of [{}, { 'idempotency-key': `deep-${what}` }]) {
      const res = await app.call(SERVICE, {
        method: 'POST',
        url: `/v1/webhooks/${UUID}/deliveries/1/replay`,
        headers: { 'content-type': 'application/json', ...headers },
        payload,
      })
      problem(t, res, 400, 'json-too-deep', `${what} ${JSON.stringify(headers)}`)
    }
  }
  const inString = JSON.stringify({ reason: '['.repeat(5000) })
  const res = await app.call(SERVICE, {
    method: 'POST',
    url: `/v1/webhooks/${UUID}/deliveries/1/replay`,
    headers: { 'content-type': 'application/json' },
    payload: inString,
  })
  t.equal(res.statusCode, 404, 'brackets inside a string are text, not nesting')
})

t.test('a token whose sub cannot be an id: 401', async (t) => {
  const sign = createSigner({ key: app.config.jwtSecret, algorithm: 'HS256', expiresIn: 60_000 })
  const subjects: [string, string][] = [
    ['a NUL', 'buyer\u0000-1'],
    ['a control character', 'buyer\u001b[31m'],
    ['a lone surrogate', 'buyer-\ud800'],
    ['10,000 characters', 'b'.repeat(10_000)],
  ]
  for (const [what, sub] of subjects) {
    const res = await app.app.inject({
      method: 'GET',
      url: '/v1/threads',
      headers: { authorization: `Bearer ${sign({ sub, role: 'buyer' })}` },
    })
    t.equal(res.statusCode, 401, what)
    t.equal(res.json().type, P + 'unauthorized', what)
  }
  const fine = await app.app.inject({
    method: 'GET',
    url: '/v1/threads',
    headers: { authorization: `Bearer ${sign({ sub: 'покупатель-1', role: 'buyer' })}` },
  })
  t.equal(fine.statusCode, 200, 'a subject in any script is fine')
})

t.test('a value the database refuses is still a 400 (the last line of defence)', async (t) => {
  const err: { code?: string } = await sql`select 'x'::int`.execute(app.db).then(
    () => ({}),
    (e: { code?: string }) => e,
  )
  t.ok(isBadValue(err), `22P02 from pg: ${err.code}`)
  t.notOk(isBadValue(Object.assign(new Error('x'), { code: '22P02' })), 'only a database error counts')
})

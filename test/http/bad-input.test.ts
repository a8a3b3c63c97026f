// Bad input gets a 4xx problem with a stable type, and no row is written.
import t from 'tap'
import { signToken } from '../../src/auth/principal.js'
import { createTokenVerifier } from '../../src/auth/principal.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'

const P = 'https://claimdesk.dev/problems/'

async function counts(app: TestApp) {
  const one = async (table: 'claims' | 'claim_events' | 'messages' | 'deadlines') =>
    Number(
      (
        await app.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return {
    claims: await one('claims'),
    events: await one('claim_events'),
    messages: await one('messages'),
    deadlines: await one('deadlines'),
  }
}

t.test('bad requests are problems and write nothing', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app, { unitPrice: 100_000 })
  const claim = await openClaim(app, order)
  const foreign = await registerOrder(app, { buyer: 'buyer-9' })
  const undelivered = await registerOrder(app, { deliveredAt: null })
  const before = await counts(app)
  const seller: ['seller', string] = ['seller', order.seller]
  const buyer: ['buyer', string] = ['buyer', order.buyer]
  const newClaim = {
    order_id: order.id,
    line_id: 'l1',
    reason: 'not_as_described',
    description: 'Leaks.',
    requested_resolution: 'refund',
  }

  const cases: [
    string,
    () => Promise<{ statusCode: number; json: () => any; headers: Record<string, unknown> }>,
    number,
    string,
  ][] = [
    [
      'malformed JSON',
      () =>
        app.call(buyer, {
          method: 'POST',
          url: '/v1/claims',
          headers: { 'content-type': 'application/json' },
          payload: '{"order_id": ',
        }),
      400,
      'malformed-json',
    ],
    [
      'unknown field',
      () =>
        app.call(buyer, {
          method: 'POST',
          url: '/v1/claims',
          payload: { ...newClaim, order_id: foreign.id, extra: 1 },
        }),
      400,
      'invalid-request',
    ],
    ['unknown action', () => act(app, seller, claim.id, { action: 'refund_everything' }), 400, 'invalid-request'],
    [
      'wrong type',
      () => act(app, seller, claim.id, { action: 'offer_compensation', amount: '500' }),
      400,
      'invalid-request',
    ],
    [
      'wrong reason',
      () => app.call(buyer, { method: 'POST', url: '/v1/claims', payload: { ...newClaim, reason: 'bored' } }),
      400,
      'invalid-request',
    ],
    [
      'second open claim on a line',
      () => app.call(buyer, { method: 'POST', url: '/v1/claims', payload: newClaim }),
      409,
      'claim-already-open',
    ],
    [
      "claim on someone else's order",
      () => app.call(buyer, { method: 'POST', url: '/v1/claims', payload: { ...newClaim, order_id: foreign.id } }),
      404,
      'not-found',
    ],
    [
      'claim on an undelivered line',
      () => app.call(buyer, { method: 'POST', url: '/v1/claims', payload: { ...newClaim, order_id: undelivered.id } }),
      422,
      'line-not-delivered',
    ],
    [
      'offer of 0',
      () => act(app, seller, claim.id, { action: 'offer_compensation', amount: 0 }),
      422,
      'offer-out-of-bounds',
    ],
    [
      'offer of the full price',
      () => act(app, seller, claim.id, { action: 'offer_compensation', amount: 100_000 }),
      422,
      'offer-out-of-bounds',
    ],
    [
      'reject comment of 3 characters',
      () => act(app, seller, claim.id, { action: 'reject', reason_code: 'other', comment: 'no.' }),
      422,
      'validation-failed',
    ],
    [
      'reject without reason',
      () => act(app, seller, claim.id, { action: 'reject', comment: 'The item works as intended.' }),
      422,
      'validation-failed',
    ],
    [
      '2 MB body',
      () => act(app, seller, claim.id, { action: 'request_info', comment: 'x'.repeat(2 * 1024 * 1024) }),
      413,
      'payload-too-large',
    ],
    ['bad claim id', () => app.call(buyer, { method: 'GET', url: '/v1/claims/not-a-uuid' }), 400, 'invalid-request'],
    [
      'garbage cursor',
      () => app.call(buyer, { method: 'GET', url: '/v1/claims?cursor=abc' }),
      422,
      'validation-failed',
    ],
    ['no token', () => app.call(null, { method: 'GET', url: `/v1/claims/${claim.id}` }), 401, 'unauthorized'],
    [
      'bad signature',
      () =>
        app.call(null, {
          method: 'GET',
          url: `/v1/claims/${claim.id}`,
          headers: {
            authorization: `Bearer ${signToken('another-secret-of-16+chars', { role: 'buyer', id: order.buyer })}`,
          },
        }),
      401,
      'unauthorized',
    ],
    [
      'unknown role',
      () =>
        app.call(null, {
          method: 'GET',
          url: `/v1/claims/${claim.id}`,
          headers: {
            authorization: `Bearer ${signToken(app.config.jwtSecret, { role: 'admin' as 'buyer', id: 'x' })}`,
          },
        }),
      401,
      'unauthorized',
    ],
    ['unknown route', () => app.call(buyer, { method: 'GET', url: '/v1/nothing' }), 404, 'not-found'],
  ]
  for (const [name, send, status, type] of cases) {
    const res = await send()
    t.equal(res.statusCode, status, `${name}: ${status}`)
    t.equal(res.json().type, P + type, `${name}: ${type}`)
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`)
    t.type(res.json().request_id, 'string')
  }

  // A third offer: two offers made and declined, then the machine refuses a third.
  for (const amount of [10_000, 20_000]) {
    t.equal((await act(app, seller, claim.id, { action: 'offer_compensation', amount })).statusCode, 200)
    t.equal((await act(app, buyer, claim.id, { action: 'decline_offer' })).statusCode, 200)
  }
  const mid = await counts(app)
  const third = await act(app, seller, claim.id, { action: 'offer_compensation', amount: 30_000 })
  t.equal(third.statusCode, 409, 'a third offer is refused')
  t.equal(third.json().type, P + 'action-not-allowed')
  t.same(await counts(app), mid, 'the third offer wrote nothing')
  t.same(mid.claims, before.claims, 'no refused request created a claim')
  t.equal(mid.events, before.events + 4, 'only the four accepted actions added events')
})

t.test('token verifier refuses tokens without subject', async (t) => {
  const verify = createTokenVerifier('claimdesk-development-secret-change-me', 24 * 3600_000)
  const token = signToken('claimdesk-development-secret-change-me', { role: 'buyer', id: '' })
  t.throws(() => verify(token), { message: 'the token has no subject' })
})

// Deliveries to a real receiver on 127.0.0.1: signatures, retries with
// backoff, the attempt log, disabling a failing URL, replay, and the SSRF
// re-check at delivery time.
import t from 'tap'
import { verifySignature } from '../../src/domain/webhooks/signing.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'
import { feedTestApp } from '../feed/helpers/app.js'
import { deliveries, register, startReceiver, startWorkers, waitFor } from './helpers.js'

t.test('signed deliveries: a seller gets its own claims’ events without buyer ids; the service gets all', async (t) => {
  const app = await feedTestApp(t, { webhook_attempts: 3 })
  const sellerRx = await startReceiver(t)
  const serviceRx = await startReceiver(t)
  const sellerHook = await register(app, ['seller', 'shop-1'], sellerRx.url)
  const serviceHook = await register(app, ['service', 'marketplace'], serviceRx.url, ['claim.event'])
  await startWorkers(t, app)

  const mine = await registerOrder(app, { buyer: 'buyer-1', seller: 'shop-1' })
  const other = await registerOrder(app, { buyer: 'buyer-2', seller: 'shop-2' })
  const claim = await openClaim(app, mine)
  await openClaim(app, other)
  t.equal(
    (
      await act(app, ['seller', 'shop-1'], claim.id, {
        action: 'request_info',
        comment: 'Please send a photo of the seam',
      })
    ).statusCode,
    200,
  )

  await waitFor('seller deliveries', async () => sellerRx.received.length >= 2)
  await waitFor('service deliveries', async () => serviceRx.received.length >= 3)
  for (const r of sellerRx.received) {
    t.ok(verifySignature(r.headers['claimdesk-signature'] as string, sellerHook.secret, r.body), 'valid signature')
    t.notOk(
      verifySignature(r.headers['claimdesk-signature'] as string, serviceHook.secret, r.body),
      'not with another secret',
    )
    t.match(r.headers['claimdesk-signature'], /^t=\d+,v1=[0-9a-f]{64}$/)
    t.equal(r.headers['content-type'], 'application/json')
    t.notMatch(r.body, /buyer-1/, 'no buyer id in a seller’s payload')
  }
  const bodies = sellerRx.received.map((r) => JSON.parse(r.body))
  t.same(bodies.map((b) => b.data.action).sort(), ['open', 'request_info'])
  t.ok(
    bodies.every((b) => b.claim_id === claim.id),
    'only its own claim',
  )
  t.match(bodies.find((b) => b.data.action === 'open').data.actor, { role: 'buyer', pseudonym: /^buyer-/ })
  for (const r of serviceRx.received)
    t.ok(verifySignature(r.headers['claimdesk-signature'] as string, serviceHook.secret, r.body))
  t.ok(
    serviceRx.received.some((r) => r.body.includes('buyer-2')),
    'the service sees buyer ids',
  )
  const log = await waitFor('log', async () => {
    const items = await deliveries(app, ['seller', 'shop-1'], sellerHook.id)
    return items.length === 2 && items.every((d) => d.status === 'succeeded') ? items : undefined
  })
  t.match(log[0], { status: 'succeeded', attempt_count: 1, attempts: [{ attempt: 1, status_code: 200, error: null }] })
  t.type(log[0].attempts[0].duration_ms, 'number')
  t.equal(sellerRx.received.length, 2, 'each event once')
})

t.test('a failing receiver: retries with backoff, then success; every attempt logged; replay', async (t) => {
  const app = await feedTestApp(t, { webhook_attempts: 5 })
  const rx = await startReceiver(t, (n) => (n <= 2 ? 500 : 200))
  const hook = await register(app, ['service', 'marketplace'], rx.url)
  await startWorkers(t, app)
  await openClaim(app, await registerOrder(app))

  const [delivery] = await waitFor('success after retries', async () => {
    const items = await deliveries(app, ['service', 'marketplace'], hook.id)
    return items[0]?.status === 'succeeded' ? items : undefined
  })
  t.match(delivery, { status: 'succeeded', attempt_count: 3, last_status_code: 200 })
  t.same(
    delivery.attempts.map((a: any) => [a.attempt, a.status_code]),
    [
      [1, 500],
      [2, 500],
      [3, 200],
    ],
  )
  t.equal(delivery.attempts[0].error, 'HTTP 500 Internal Server Error', 'the status, not the body ("nope")')
  t.equal(rx.received.length, 3)
  t.equal(new Set(rx.received.map((r) => r.body)).size, 1, 'the same body every time')
  t.equal(rx.received[0]!.headers['claimdesk-delivery-id'], delivery.id)

  const pending = await app.call(['service', 'marketplace'], {
    method: 'POST',
    url: `/v1/webhooks/${hook.id}/deliveries/999999/replay`,
  })
  t.equal(pending.statusCode, 404)
  const replay = await app.call(['service', 'marketplace'], {
    method: 'POST',
    url: `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/replay`,
  })
  t.equal(replay.statusCode, 202, replay.body)
  t.match(replay.json(), { id: delivery.id, status: 'pending', replays: 1 })
  const replayed = await waitFor('replayed', async () => {
    const items = await deliveries(app, ['service', 'marketplace'], hook.id)
    return items[0]?.status === 'succeeded' ? items[0] : undefined
  })
  t.equal(replayed.attempt_count, 4)
  t.equal(rx.received.length, 4)
  t.equal(rx.received[3]!.body, rx.received[0]!.body, 'the same event again')
  t.equal(
    (
      await app.call(['seller', 'shop-1'], {
        method: 'POST',
        url: `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/replay`,
      })
    ).statusCode,
    404,
    'not the seller’s',
  )
})

t.test('a URL that keeps failing is disabled with its reason; later events are not sent', async (t) => {
  const app = await feedTestApp(t, { webhook_attempts: 2 })
  const rx = await startReceiver(t, () => 503)
  const hook = await register(app, ['service', 'marketplace'], rx.url)
  await startWorkers(t, app, { disableAfter: 2 })
  await openClaim(app, await registerOrder(app))
  await openClaim(app, await registerOrder(app))

  const disabled = await waitFor('disabled', async () => {
    const w = (await app.call(['service', 'marketplace'], { method: 'GET', url: `/v1/webhooks/${hook.id}` })).json()
    return w.status === 'disabled' ? w : undefined
  })
  t.match(disabled, { status: 'disabled', disabled_reason: '2 consecutive deliveries failed', disabled_at: /Z$/ })
  const items = await deliveries(app, ['service', 'marketplace'], hook.id)
  t.same(
    items.map((d) => d.status),
    ['failed', 'failed'],
  )
  t.same(
    items[0].attempts.map((a: any) => a.status_code),
    [503, 503],
    'webhook_attempts = 2 each',
  )
  const sent = rx.received.length
  t.equal(sent, 4)
  await openClaim(app, await registerOrder(app))
  await new Promise((r) => setTimeout(r, 500))
  t.equal(rx.received.length, sent, 'nothing more to a disabled webhook')
  const replay = await app.call(['service', 'marketplace'], {
    method: 'POST',
    url: `/v1/webhooks/${hook.id}/deliveries/${items[0].id}/replay`,
  })
  t.equal(replay.statusCode, 409)
  t.equal(replay.json().type, 'https://claimdesk.dev/problems/webhook-disabled')
})

t.test(
  'the SSRF check runs again at delivery: a loopback target registered while allowed is refused once not',
  async (t) => {
    const app = await feedTestApp(t, { webhook_attempts: 3 }, { allowPrivate: true })
    const rx = await startReceiver(t)
    const hook = await register(app, ['service', 'marketplace'], rx.url.replace('127.0.0.1', 'localhost'))
    await startWorkers(t, app, { allowPrivate: false })
    await openClaim(app, await registerOrder(app))
    const [d] = await waitFor('refused', async () => {
      const items = await deliveries(app, ['service', 'marketplace'], hook.id)
      return items[0]?.status === 'failed' ? items : undefined
    })
    t.match(d, {
      status: 'failed',
      attempt_count: 1,
      last_status_code: null,
      last_error: /refused: localhost is a loopback host/,
    })
    t.equal(rx.received.length, 0, 'no request was sent')
    const w = (await app.call(['service', 'marketplace'], { method: 'GET', url: `/v1/webhooks/${hook.id}` })).json()
    t.match(w, { status: 'disabled', disabled_reason: /refused at delivery/ })
  },
)

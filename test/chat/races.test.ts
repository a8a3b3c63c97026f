// Concurrent requests: one thread per order, one sanction per threshold crossing.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { registerOrder } from '../helpers/fixtures.js'
import { orderWithThread, send } from './fixtures/chat-app.js'

t.test('simultaneous starts of one order’s thread create it once', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app, { buyer: 'buyer-r', seller: 'shop-r' })
  const results = await Promise.all(
    Array.from({ length: 6 }, () =>
      app.call(['buyer', 'buyer-r'], { method: 'POST', url: '/v1/threads', payload: { order_id: order.id } }),
    ),
  )
  const codes = results.map((r) => r.statusCode).sort()
  t.same(codes, [200, 200, 200, 200, 200, 201])
  t.equal(new Set(results.map((r) => r.json().id)).size, 1)
})

t.test('simultaneous refused messages cross the threshold once', async (t) => {
  const app = await buildTestApp(t, { seller_chat_suspend_threshold: 3 })
  const { threadId } = await orderWithThread(app, { buyer: 'buyer-p', seller: 'shop-p' })
  const results = await Promise.all(
    Array.from({ length: 8 }, () => send(app, ['seller', 'shop-p'], threadId, 'Ты идиот')),
  )
  t.ok(
    results.every((r) => r.statusCode === 422 || r.statusCode === 403),
    'refused or suspended',
  )
  const refused = results.filter((r) => r.statusCode === 422).length
  t.equal(refused, 3, 'exactly the threshold of attempts got through to moderation before the suspension')
  const sanctions = await app.db.selectFrom('sanctions').selectAll().execute()
  t.equal(sanctions.length, 1)
  t.equal(sanctions[0]!.violation_count, 3)
})

t.test('the OpenAPI document describes the chat routes', async (t) => {
  const app = await buildTestApp(t)
  const doc = app.app.swagger() as { paths: Record<string, Record<string, unknown>> }
  for (const path of [
    '/v1/threads',
    '/v1/threads/{id}/messages',
    '/v1/moderation/check',
    '/v1/violations',
    '/v1/sanctions/{id}/lift',
    '/v1/abuse-reports',
  ]) {
    t.ok(doc.paths[path], `${path} documented`)
  }
  t.ok(doc.paths['/v1/threads/{id}/messages']!.post)
})

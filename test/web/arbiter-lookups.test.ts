// What the arbiters' case view needed from the API: the claim's thread by its order,
// and the abuse reports of one thread.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { orderWithThread, send } from '../chat/fixtures/chat-app.js'

t.test('an arbiter finds an order’s thread by order_id; parties only ever see their own', async (t) => {
  const app = await buildTestApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-w1', seller: 'shop-w1' })
  await orderWithThread(app, { buyer: 'buyer-w2', seller: 'shop-w2' })

  const byOrder = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: `/v1/threads?order_id=${order.id}` })
  t.equal(byOrder.statusCode, 200, byOrder.body)
  t.same(
    byOrder.json().items.map((th: { id: string }) => th.id),
    [threadId],
  )
  const none = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/threads?order_id=no-such-order' })
  t.same(none.json().items, [])

  const browse = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/threads' })
  t.equal(browse.statusCode, 403, 'arbiters do not browse every thread')

  const foreign = await app.call(['buyer', 'buyer-w2'], { method: 'GET', url: `/v1/threads?order_id=${order.id}` })
  t.same(foreign.json().items, [], 'another buyer’s order gives nothing')
  const own = await app.call(['seller', 'shop-w1'], { method: 'GET', url: `/v1/threads?order_id=${order.id}` })
  t.equal(own.json().items.length, 1)
})

t.test('abuse reports filter by thread', async (t) => {
  const app = await buildTestApp(t)
  const reported = async (buyer: string, seller: string) => {
    const { threadId } = await orderWithThread(app, { buyer, seller })
    const message = await send(app, ['buyer', buyer], threadId, 'Please answer me today.')
    const report = await app.call(['seller', seller], {
      method: 'POST',
      url: `/v1/threads/${threadId}/messages/${message.json().id}/report`,
      payload: { reason: 'pressure' },
    })
    t.equal(report.statusCode, 201, report.body)
    return { threadId, reportId: report.json().id as string }
  }
  const first = await reported('buyer-r1', 'shop-r1')
  await reported('buyer-r2', 'shop-r2')

  const all = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/abuse-reports' })
  t.equal(all.json().items.length, 2)
  const one = await app.call(['arbiter', 'arb-1'], {
    method: 'GET',
    url: `/v1/abuse-reports?thread_id=${first.threadId}`,
  })
  t.same(
    one.json().items.map((r: { id: string }) => r.id),
    [first.reportId],
  )
  const bad = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/abuse-reports?thread_id=nope' })
  t.equal(bad.statusCode, 400)
})

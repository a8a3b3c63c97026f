// Threads and messages: one thread per order, only its buyer starts it,
// sellers see a pseudonym, cursor pagination newest first and `after`.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { openClaim, registerOrder } from '../helpers/fixtures.js'
import { orderWithThread, PROBLEM, send } from './fixtures/chat-app.js'

t.test('one thread per order, started only by the order’s buyer', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app, { buyer: 'buyer-a', seller: 'shop-a' })

  const bySeller = await app.call(['seller', 'shop-a'], {
    method: 'POST',
    url: '/v1/threads',
    payload: { order_id: order.id },
  })
  t.equal(bySeller.statusCode, 403)
  t.equal(bySeller.json().type, `${PROBLEM}action-forbidden`)
  const byStranger = await app.call(['buyer', 'buyer-z'], {
    method: 'POST',
    url: '/v1/threads',
    payload: { order_id: order.id },
  })
  t.equal(byStranger.statusCode, 404, 'another buyer’s order is not found')
  const missing = await app.call(['buyer', 'buyer-a'], {
    method: 'POST',
    url: '/v1/threads',
    payload: { order_id: 'no-such-order' },
  })
  t.equal(missing.statusCode, 404)

  const first = await app.call(['buyer', 'buyer-a'], {
    method: 'POST',
    url: '/v1/threads',
    payload: { order_id: order.id },
  })
  t.equal(first.statusCode, 201, first.body)
  t.equal(first.json().order_id, order.id)
  t.same(first.json().buyer, { id: 'buyer-a' })
  const again = await app.call(['buyer', 'buyer-a'], {
    method: 'POST',
    url: '/v1/threads',
    payload: { order_id: order.id },
  })
  t.equal(again.statusCode, 200)
  t.equal(again.json().id, first.json().id, 'the existing thread comes back')
  const count = await app.db
    .selectFrom('threads')
    .select(app.db.fn.countAll<string>().as('n'))
    .where('order_id', '=', order.id)
    .executeTakeFirstOrThrow()
  t.equal(Number(count.n), 1)
})

t.test('the claim and the thread share the order: opening a claim reuses the started thread', async (t) => {
  const app = await buildTestApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-c', seller: 'shop-c' })
  await openClaim(app, order)
  const listed = await app.call(['seller', 'shop-c'], { method: 'GET', url: '/v1/threads?claims_only=true' })
  t.equal(listed.statusCode, 200)
  t.same(
    listed.json().items.map((x: { id: string }) => x.id),
    [threadId],
  )
  t.equal(listed.json().items[0].has_claim, true)
  const messages = await app.call(['buyer', 'buyer-c'], { method: 'GET', url: `/v1/threads/${threadId}/messages` })
  t.equal(messages.json().items[0].kind, 'claim_card', 'the claim card was posted into the same thread')
})

t.test('sellers see buyers under a pseudonym only; claims_only filters', async (t) => {
  const app = await buildTestApp(t)
  const plain = await orderWithThread(app, { buyer: 'buyer-secret-1', seller: 'shop-p' })
  const claimed = await orderWithThread(app, { buyer: 'buyer-secret-2', seller: 'shop-p' })
  await openClaim(app, claimed.order)
  const sent = await send(
    app,
    ['buyer', 'buyer-secret-1'],
    plain.threadId,
    'Здравствуйте, подскажите, чайник подходит для газовой плиты?',
  )
  t.equal(sent.statusCode, 201, sent.body)

  const all = await app.call(['seller', 'shop-p'], { method: 'GET', url: '/v1/threads' })
  t.equal(all.statusCode, 200)
  t.equal(all.json().items.length, 2)
  for (const item of all.json().items) t.match(item.buyer, { pseudonym: /^buyer-/ })
  t.notMatch(all.body, /buyer-secret/, 'no buyer id in the seller’s thread list')
  const onlyClaims = await app.call(['seller', 'shop-p'], { method: 'GET', url: '/v1/threads?claims_only=true' })
  t.same(
    onlyClaims.json().items.map((x: { id: string }) => x.id),
    [claimed.threadId],
  )

  const msgs = await app.call(['seller', 'shop-p'], { method: 'GET', url: `/v1/threads/${plain.threadId}/messages` })
  t.equal(msgs.statusCode, 200)
  t.equal(msgs.json().items[0].sender.role, 'buyer')
  t.equal(
    msgs.json().items[0].sender.pseudonym,
    all.json().items.find((x: { id: string }) => x.id === plain.threadId).buyer.pseudonym,
  )
  t.notMatch(msgs.body, /buyer-secret/, 'no buyer id in the seller’s messages')

  const buyerView = await app.call(['buyer', 'buyer-secret-1'], { method: 'GET', url: '/v1/threads' })
  t.same(
    buyerView.json().items.map((x: { id: string }) => x.id),
    [plain.threadId],
    'a buyer lists only their own threads',
  )
  const otherSeller = await app.call(['seller', 'shop-other'], { method: 'GET', url: '/v1/threads' })
  t.same(otherSeller.json().items, [])
})

t.test('messages page newest first and `after` returns what is new, oldest first', async (t) => {
  const app = await buildTestApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-m', seller: 'shop-m' })
  const texts = [
    'Первое сообщение о заказе',
    'Второе сообщение о заказе',
    'Третье сообщение о заказе',
    'Четвёртое сообщение о заказе',
    'Пятое сообщение о заказе',
  ]
  const ids: string[] = []
  for (const [i, text] of texts.entries()) {
    const res = await send(app, i % 2 === 0 ? ['buyer', order.buyer] : ['seller', order.seller], threadId, text)
    t.equal(res.statusCode, 201, res.body)
    ids.push(res.json().id)
  }
  const page1 = await app.call(['buyer', order.buyer], {
    method: 'GET',
    url: `/v1/threads/${threadId}/messages?limit=2`,
  })
  t.same(
    page1.json().items.map((m: { text: string }) => m.text),
    [texts[4], texts[3]],
  )
  t.type(page1.json().next_cursor, 'string')
  const page2 = await app.call(['buyer', order.buyer], {
    method: 'GET',
    url: `/v1/threads/${threadId}/messages?limit=2&cursor=${page1.json().next_cursor}`,
  })
  t.same(
    page2.json().items.map((m: { text: string }) => m.text),
    [texts[2], texts[1]],
  )
  const page3 = await app.call(['buyer', order.buyer], {
    method: 'GET',
    url: `/v1/threads/${threadId}/messages?limit=2&cursor=${page2.json().next_cursor}`,
  })
  t.same(
    page3.json().items.map((m: { text: string }) => m.text),
    [texts[0]],
  )
  t.equal(page3.json().next_cursor, null)

  const newer = await app.call(['seller', order.seller], {
    method: 'GET',
    url: `/v1/threads/${threadId}/messages?after=${ids[1]}`,
  })
  t.equal(newer.statusCode, 200)
  t.same(
    newer.json().items.map((m: { text: string }) => m.text),
    [texts[2], texts[3], texts[4]],
    'oldest first after the given id',
  )
  const newerPaged = await app.call(['seller', order.seller], {
    method: 'GET',
    url: `/v1/threads/${threadId}/messages?after=${ids[0]}&limit=2`,
  })
  t.same(
    newerPaged.json().items.map((m: { text: string }) => m.text),
    [texts[1], texts[2]],
  )
  const rest = await app.call(['seller', order.seller], {
    method: 'GET',
    url: `/v1/threads/${threadId}/messages?after=${newerPaged.json().next_cursor}`,
  })
  t.same(
    rest.json().items.map((m: { text: string }) => m.text),
    [texts[3], texts[4]],
    'after also takes a cursor',
  )
  const none = await app.call(['seller', order.seller], {
    method: 'GET',
    url: `/v1/threads/${threadId}/messages?after=${ids[4]}`,
  })
  t.same(none.json().items, [])

  const bad = await app.call(['buyer', order.buyer], {
    method: 'GET',
    url: `/v1/threads/${threadId}/messages?cursor=not-a-cursor`,
  })
  t.equal(bad.statusCode, 422)
})

t.test('who may read and write a thread', async (t) => {
  const app = await buildTestApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-w', seller: 'shop-w' })
  const hello = await send(app, ['buyer', order.buyer], threadId, 'Здравствуйте, когда будет отправка?')
  t.equal(hello.statusCode, 201)

  t.equal(
    (await send(app, ['buyer', 'buyer-x'], threadId, 'Чужой покупатель пишет сюда')).statusCode,
    404,
    'foreign buyer',
  )
  t.equal(
    (await send(app, ['seller', 'shop-x'], threadId, 'Чужой продавец пишет сюда')).statusCode,
    404,
    'foreign seller',
  )
  t.equal(
    (await app.call(['seller', 'shop-x'], { method: 'GET', url: `/v1/threads/${threadId}/messages` })).statusCode,
    404,
  )
  t.equal((await app.call(['buyer', 'buyer-x'], { method: 'GET', url: `/v1/threads/${threadId}` })).statusCode, 404)

  const arbiterRead = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: `/v1/threads/${threadId}/messages` })
  t.equal(arbiterRead.statusCode, 200)
  t.equal(arbiterRead.json().items[0].sender.id, 'buyer-w', 'arbiters see who wrote')
  const arbiterWrite = await send(app, ['arbiter', 'arb-1'], threadId, 'Арбитр пишет в чат')
  t.equal(arbiterWrite.statusCode, 403)

  t.equal((await send(app, ['buyer', order.buyer], threadId, '')).statusCode, 400, 'empty text')
  t.equal((await send(app, ['buyer', order.buyer], threadId, '   ')).statusCode, 400, 'blank text')
  t.equal((await send(app, ['buyer', order.buyer], threadId, 'а'.repeat(1001))).statusCode, 400, 'over 1000 characters')
  t.equal(
    (await send(app, ['buyer', order.buyer], threadId, 'Добрый день! ' + 'о'.repeat(987))).statusCode,
    201,
    '1000 characters',
  )
  const unknown = await app.call(['buyer', order.buyer], {
    method: 'POST',
    url: '/v1/threads/00000000-0000-4000-8000-000000000000/messages',
    payload: { text: 'Есть кто?' },
  })
  t.equal(unknown.statusCode, 404)
})

t.test('a clean text is written in one statement with the same checks and claim link as the full path', async (t) => {
  const app = await buildTestApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-one', seller: 'shop-one' })
  const text = 'Добрый день! Подскажите, пожалуйста, есть ли этот чайник в белом цвете?'

  const presale = await send(app, ['buyer', 'buyer-one'], threadId, text)
  t.equal(presale.statusCode, 201, presale.body)
  t.equal(presale.json().claim_id, null, 'a pre-sale question belongs to no claim')
  t.same(presale.json().sender, { role: 'buyer', id: 'buyer-one' })

  const claim = await openClaim(app, order)
  const inClaim = await send(
    app,
    ['seller', 'shop-one'],
    threadId,
    'Здравствуйте! Пришлите, пожалуйста, фото этикетки с обратной стороны.',
  )
  t.equal(inClaim.statusCode, 201, inClaim.body)
  t.equal(inClaim.json().claim_id, claim.id, 'a message in a claim thread belongs to the open claim')
  t.match(inClaim.json().sender, { role: 'seller', id: 'shop-one' })
  const asSeller = await app.call(['seller', 'shop-one'], {
    method: 'GET',
    url: `/v1/threads/${threadId}/messages?limit=10`,
  })
  const question = asSeller.json().items.find((m: { id: string }) => m.id === presale.json().id)
  t.match(question.sender, { role: 'buyer', pseudonym: /^buyer-/ }, 'the seller sees the buyer’s pseudonym')

  const thread = await app.db
    .selectFrom('threads')
    .select('last_message_at')
    .where('id', '=', threadId)
    .executeTakeFirstOrThrow()
  t.equal(thread.last_message_at.toISOString(), inClaim.json().created_at, 'the thread is bumped to the new message')

  // Every refusal of the full path still applies: a stranger, the other role of another order, an arbiter.
  const before = await app.db
    .selectFrom('messages')
    .select(app.db.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  t.equal((await send(app, ['buyer', 'buyer-other'], threadId, text)).statusCode, 404)
  t.equal((await send(app, ['seller', 'shop-other'], threadId, text)).statusCode, 404)
  t.equal((await send(app, ['arbiter', 'arb-1'], threadId, text)).statusCode, 403)
  t.equal((await send(app, ['buyer', 'buyer-one'], '00000000-0000-4000-8000-000000000000', text)).statusCode, 404)
  const after = await app.db
    .selectFrom('messages')
    .select(app.db.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  t.equal(after.n, before.n, 'no refused message was written')
})

// Photos on chat messages (docs/moderation.md, docs/photos.md): multipart messages through the
// claims' photo pipeline, all or nothing with the message; listed in message
// views, served to the thread's parties and arbiters only; in a claim thread
// they are evidence for the open claim (reuse-checked, not counted against
// photos_per_claim_max), in a pre-sale thread they belong to the message only.
import t from 'tap'
import sharp from 'sharp'
import { sql } from 'kysely'
import { jpegWithGps, photoJpeg } from '../photos/fixtures/images.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'
import type { TestApp } from '../helpers/app.js'
import {
  jpeg640View,
  multipart,
  P,
  photoApp,
  postClaim,
  storedFiles,
  type FilePart,
  type PhotoTestApp,
} from '../photos-http/helpers.js'
import { orderWithThread, send } from './fixtures/chat-app.js'
import { readPage } from '../feed/helpers/app.js'

/** POST a multipart message: `text` as a field unless undefined, the photos as file parts. */
function postPhotos(
  app: TestApp,
  as: ['buyer' | 'seller', string],
  threadId: string,
  text: string | undefined,
  photos: (Buffer | FilePart)[],
  headers: Record<string, string> = {},
) {
  const body = multipart(
    text === undefined ? {} : { text },
    photos.map((p) => (Buffer.isBuffer(p) ? { data: p } : p)),
  )
  return app.call(as, {
    method: 'POST',
    url: `/v1/threads/${threadId}/messages`,
    payload: body.payload,
    headers: { ...body.headers, ...headers },
  })
}

async function counts(app: TestApp) {
  const one = async (table: 'messages' | 'photos' | 'photo_reuse' | 'blocked_messages') =>
    Number(
      (
        await app.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return {
    messages: await one('messages'),
    photos: await one('photos'),
    photo_reuse: await one('photo_reuse'),
    blocked: await one('blocked_messages'),
  }
}

/** Stored variant files (the local storage's .type sidecars left out). */
const variantFiles = async (app: PhotoTestApp) =>
  (await storedFiles(app.storageDir)).filter((f) => !f.endsWith('.type'))

t.test(
  'photos in a claim thread: listed, served to both parties and arbiters, claim evidence without GPS',
  async (t) => {
    const app = await photoApp(t, { photos_per_claim_max: 1 })
    const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-mp1', seller: 'shop-mp1' })
    const claim = await openClaim(app, order)

    const withGps = await jpegWithGps(71, { Make: 'ChatCam', Model: 'Z9' })
    const sent = await sharp(withGps).metadata()
    t.ok(sent.exif?.includes('ChatCam') && withGps.includes('Exif\0\0'), 'fixture: an EXIF segment')
    t.ok(
      sent.exif?.includes(Buffer.from([0x88, 0x25])) || sent.exif?.includes(Buffer.from([0x25, 0x88])),
      'fixture: with a GPS IFD',
    )
    const res = await postPhotos(app, ['buyer', order.buyer], threadId, 'Вот фото шва, где течёт.', [
      withGps,
      await photoJpeg(800, 600, 72),
    ])
    t.equal(res.statusCode, 201, res.body)
    const message = res.json()
    t.equal(message.text, 'Вот фото шва, где течёт.')
    t.equal(message.claim_id, claim.id)
    t.equal(message.photos.length, 2)
    const [first, second] = message.photos
    t.match(first, jpeg640View(first.id, 'buyer'))
    t.match(second.variants.full, { width: 800, height: 600 })
    t.equal((await variantFiles(app)).length, 6, 'three variants per photo stored')

    const rows = await app.db.selectFrom('photos').selectAll().orderBy('position').execute()
    t.same(
      rows.map((r) => ({ id: r.id, claim_id: r.claim_id, message_id: r.message_id, uploader_id: r.uploader_id })),
      [first, second].map((p) => ({ id: p.id, claim_id: claim.id, message_id: message.id, uploader_id: order.buyer })),
      'rows name the open claim and the message',
    )

    // Message views list the photos, for both parties (the seller without the buyer's id) and arbiters.
    for (const who of [
      ['buyer', order.buyer],
      ['seller', order.seller],
      ['arbiter', 'arb-1'],
    ] as const) {
      const listed = await app.call([who[0], who[1]], { method: 'GET', url: `/v1/threads/${threadId}/messages` })
      t.equal(listed.statusCode, 200)
      const items = listed.json().items
      t.same(
        items.find((m: { id: string }) => m.id === message.id)?.photos,
        message.photos,
        `${who[0]} sees the message's photos`,
      )
      t.same(items.find((m: { kind: string }) => m.kind === 'claim_card')?.photos, [], 'other messages list no photos')
      if (who[0] === 'seller') t.notMatch(listed.body, order.buyer, 'no buyer id for the seller')
    }

    // The feed's chat.message event names the photos (the trigger runs at commit, after the photo rows).
    const feed = await readPage(app, ['service', 'marketplace'], '/v1/events?types=chat.message')
    t.equal(feed.statusCode, 200)
    const event = feed
      .json()
      .items.find((e: { data: { message_id: string } }) => e.data.message_id === String(message.id))
    t.same(
      event?.data.photos,
      message.photos.map(
        (p: {
          id: string
          mime: string
          variants: Record<string, { url: string; width: number; height: number }>
        }) => ({
          id: p.id,
          mime: p.mime,
          variants: Object.fromEntries(
            Object.entries(p.variants).map(([v, x]) => [v, { url: x.url, width: x.width, height: x.height }]),
          ),
        }),
      ),
      'the feed event lists the photos in order, with their URLs and sizes',
    )
    const plain = await send(
      app,
      ['seller', order.seller],
      threadId,
      'Спасибо, фото получили, передаём мастеру на проверку.',
    )
    const events = (await readPage(app, ['service', 'marketplace'], '/v1/events?types=chat.message')).json().items
    t.same(
      events.find((e: { data: { message_id: string } }) => e.data.message_id === String(plain.json().id))?.data.photos,
      [],
      'a text-only message: no photos',
    )

    // Served to the parties and arbiters, without GPS; 404 to another buyer or seller.
    for (const who of [
      ['buyer', order.buyer],
      ['seller', order.seller],
      ['arbiter', 'arb-1'],
    ] as const) {
      const served = await app.call([who[0], who[1]], { method: 'GET', url: first.variants.full.url })
      t.equal(served.statusCode, 200, `${who[0]}: 200`)
      t.equal(served.headers['content-type'], 'image/jpeg')
      const meta = await sharp(served.rawPayload).metadata()
      t.equal(meta.exif, undefined, `${who[0]}: no EXIF (so no GPS) in what is served`)
      t.notOk(served.rawPayload.includes('ChatCam'), 'no camera strings either')
      t.notOk(served.rawPayload.includes('Exif\0\0'), 'no EXIF segment (where GPS lives) at all')
    }
    for (const who of [
      ['buyer', 'buyer-stranger'],
      ['seller', 'shop-stranger'],
    ] as const) {
      const denied = await app.call([who[0], who[1]], { method: 'GET', url: second.variants.thumb.url })
      t.equal(denied.statusCode, 404, `${who.join(' ')}: 404`)
      t.equal(denied.json().type, P + 'not-found')
    }

    // The claim view lists them as chat evidence, marked so clients can tell.
    const claimView = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: `/v1/claims/${claim.id}` })
    t.same(
      claimView
        .json()
        .photos.map((p: { id: string; source: string; message_id: string | null }) => [p.id, p.source, p.message_id]),
      [
        [first.id, 'message', message.id],
        [second.id, 'message', message.id],
      ],
    )

    // Chat photos do not use up the claim's own cap (photos_per_claim_max: 1 here).
    t.equal(
      (
        await act(app, ['seller', order.seller], claim.id, {
          action: 'request_info',
          comment: 'Please photograph the label as well.',
        })
      ).statusCode,
      200,
    )
    const info = multipart({ action: 'provide_info', text: 'The label.' }, [{ data: await photoJpeg(300, 400, 73) }])
    const given = await app.call(['buyer', order.buyer], {
      method: 'POST',
      url: `/v1/claims/${claim.id}/actions`,
      payload: info.payload,
      headers: info.headers,
    })
    t.equal(given.statusCode, 200, given.body)
    t.same(
      given.json().photos.map((p: { source: string }) => p.source),
      ['message', 'message', 'claim'],
    )
  },
)

t.test('a photo-only message in a pre-sale thread: no claim, no reuse check, the thread’s parties only', async (t) => {
  const app = await photoApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-mp2', seller: 'shop-mp2' })
  const picture = await photoJpeg(500, 400, 81)
  // The same picture is already evidence in another buyer's claim.
  const elsewhere = await registerOrder(app, { buyer: 'buyer-mp2b', seller: 'shop-mp2b' })
  t.equal((await postClaim(app, elsewhere, [picture])).statusCode, 201)

  const res = await postPhotos(app, ['buyer', order.buyer], threadId, undefined, [picture])
  t.equal(res.statusCode, 201, res.body)
  const message = res.json()
  t.equal(message.text, '', 'no text')
  t.equal(message.claim_id, null)
  t.equal(message.photos.length, 1)
  const row = await app.db
    .selectFrom('photos')
    .selectAll()
    .where('id', '=', message.photos[0].id)
    .executeTakeFirstOrThrow()
  t.match(row, { claim_id: null, message_id: message.id })
  t.equal((await counts(app)).photo_reuse, 0, 'pre-sale photos are not checked for reuse')

  const blank = await postPhotos(app, ['seller', order.seller], threadId, '   ', [await photoJpeg(320, 240, 82)])
  t.equal(blank.statusCode, 201, blank.body)
  t.equal(blank.json().text, '', 'a blank caption beside a photo is no text')
  t.equal(blank.json().photos[0].uploaded_by, 'seller')

  const url = message.photos[0].variants.preview.url
  for (const who of [
    ['buyer', order.buyer],
    ['seller', order.seller],
    ['arbiter', 'arb-1'],
  ] as const) {
    t.equal((await app.call([who[0], who[1]], { method: 'GET', url })).statusCode, 200, `${who[0]}: 200`)
  }
  for (const who of [
    ['buyer', elsewhere.buyer],
    ['seller', elsewhere.seller],
  ] as const) {
    t.equal((await app.call([who[0], who[1]], { method: 'GET', url })).statusCode, 404, `${who.join(' ')}: 404`)
  }
  const listed = await app.call(['seller', order.seller], { method: 'GET', url: `/v1/threads/${threadId}/messages` })
  t.same(
    listed.json().items.map((m: { photos: unknown[] }) => m.photos.length),
    [1, 1],
    'both messages list their photo',
  )

  // A deleted message takes its photo rows with it (nothing in the API deletes messages; data erasure might).
  await app.db.deleteFrom('messages').where('id', '=', message.id).execute()
  t.same(await app.db.selectFrom('photos').select('id').where('id', '=', message.photos[0].id).execute(), [])
})

t.test('a chat photo in a claim thread is checked for reuse against other claims', async (t) => {
  const app = await photoApp(t)
  const picture = await photoJpeg(600, 450, 91)
  const elsewhere = await registerOrder(app, { buyer: 'buyer-mp3b', seller: 'shop-mp3b' })
  const earlier = (await postClaim(app, elsewhere, [picture])).json()
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-mp3', seller: 'shop-mp3' })
  const claim = await openClaim(app, order)
  const res = await postPhotos(app, ['buyer', order.buyer], threadId, 'Фото дефекта', [picture])
  t.equal(res.statusCode, 201, res.body)
  const arbiter = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: `/v1/claims/${claim.id}` })
  t.same(arbiter.json().photo_reuse, [
    { photo_id: res.json().photos[0].id, other_claim_ids: [earlier.id], distance: 0 },
  ])
})

t.test(
  'refusals leave nothing: too many photos, a bad file among good ones, a blocked text, a failed transaction',
  async (t) => {
    const app = await photoApp(t, { photos_per_message_max: 2 })
    const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-mp4', seller: 'shop-mp4' })
    await openClaim(app, order)
    const good = await photoJpeg(400, 300, 101)
    const before = await counts(app)
    t.equal(before.messages, 1, 'fixture: the claim card')

    const tooMany = await postPhotos(app, ['buyer', order.buyer], threadId, 'Три фото', [good, good, good])
    t.equal(tooMany.statusCode, 422, tooMany.body)
    t.match(tooMany.json(), { type: P + 'too-many-photos', photos_max: 2 })
    t.same(await counts(app), before, 'too many: no message, no photo row')
    t.same(await storedFiles(app.storageDir), [], 'too many: no file')

    const corrupt = await postPhotos(app, ['buyer', order.buyer], threadId, 'Фото', [good, good.subarray(0, 3000)])
    t.equal(corrupt.statusCode, 422, corrupt.body)
    t.equal(corrupt.json().type, P + 'photo-corrupt')
    t.equal(corrupt.json().photo_index, 1)
    t.same(await counts(app), before, 'a bad file: no message, no photo row')
    t.same(await storedFiles(app.storageDir), [], 'a bad file: no file')

    const renamed = await postPhotos(app, ['buyer', order.buyer], threadId, 'Фото', [
      good,
      { data: Buffer.from('not a picture\n'), filename: 'x.jpg' },
    ])
    t.equal(renamed.statusCode, 415, renamed.body)
    t.same(await storedFiles(app.storageDir), [], 'a renamed text file: no file')

    const phoneRequest = 'Здравствуйте! Скиньте ваш номер телефона, я перезвоню'
    const blocked = await postPhotos(app, ['seller', order.seller], threadId, phoneRequest, [good])
    t.equal(blocked.statusCode, 422, blocked.body)
    t.equal(blocked.json().type, P + 'message-blocked')
    t.match(blocked.json().violations[0], { rule: 'personal_data_request' })
    t.same(
      await counts(app),
      { ...before, blocked: before.blocked + 1 },
      'blocked: no message, no photo row, the attempt kept',
    )
    t.same(await storedFiles(app.storageDir), [], 'blocked: no file')
    const kept = await app.call(['arbiter', 'arb-1'], {
      method: 'GET',
      url: `/v1/moderation/blocked?thread_id=${threadId}`,
    })
    t.equal(kept.json().items[0].text, phoneRequest, 'arbiters read the refused attempt')
    const ledger = await app.db.selectFrom('violations').select(['party_id', 'rule']).execute()
    t.same(ledger, [{ party_id: order.seller, rule: 'personal_data_request' }], 'the violation is in the ledger')

    // The transaction fails after the photos were stored: they are deleted again.
    await sql`create function refuse_test_photo() returns trigger language plpgsql as $$
    begin raise exception 'refused by the test'; end $$`.execute(app.db)
    await sql`create trigger refuse_test_photo before insert on photos for each row execute function refuse_test_photo()`.execute(
      app.db,
    )
    const failed = await postPhotos(app, ['buyer', order.buyer], threadId, 'Фото', [good])
    t.equal(failed.statusCode, 500, failed.body)
    t.same(await counts(app), { ...before, blocked: before.blocked + 1 }, 'failed: no message, no photo row')
    t.same(await storedFiles(app.storageDir), [], 'failed: the stored files were deleted again')
    await sql`drop trigger refuse_test_photo on photos`.execute(app.db)

    const ok = await postPhotos(app, ['buyer', order.buyer], threadId, 'Два фото', [
      good,
      await photoJpeg(300, 300, 102),
    ])
    t.equal(ok.statusCode, 201, 'the cap itself is allowed')
    t.equal((await variantFiles(app)).length, 6)
  },
)

t.test('a message needs text or a photo; JSON messages are unchanged', async (t) => {
  const app = await photoApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-mp5', seller: 'shop-mp5' })
  const json = await send(app, ['buyer', order.buyer], threadId, 'Подскажите, есть ли гарантия?')
  t.equal(json.statusCode, 201, json.body)
  t.match(json.json(), { kind: 'text', text: 'Подскажите, есть ли гарантия?', photos: [] })
  t.equal((await send(app, ['buyer', order.buyer], threadId, '')).statusCode, 400, 'JSON: empty text')
  t.equal((await send(app, ['buyer', order.buyer], threadId, '  ')).statusCode, 400, 'JSON: blank text')
  const inJson = await app.call(['buyer', order.buyer], {
    method: 'POST',
    url: `/v1/threads/${threadId}/messages`,
    payload: { text: 'Фото', photos: ['x'] },
  })
  t.equal(inJson.statusCode, 422, 'a JSON body cannot carry photos')
  t.equal(inJson.json().type, P + 'photo-not-a-file')

  const empty = await postPhotos(app, ['buyer', order.buyer], threadId, undefined, [])
  t.equal(empty.statusCode, 400, 'multipart with neither text nor photos')
  t.equal(empty.json().type, P + 'invalid-request')
  const blank = await postPhotos(app, ['buyer', order.buyer], threadId, '  ', [])
  t.equal(blank.statusCode, 400, 'multipart with a blank text and no photo')
  const textOnly = await postPhotos(app, ['buyer', order.buyer], threadId, 'Текст без фото', [])
  t.equal(textOnly.statusCode, 201, 'multipart with text only')
  t.same(textOnly.json().photos, [])
  const long = await postPhotos(app, ['buyer', order.buyer], threadId, 'о'.repeat(1001), [
    await photoJpeg(200, 200, 111),
  ])
  t.equal(long.statusCode, 400, 'a caption over 1000 characters')
  t.same(await storedFiles(app.storageDir), [])
  t.equal((await counts(app)).messages, 2)
})

t.test('Idempotency-Key covers a multipart message’s photos', async (t) => {
  const app = await photoApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-mp6', seller: 'shop-mp6' })
  const picture = await photoJpeg(320, 240, 121)
  const first = await postPhotos(app, ['buyer', order.buyer], threadId, 'Фото', [picture], {
    'idempotency-key': 'msg-photo-1',
  })
  t.equal(first.statusCode, 201, first.body)
  const replay = await postPhotos(app, ['buyer', order.buyer], threadId, 'Фото', [picture], {
    'idempotency-key': 'msg-photo-1',
  })
  t.equal(replay.statusCode, 201)
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.equal(replay.body, first.body)
  const other = await postPhotos(app, ['buyer', order.buyer], threadId, 'Фото', [await photoJpeg(320, 240, 122)], {
    'idempotency-key': 'msg-photo-1',
  })
  t.equal(other.statusCode, 422)
  t.equal(other.json().type, P + 'idempotency-key-reused')
  t.same(await counts(app), { messages: 1, photos: 1, photo_reuse: 0, blocked: 0 })
  t.equal((await variantFiles(app)).length, 3)
})

t.test('the OpenAPI document lists JSON and multipart on POST /v1/threads/{id}/messages', async (t) => {
  const app = await photoApp(t)
  const res = await app.app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(res.statusCode, 200)
  const content = res.json().paths['/v1/threads/{id}/messages'].post.requestBody.content
  t.ok(content['application/json'], 'JSON')
  t.ok(content['multipart/form-data'], 'multipart')
})

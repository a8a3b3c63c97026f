// Claims opened with photos over multipart, the photo lists in claim views,
// serving the variants (access, content type, ETag, 304) and provide_info.
import t from 'tap'
import sharp from 'sharp'
import { jpegWithGps, photoJpeg } from '../photos/fixtures/images.js'
import { act, registerOrder } from '../helpers/fixtures.js'
import { jpeg640View, multipart, P, photoApp, postClaim, rowCounts, storedFiles } from './helpers.js'

t.test('a defect claim opens with two photos; they are listed, served without GPS, to the parties only', async (t) => {
  const app = await photoApp(t)
  const order = await registerOrder(app, { buyer: 'buyer-p1', seller: 'shop-p1' })
  const withGps = await jpegWithGps(7, { Make: 'EvidenceCam', Model: 'X1' })
  t.ok((await sharp(withGps).metadata()).exif?.includes('EvidenceCam'), 'fixture: EXIF with GPS present')
  const other = await photoJpeg(800, 600, 3)

  const res = await postClaim(app, order, [withGps, other])
  t.equal(res.statusCode, 201, res.body)
  const claim = res.json()
  t.equal(claim.reason, 'defect')
  t.equal(claim.photos.length, 2)
  t.notOk('photo_reuse' in claim, 'the buyer never sees reuse flags')
  const [first, second] = claim.photos
  t.match(first, jpeg640View(first.id, 'buyer'))
  t.match(second.variants.full, { width: 800, height: 600 })
  t.equal(
    (await storedFiles(app.storageDir)).filter((f) => !f.endsWith('.type')).length,
    6,
    'three variants per photo stored',
  )
  t.same(await rowCounts(app), { claims: 1, photos: 2, photo_reuse: 0 })
  const row = await app.db.selectFrom('photos').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow()
  t.match(row, {
    claim_id: claim.id,
    message_id: null,
    uploader_role: 'buyer',
    uploader_id: order.buyer,
    format: 'jpeg',
    source_format: 'jpeg',
  })
  t.match(row.sha256, /^[0-9a-f]{64}$/)
  t.match(row.phash, /^[0-9a-f]{16}$/)
  t.equal(row.phash_keys.length, 4)
  t.ok(row.full_key.includes(first.id), 'stored under the photo id, not the content hash')

  // Served back: right type, no metadata at all, cache headers.
  const full = await app.call(['buyer', order.buyer], { method: 'GET', url: first.variants.full.url })
  t.equal(full.statusCode, 200)
  t.equal(full.headers['content-type'], 'image/jpeg')
  t.equal(full.headers['etag'], `"${row.sha256}-full"`)
  t.match(full.headers['cache-control'], /^private, max-age=\d+/)
  t.equal(full.headers['x-content-type-options'], 'nosniff')
  t.equal(Number(full.headers['content-length']), first.variants.full.bytes)
  const bytes = full.rawPayload
  t.equal(bytes.length, first.variants.full.bytes)
  const meta = await sharp(bytes).metadata()
  t.equal(meta.exif, undefined, 'no EXIF (so no GPS) in what is served')
  t.notOk(bytes.includes('EvidenceCam'), 'no camera strings either')
  t.notOk(bytes.includes(Buffer.from([0x88, 0x25])) || bytes.includes(Buffer.from([0x25, 0x88])), 'no GPS IFD tag')
  t.match(meta, { format: 'jpeg', width: 640, height: 480 })

  const thumb = await app.call(['seller', order.seller], { method: 'GET', url: first.variants.thumb.url })
  t.equal(thumb.statusCode, 200, 'the seller of the claim may see it')
  t.match(await sharp(thumb.rawPayload).metadata(), { width: 256, height: 192 })
  t.not(thumb.headers.etag, full.headers.etag, 'each variant has its own tag')

  // 304 on a matching If-None-Match (also in a list, also weak), 200 on another tag.
  for (const inm of [full.headers.etag as string, `"nope", ${full.headers.etag}`, `W/${full.headers.etag}`, '*']) {
    const again = await app.call(['buyer', order.buyer], {
      method: 'GET',
      url: first.variants.full.url,
      headers: { 'if-none-match': inm },
    })
    t.equal(again.statusCode, 304, `If-None-Match: ${inm}`)
    t.equal(again.rawPayload.length, 0)
    t.equal(again.headers.etag, full.headers.etag)
    t.match(again.headers['cache-control'], /^private/)
  }
  const stale = await app.call(['buyer', order.buyer], {
    method: 'GET',
    url: first.variants.full.url,
    headers: { 'if-none-match': '"other"' },
  })
  t.equal(stale.statusCode, 200)

  // Everyone else: 404, the same as a photo that does not exist (and no 304 either).
  for (const who of [
    ['buyer', 'buyer-stranger'],
    ['seller', 'shop-stranger'],
  ] as const) {
    const denied = await app.call([who[0], who[1]], {
      method: 'GET',
      url: first.variants.full.url,
      headers: { 'if-none-match': full.headers.etag as string },
    })
    t.equal(denied.statusCode, 404, `${who.join(' ')}: 404`)
    t.equal(denied.json().type, P + 'not-found')
  }
  t.equal(
    (await app.call(['arbiter', 'arb-1'], { method: 'GET', url: first.variants.preview.url })).statusCode,
    200,
    'arbiters see every claim',
  )
  t.equal((await app.call(null, { method: 'GET', url: first.variants.preview.url })).statusCode, 401)
  const missing = await app.call(['arbiter', 'arb-1'], {
    method: 'GET',
    url: `/v1/photos/00000000-0000-4000-8000-000000000000/full`,
  })
  t.equal(missing.statusCode, 404)
  const badVariant = await app.call(['buyer', order.buyer], { method: 'GET', url: `/v1/photos/${first.id}/original` })
  t.equal(badVariant.statusCode, 400)
  t.equal(badVariant.json().type, P + 'invalid-request')

  // Claim reads list the photos too; the seller's view carries no buyer id.
  const seen = await app.call(['seller', order.seller], { method: 'GET', url: `/v1/claims/${claim.id}` })
  t.same(seen.json().photos, claim.photos)
  t.notMatch(seen.body, order.buyer)
  const listed = await app.call(['buyer', order.buyer], { method: 'GET', url: '/v1/claims' })
  t.same(
    listed.json().items[0].photos.map((p: { id: string }) => p.id),
    [first.id, second.id],
  )
})

t.test('defect and damaged_in_transit claims need defect_photos_min photos, JSON or multipart', async (t) => {
  const app = await photoApp(t, { defect_photos_min: 2 })
  const order = await registerOrder(app)
  const json = {
    order_id: order.id,
    line_id: 'l1',
    reason: 'defect',
    description: 'Leaks.',
    requested_resolution: 'refund',
  }
  const refused = await app.call(['buyer', order.buyer], { method: 'POST', url: '/v1/claims', payload: json })
  t.equal(refused.statusCode, 422)
  t.match(refused.json(), { type: P + 'photos-required', photos_min: 2, reason: 'defect' })

  const one = await postClaim(app, order, [await photoJpeg(320, 240, 1)], { reason: 'damaged_in_transit' })
  t.equal(one.statusCode, 422)
  t.equal(one.json().type, P + 'photos-required')
  t.same(await rowCounts(app), { claims: 0, photos: 0, photo_reuse: 0 })
  t.same(await storedFiles(app.storageDir), [])

  const jsonInJson = await app.call(['buyer', order.buyer], {
    method: 'POST',
    url: '/v1/claims',
    payload: { ...json, reason: 'wrong_item', photos: [] },
  })
  t.equal(jsonInJson.statusCode, 422, 'a JSON body cannot carry photos')
  t.equal(jsonInJson.json().type, P + 'photo-not-a-file')

  const other = await app.call(['buyer', order.buyer], {
    method: 'POST',
    url: '/v1/claims',
    payload: { ...json, reason: 'wrong_item' },
  })
  t.equal(other.statusCode, 201, 'other reasons need no photos')
  t.same(other.json().photos, [])
})

t.test('multipart fields are validated like JSON: unknown fields, bad values, and non-buyers', async (t) => {
  const app = await photoApp(t)
  const order = await registerOrder(app)
  const jpeg = await photoJpeg(320, 240, 2)
  const unknown = await postClaim(app, order, [jpeg], { colour: 'red' })
  t.equal(unknown.statusCode, 400)
  t.equal(unknown.json().type, P + 'invalid-request')
  const badReason = await postClaim(app, order, [jpeg], { reason: 'bored' })
  t.equal(badReason.statusCode, 400)
  t.equal(badReason.json().type, P + 'invalid-request')
  const body = multipart(
    { order_id: order.id, line_id: 'l1', reason: 'defect', description: 'x', requested_resolution: 'refund' },
    [{ data: jpeg }],
  )
  const seller = await app.call(['seller', order.seller], {
    method: 'POST',
    url: '/v1/claims',
    payload: body.payload,
    headers: body.headers,
  })
  t.equal(seller.statusCode, 403)
  t.same(await rowCounts(app), { claims: 0, photos: 0, photo_reuse: 0 })
  t.same(await storedFiles(app.storageDir), [])
})

t.test('provide_info takes photos over multipart; other actions do not; the claim total is capped', async (t) => {
  const app = await photoApp(t, { photos_per_claim_max: 3 })
  const order = await registerOrder(app)
  const opened = await postClaim(app, order, [await photoJpeg(320, 240, 11)])
  t.equal(opened.statusCode, 201, opened.body)
  const claim = opened.json()
  const asked = await act(app, ['seller', order.seller], claim.id, {
    action: 'request_info',
    comment: 'Please photograph the seam and the label.',
  })
  t.equal(asked.statusCode, 200, asked.body)

  const form = (fields: Record<string, string | number>, photos: Buffer[]) => {
    const body = multipart(
      fields,
      photos.map((data) => ({ data })),
    )
    return app.call(['buyer', order.buyer], {
      method: 'POST',
      url: `/v1/claims/${claim.id}/actions`,
      payload: body.payload,
      headers: body.headers,
    })
  }
  const seam = await photoJpeg(400, 300, 12)
  const label = await photoJpeg(300, 400, 13)
  const tooMany = await form({ action: 'provide_info', text: 'Seam and label attached.' }, [
    seam,
    label,
    await photoJpeg(200, 200, 14),
  ])
  t.equal(tooMany.statusCode, 422, 'one photo on the claim plus three is over the cap of three')
  t.equal(tooMany.json().type, P + 'too-many-photos')
  const wrongAction = await form({ action: 'withdraw' }, [seam])
  t.equal(wrongAction.statusCode, 422)
  t.equal(wrongAction.json().type, P + 'photos-not-allowed')
  t.equal((await rowCounts(app)).photos, 1)
  t.equal((await storedFiles(app.storageDir)).length, 6, 'only the first photo (3 variants + type sidecars)')

  const stale = await form({ action: 'provide_info', text: 'Seam and label attached.', expected_version: 1 }, [seam])
  t.equal(stale.statusCode, 409, 'expected_version from a form field is a number and is checked')
  t.equal(stale.json().type, P + 'stale-version')

  const given = await form({ action: 'provide_info', text: 'Seam and label attached.', expected_version: 2 }, [
    seam,
    label,
  ])
  t.equal(given.statusCode, 200, given.body)
  t.equal(given.json().version, 3)
  t.equal(given.json().photos.length, 3)
  t.same(
    given
      .json()
      .photos.slice(1)
      .map((p: { variants: { full: { width: number } } }) => p.variants.full.width),
    [400, 300],
  )
  const again = await form({ action: 'provide_info', text: 'One more.' }, [await photoJpeg(200, 200, 15)])
  t.equal(again.statusCode, 409, 'the machine no longer awaits info: refused before any image work')
  t.equal((await rowCounts(app)).photos, 3)
  t.equal((await storedFiles(app.storageDir)).length, 18)
})

t.test(
  'Idempotency-Key covers the photos: a replay returns the first answer, other photos under the key are 422',
  async (t) => {
    const app = await photoApp(t)
    const order = await registerOrder(app)
    const jpeg = await photoJpeg(320, 240, 61)
    const first = await postClaim(app, order, [jpeg], {}, { 'idempotency-key': 'open-with-photo' })
    t.equal(first.statusCode, 201)
    const replay = await postClaim(app, order, [jpeg], {}, { 'idempotency-key': 'open-with-photo' })
    t.equal(replay.statusCode, 201)
    t.equal(replay.headers['idempotent-replayed'], 'true')
    t.equal(replay.body, first.body)
    const other = await postClaim(
      app,
      order,
      [await photoJpeg(320, 240, 62)],
      {},
      { 'idempotency-key': 'open-with-photo' },
    )
    t.equal(other.statusCode, 422)
    t.equal(other.json().type, P + 'idempotency-key-reused')
    t.same(await rowCounts(app), { claims: 1, photos: 1, photo_reuse: 0 })
  },
)

t.test('the OpenAPI document lists multipart on the upload routes and the photo route', async (t) => {
  const app = await photoApp(t)
  const res = await app.app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.ok(doc.paths['/v1/claims'].post.requestBody.content['multipart/form-data'], 'POST /v1/claims takes multipart')
  t.ok(doc.paths['/v1/claims/{id}/actions'].post.requestBody.content['multipart/form-data'], 'actions take multipart')
  t.ok(doc.paths['/v1/photos/{id}/{variant}'].get, 'GET /v1/photos/{id}/{variant}')
})

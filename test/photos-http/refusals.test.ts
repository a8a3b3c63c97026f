// Every bad upload is a problem+json with a stable type, and leaves nothing
// behind: no claim, no photo row, no stored file. A claim with its photos is
// created all or nothing.
import t from 'tap'
import { sql } from 'kysely'
import { SVG_WITH_SCRIPT, photoJpeg, pngBomb, zipArchive } from '../photos/fixtures/images.js'
import { registerOrder } from '../helpers/fixtures.js'
import { claimFields, multipart, P, photoApp, postClaim, rowCounts, storedFiles, type FilePart } from './helpers.js'

interface Case {
  name: string
  status: number
  type: string
  files?: FilePart[]
  /** Text fields beyond (or instead of) the claim's. */
  fields?: Record<string, string>
  /** A raw body instead of one built from files and fields. */
  raw?: { payload: Buffer; headers: Record<string, string> }
}

t.test('each bad upload is refused with its own problem type and nothing is stored', async (t) => {
  const app = await photoApp(t, { photo_bytes_max: 200_000, photos_per_claim_max: 10 })
  const order = await registerOrder(app)
  const jpeg = await photoJpeg(640, 480, 5)
  const small = await photoJpeg(64, 48, 6)
  const boundary = '----claimdeskbroken'
  const cases: Case[] = [
    { name: 'zero-byte file', status: 422, type: 'photo-empty', files: [{ data: Buffer.alloc(0) }] },
    {
      name: 'text renamed .jpg',
      status: 415,
      type: 'photo-unsupported-type',
      files: [{ data: Buffer.from('notes.txt, renamed to photo.jpg\n'), filename: 'photo.jpg' }],
    },
    {
      name: 'truncated JPEG',
      status: 422,
      type: 'photo-corrupt',
      files: [{ data: jpeg.subarray(0, Math.floor(jpeg.length / 2)) }],
    },
    {
      name: '100-MP PNG bomb',
      status: 422,
      type: 'photo-too-many-pixels',
      files: [{ data: pngBomb(10_000, 10_000), filename: 'bomb.png', contentType: 'image/png' }],
    },
    {
      name: 'over the byte limit',
      status: 413,
      type: 'photo-too-large',
      files: [{ data: Buffer.concat([jpeg, Buffer.alloc(200_000)]) }],
    },
    {
      name: 'eleventh photo',
      status: 422,
      type: 'too-many-photos',
      files: Array.from({ length: 11 }, () => ({ data: small })),
    },
    {
      name: 'SVG with a script',
      status: 415,
      type: 'photo-unsupported-type',
      files: [{ data: SVG_WITH_SCRIPT, filename: 'photo.svg', contentType: 'image/svg+xml' }],
    },
    {
      name: 'JPEG/ZIP polyglot',
      status: 422,
      type: 'photo-polyglot',
      files: [{ data: Buffer.concat([jpeg, zipArchive('run.sh', '#!/bin/sh\necho pwned\n')]) }],
    },
    {
      name: 'good photos then a bad one',
      status: 422,
      type: 'photo-corrupt',
      files: [{ data: jpeg }, { data: small }, { data: jpeg.subarray(0, 4000) }],
    },
    {
      name: '"photos" as a text field',
      status: 422,
      type: 'photo-not-a-file',
      files: [{ data: jpeg }],
      fields: { photos: 'data:image/jpeg;base64,/9j/' },
    },
    {
      name: 'unknown text field',
      status: 400,
      type: 'invalid-request',
      files: [{ data: jpeg }],
      fields: { priority: 'high' },
    },
    {
      name: 'unknown file field',
      status: 400,
      type: 'invalid-request',
      files: [{ data: jpeg }, { name: 'receipt', data: jpeg }],
    },
    {
      name: 'field over 16 KiB',
      status: 413,
      type: 'field-too-large',
      files: [{ data: jpeg }],
      fields: { description: 'x'.repeat(17 * 1024) },
    },
    {
      name: '21 text fields',
      status: 413,
      type: 'too-many-fields',
      files: [{ data: jpeg }],
      fields: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`f${i}`, 'x'])),
    },
    {
      name: 'body cut short (no closing boundary)',
      status: 400,
      type: 'malformed-multipart',
      raw: {
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
          ),
          jpeg,
        ]),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      },
    },
    {
      name: 'multipart without a boundary',
      status: 400,
      type: 'malformed-multipart',
      raw: { payload: Buffer.from('hello'), headers: { 'content-type': 'multipart/form-data' } },
    },
  ]
  for (const c of cases) {
    const body = c.raw ?? multipart({ ...claimFields(order), ...c.fields }, c.files ?? [])
    const res = await app.call(['buyer', order.buyer], {
      method: 'POST',
      url: '/v1/claims',
      payload: body.payload,
      headers: body.headers,
    })
    t.equal(res.statusCode, c.status, `${c.name}: ${c.status} (${res.body.slice(0, 200)})`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${c.name}: problem+json`)
    t.equal(res.json().type, P + c.type, `${c.name}: ${c.type}`)
    t.type(res.json().request_id, 'string')
    t.same(await rowCounts(app), { claims: 0, photos: 0, photo_reuse: 0 }, `${c.name}: no rows`)
    t.same(await storedFiles(app.storageDir), [], `${c.name}: nothing stored`)
  }
})

t.test('over the default 10 MB limit is 413 photo-too-large', async (t) => {
  const app = await photoApp(t)
  const order = await registerOrder(app)
  const jpeg = await photoJpeg(640, 480, 5)
  const res = await postClaim(app, order, [Buffer.concat([jpeg, Buffer.alloc(10 * 1024 * 1024)])])
  t.equal(res.statusCode, 413)
  t.match(res.json(), { type: P + 'photo-too-large', bytes_max: 10 * 1024 * 1024 })
  t.same(await storedFiles(app.storageDir), [])
})

t.test('a failed transaction deletes the photos it stored, and only those', async (t) => {
  const app = await photoApp(t)
  const jpeg = await photoJpeg(640, 480, 21)

  // Two simultaneous claims on one line with the same photo: both pass the
  // pre-checks and store their photo, one commits, the other's transaction
  // hits the one-open-claim index. Its compensation must not delete the
  // winner's file, which a content-addressed key would share.
  for (let round = 0; round < 3; round++) {
    const order = await registerOrder(app)
    const before = await storedFiles(app.storageDir)
    const results = await Promise.all([1, 2].map(() => postClaim(app, order, [jpeg])))
    t.same(results.map((r) => r.statusCode).sort(), [201, 409], `round ${round}: one opens, one is 409`)
    const winner = results.find((r) => r.statusCode === 201)?.json()
    const added = (await storedFiles(app.storageDir)).filter((f) => !before.includes(f))
    t.equal(added.length, 6, `round ${round}: only the winner's variants (and type sidecars) remain`)
    t.ok(
      added.every((f) => f.includes(winner.photos[0].id)),
      'all of them under the winner photo id',
    )
    const served = await app.call(['buyer', order.buyer], { method: 'GET', url: winner.photos[0].variants.full.url })
    t.equal(served.statusCode, 200, "the winner's photo is still served")
  }

  // A transaction failing after the photos were stored (here: a trigger refusing the photo rows).
  await sql`create function refuse_photo() returns trigger language plpgsql as $$ begin raise exception 'refused for the test'; end $$`.execute(
    app.db,
  )
  await sql`create trigger refuse_photo before insert on photos for each row execute function refuse_photo()`.execute(
    app.db,
  )
  const counts = await rowCounts(app)
  const files = await storedFiles(app.storageDir)
  const order = await registerOrder(app)
  const res = await postClaim(app, order, [jpeg, await photoJpeg(320, 240, 22)])
  t.equal(res.statusCode, 500)
  t.equal(res.json().type, P + 'internal-error')
  t.same(await rowCounts(app), counts, 'no claim, no photo rows')
  t.same(await storedFiles(app.storageDir), files, 'the stored variants were deleted again')
})

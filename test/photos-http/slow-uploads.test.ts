// Uploads over a real socket that drip: a body below policy upload_min_rate
// is dropped with 408 upload-too-slow (its connection and buffer freed long
// before the request timeout, nothing stored), one above it goes through;
// and a party's uploads in flight are capped (429 uploads-in-flight with
// Retry-After), other parties unaffected. Windows are shortened by policy.
import t from 'tap'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { photoJpeg } from '../photos/fixtures/images.js'
import { registerOrder } from '../helpers/fixtures.js'
import { P, photoApp, postClaim, rowCounts, storedFiles, type PhotoTestApp } from './helpers.js'

const BOUNDARY = '----claimdeskslow'

function form(orderId: string, photo: Buffer): Buffer {
  const field = (name: string, value: string) =>
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  return Buffer.concat([
    Buffer.from(
      field('order_id', orderId) +
        field('line_id', 'l1') +
        field('reason', 'defect') +
        field('description', 'Cracked lid.') +
        field('requested_resolution', 'refund') +
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    ),
    photo,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ])
}

interface Drip {
  /** The whole response as text, once the server closed the connection (or null if the guard fired). */
  response: Promise<string | null>
  /** Milliseconds from the first byte to the close. */
  elapsed: () => number
  stop: () => void
  socket: net.Socket
}

/** Sends the head, then the body `chunk` bytes every `everyMs`. */
async function drip(app: PhotoTestApp, token: string, body: Buffer, chunk: number, everyMs: number): Promise<Drip> {
  const { port } = app.app.server.address() as AddressInfo
  const socket = net.connect({ port, host: '127.0.0.1' })
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  const received: Buffer[] = []
  socket.on('data', (c: Buffer) => received.push(c))
  socket.on('error', () => {})
  const started = performance.now()
  let closedAt = 0
  const closed = new Promise<string>((resolve) =>
    socket.once('close', () => {
      closedAt = performance.now()
      resolve(Buffer.concat(received).toString('latin1'))
    }),
  )
  socket.write(
    `POST /v1/claims HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n` +
      `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${body.length}\r\n\r\n`,
  )
  let sent = 0
  const timer = setInterval(() => {
    if (socket.destroyed || sent >= body.length) return clearInterval(timer)
    socket.write(body.subarray(sent, sent + chunk))
    sent += chunk
  }, everyMs)
  t.teardown(() => {
    clearInterval(timer)
    socket.destroy()
  })
  const guard = new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000).unref())
  return {
    response: Promise.race([closed, guard]),
    elapsed: () => closedAt - started,
    stop: () => clearInterval(timer),
    socket,
  }
}

const fast = { upload_min_rate: { bytes: 4096, window: 'PT0.5S', grace: 'PT0.5S' } }

t.test('a body dripping below the minimum rate is dropped with 408 upload-too-slow and stores nothing', async (t) => {
  // The request timeout stays long: only the rate can end this upload soon.
  const app = await photoApp(t, fast, { http: { connectionTimeout: 30_000, requestTimeout: 120_000 } })
  const order = await registerOrder(app)
  await app.app.listen({ port: 0, host: '127.0.0.1' })
  const body = form(order.id, await photoJpeg(640, 480, 3))
  // 100 bytes every 100 ms: 500 bytes per half-second window, under 4096.
  const slow = await drip(app, app.token('buyer', order.buyer), body, 100, 100)
  const response = await slow.response
  t.ok(response, 'the server closed the connection')
  t.match(response, /^HTTP\/1\.1 408 /, 'answered 408')
  t.match(response, /connection: close/i)
  t.match(response, /"type":"https:\/\/claimdesk\.dev\/problems\/upload-too-slow"/)
  t.ok(slow.elapsed() < 3_000, `dropped after ${Math.round(slow.elapsed())} ms, not after the request timeout`)
  t.same(await rowCounts(app), { claims: 0, photos: 0, photo_reuse: 0 })
  t.same(await storedFiles(app.storageDir), [])
  t.equal(app.app.uploadSlots.held(`buyer:${order.buyer}`), 0, 'its upload slot was given back')
})

t.test('a body above the minimum rate, however slow it starts, goes through', async (t) => {
  const app = await photoApp(t, fast)
  const order = await registerOrder(app)
  await app.app.listen({ port: 0, host: '127.0.0.1' })
  const photo = await photoJpeg(640, 480, 4)
  const body = form(order.id, photo)
  // 2 KiB every 100 ms: 10 KiB per window, over 4096; a photo of ~30 KB takes over a second.
  const steady = await drip(app, app.token('buyer', order.buyer), body, 2048, 100)
  const response = await steady.response
  t.ok(body.length > 20_000, `the body is ${body.length} bytes`)
  t.match(response, /^HTTP\/1\.1 201 /, 'the claim was created')
  t.equal((await rowCounts(app)).photos, 1)
})

t.test('a party has at most photo_uploads_per_party uploads in flight; other parties are not held up', async (t) => {
  const app = await photoApp(t, { photo_uploads_per_party: 2, ...fast })
  const orders = [await registerOrder(app), await registerOrder(app), await registerOrder(app)]
  const other = await registerOrder(app, { buyer: 'buyer-other' })
  await app.app.listen({ port: 0, host: '127.0.0.1' })
  const photo = await photoJpeg(640, 480, 5)
  // Same buyer (registerOrder's default), two uploads held open by a slow but sufficient drip.
  const buyer = orders[0]!.buyer
  t.equal(orders[1]!.buyer, buyer)
  const held = await Promise.all(
    orders.slice(0, 2).map((o) => drip(app, app.token('buyer', buyer), form(o.id, photo), 4096, 200)),
  )
  await new Promise((resolve) => setTimeout(resolve, 150))
  t.equal(app.app.uploadSlots.held(`buyer:${buyer}`), 2)

  const third = await postClaim(app, orders[2]!, [photo])
  t.equal(third.statusCode, 429, 'the third is refused at once')
  t.equal(third.headers['retry-after'], '5')
  t.match(third.json(), { type: `${P}uploads-in-flight`, limit: 'photo_uploads_per_party', max: 2, retry_after: 5 })

  const elsewhere = await postClaim(app, other, [photo])
  t.equal(elsewhere.statusCode, 201, 'another buyer uploads meanwhile')

  for (const h of held) h.socket.destroy()
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(app.app.uploadSlots.held(`buyer:${buyer}`), 0, 'a client gone gives its slot back')
  const again = await postClaim(app, orders[2]!, [photo])
  t.equal(again.statusCode, 201, 'and the party may upload again')
})

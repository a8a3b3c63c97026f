// Uploads over a real socket: a multipart body that never completes is cut
// off by the server's timeout (and stores nothing); an oversized photo is
// refused while the client is still sending it, not after buffering it all.
import t from 'tap'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { photoJpeg } from '../photos/fixtures/images.js'
import { registerOrder } from '../helpers/fixtures.js'
import { P, photoApp, rowCounts, storedFiles } from './helpers.js'

const BOUNDARY = '----claimdeskstream'

function head(port: number, token: string, contentLength: number): string {
  return (
    `POST /v1/claims HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${contentLength}\r\n\r\n`
  )
}

function formStart(orderId: string): string {
  const field = (name: string, value: string) =>
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  return (
    field('order_id', orderId) +
    field('line_id', 'l1') +
    field('reason', 'defect') +
    field('description', 'Cracked lid.') +
    field('requested_resolution', 'refund') +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`
  )
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1' })
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  return socket
}

t.test('a multipart body that never completes is cut off by the connection timeout and stores nothing', async (t) => {
  const app = await photoApp(t, {}, { http: { connectionTimeout: 400 } })
  const order = await registerOrder(app)
  await app.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.app.server.address() as AddressInfo
  const jpeg = await photoJpeg(640, 480, 9)

  const socket = await connect(port)
  const received: Buffer[] = []
  socket.on('data', (chunk: Buffer) => received.push(chunk))
  socket.on('error', () => {}) // a reset is one way of being cut off
  const started = performance.now()
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - started)))
  // Announce 1 MB, send the fields and half of a photo, then go silent.
  socket.write(head(port, app.token('buyer', order.buyer), 1_000_000))
  socket.write(formStart(order.id))
  socket.write(jpeg.subarray(0, jpeg.length >> 1))

  const guard = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000).unref())
  const outcome = await Promise.race([closed, guard])
  t.not(outcome, 'hung', 'the server closed the connection')
  t.ok(typeof outcome === 'number' && outcome < 5_000, `closed after ${Math.round(outcome as number)} ms`)
  const text = Buffer.concat(received).toString('latin1')
  t.notMatch(text, /^HTTP\/1\.1 2/, 'no success was answered')

  // The server is not wedged: a new request is answered; nothing was stored.
  const health = await app.call(['buyer', order.buyer], { method: 'GET', url: '/v1/claims' })
  t.equal(health.statusCode, 200)
  t.same(await rowCounts(app), { claims: 0, photos: 0, photo_reuse: 0 })
  t.same(await storedFiles(app.storageDir), [])
})

t.test('a photo over the byte limit is refused mid-upload, before the body is complete', async (t) => {
  const app = await photoApp(t, { photo_bytes_max: 200_000 }, { http: { connectionTimeout: 5_000 } })
  const order = await registerOrder(app)
  await app.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.app.server.address() as AddressInfo
  const jpeg = await photoJpeg(640, 480, 9)

  const socket = await connect(port)
  socket.on('error', () => {})
  let text = ''
  const answered = new Promise<string>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      const length = /content-length: (\d+)/i.exec(text)
      if (end >= 0 && length && text.length >= end + 4 + Number(length[1])) resolve(text)
    })
  })
  // Announce 50 MB; send the fields, the photo and 400 kB of padding; then stop.
  socket.write(head(port, app.token('buyer', order.buyer), 50 * 1024 * 1024))
  socket.write(formStart(order.id))
  socket.write(jpeg)
  socket.write(Buffer.alloc(400_000))
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve('closed')))
  const guard = (ms: number) => new Promise<string>((resolve) => setTimeout(() => resolve('timed out'), ms).unref())
  const response = await Promise.race([answered, guard(4_000)])
  t.match(response, /^HTTP\/1\.1 413 /, 'answered 413 while 49 MB were still to come')
  t.match(response, /\r\nconnection: close\r\n/i, 'and the unread rest of the upload is not kept on the connection')
  t.equal(await Promise.race([closed, guard(3_000)]), 'closed', 'the server closed the socket')
  socket.destroy()
  const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))
  t.match(body, { type: P + 'photo-too-large', bytes_max: 200_000 })
  t.same(await rowCounts(app), { claims: 0, photos: 0, photo_reuse: 0 })
  t.same(await storedFiles(app.storageDir), [])
})

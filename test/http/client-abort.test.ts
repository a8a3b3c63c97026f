// A client that goes away mid-body (a closed tab, a dropped mobile link) is
// the client's doing: it is logged as such at info, never as a backing
// service being unavailable (a warning operators are paged on).
import { connect } from 'node:net'
import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import t from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { registerOrder } from '../helpers/fixtures.js'

/** One of this suite's private ports. */
const PORT = 3360

interface LogLine {
  level: number
  msg: string
  reqId?: string
  err?: { message?: string }
}

function capturingLogger(lines: LogLine[]) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine)
      done()
    },
  })
  return pino({ level: 'info' }, stream)
}

/** Sends the head and part of a body announced as much longer, then drops the connection. */
async function abortMidBody(api: TestApp, head: string[], bodyStart: string, declaredLength: number): Promise<string> {
  const requestId = `abort-${Math.random().toString(36).slice(2)}`
  const socket = connect(PORT, '127.0.0.1')
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  socket.write(
    [...head, `content-length: ${declaredLength}`, `x-request-id: ${requestId}`, 'connection: close', '', ''].join(
      '\r\n',
    ) + bodyStart,
  )
  await sleep(200) // the server has started reading the body
  socket.destroy()
  return requestId
}

/** The request's log lines, once it has logged something beyond its arrival. */
async function settled(lines: LogLine[], requestId: string): Promise<LogLine[]> {
  for (let i = 0; i < 50; i++) {
    if (lines.some((l) => l.reqId === requestId && l.msg !== 'incoming request')) {
      await sleep(300) // anything logged after the first word on it
      return lines.filter((l) => l.reqId === requestId)
    }
    await sleep(100)
  }
  return lines.filter((l) => l.reqId === requestId)
}

t.test('a client gone mid-upload or mid-JSON is not a dependency outage', async (t) => {
  const lines: LogLine[] = []
  const api = await buildTestApp(t, {}, { logger: capturingLogger(lines) })
  await api.app.listen({ host: '127.0.0.1', port: PORT })
  const order = await registerOrder(api)
  const buyer = `authorization: Bearer ${api.token('buyer', order.buyer)}`
  const boundary = 'claimdeskboundary'

  const cases: [string, () => Promise<string>][] = [
    [
      'a multipart claim with a photo',
      () =>
        abortMidBody(
          api,
          [
            'POST /v1/claims HTTP/1.1',
            'host: localhost',
            buyer,
            `content-type: multipart/form-data; boundary=${boundary}`,
          ],
          `--${boundary}\r\ncontent-disposition: form-data; name="order_id"\r\n\r\n${order.id}\r\n` +
            `--${boundary}\r\ncontent-disposition: form-data; name="photos"; filename="a.jpg"\r\n` +
            `content-type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0`,
          1_000_000,
        ),
    ],
    [
      'a JSON order',
      () =>
        abortMidBody(
          api,
          [
            'POST /v1/orders HTTP/1.1',
            'host: localhost',
            `authorization: Bearer ${api.token('service', 'marketplace')}`,
            'content-type: application/json',
          ],
          '{"id": "o-abort", "buyer_id": ',
          10_000,
        ),
    ],
  ]
  for (const [what, send] of cases) {
    const mine = await settled(lines, await send())
    t.ok(mine.length > 0, `${what}: the request was logged`)
    t.notOk(
      mine.some((l) => l.msg === 'dependency unavailable'),
      `${what}: not logged as a dependency outage: ${JSON.stringify(mine.map((l) => l.msg))}`,
    )
    t.notOk(
      mine.some((l) => l.level >= 40),
      `${what}: nothing at warn or above: ${JSON.stringify(mine.filter((l) => l.level >= 40))}`,
    )
    t.ok(
      mine.some((l) => l.level === 30 && l.msg === 'client closed the request'),
      `${what}: logged at info as the client's doing`,
    )
  }
  t.same(await api.db.selectFrom('claims').select('id').execute(), [], 'no claim from the cut upload')
})

// The photo gate bounds how many photos are decoded at once and hands slots on in order.
import t from 'tap'
import { Gate } from '../../src/domain/photos/pipeline/gate.js'

t.test('never more than `limit` tasks run; queued ones start in arrival order', async (t) => {
  const gate = new Gate(2)
  let running = 0
  let peak = 0
  const started: number[] = []
  const releases: Array<() => void> = []
  const tasks = Array.from({ length: 5 }, (_, i) =>
    gate.run(async () => {
      started.push(i)
      peak = Math.max(peak, ++running)
      await new Promise<void>((resolve) => releases.push(resolve))
      running--
      return i
    }),
  )
  await new Promise((r) => setImmediate(r))
  t.same(started, [0, 1], 'two start at once')
  t.equal(gate.pending, 3, 'three wait')
  while (releases.length) {
    releases.shift()!()
    await new Promise((r) => setImmediate(r))
  }
  t.same(await Promise.all(tasks), [0, 1, 2, 3, 4], 'results come back to their callers')
  t.same(started, [0, 1, 2, 3, 4], 'FIFO')
  t.equal(peak, 2, 'peak concurrency')
})

t.test('a failing task releases its slot', async (t) => {
  const gate = new Gate(1)
  await t.rejects(
    gate.run(async () => Promise.reject(new Error('boom'))),
    /boom/,
  )
  t.equal(await gate.run(async () => 'next'), 'next')
})

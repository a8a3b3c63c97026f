// settleAll: resolves like Promise.all, but a failure is reported only once
// every other promise has settled (the photo pipeline's guarantee that no
// libvips operation still reads an upload when processing returns).
import t from 'tap'
import { settleAll } from '../../src/domain/photos/pipeline/settle.js'

const later = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms))
const failLater = (ms: number, message: string): Promise<never> =>
  new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms))

t.test('resolves with every value, in order', async (t) => {
  t.same(await settleAll([later(20, 'a'), later(5, 1), Promise.resolve(true)] as const), ['a', 1, true])
})

t.test('a quick failure waits for the slow ones, then rejects with the first failure in argument order', async (t) => {
  let slowDone = false
  const slow = later(80, 'slow').then((v) => {
    slowDone = true
    return v
  })
  const started = performance.now()
  const err = await settleAll([failLater(5, 'first'), slow, failLater(10, 'second')] as const).catch((e: unknown) => e)
  t.match(err, { message: 'first' })
  t.ok(slowDone, 'the slow one had finished')
  t.ok(performance.now() - started >= 75, 'not before the slow one settled')
})

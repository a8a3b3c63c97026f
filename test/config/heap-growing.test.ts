// V8_HEAP_GROWING_PERCENT: the API's fixed V8 heap growing factor (src/cli/heap-tuning.ts), validated at start-up.
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/config.js'

t.test('the default fixes the growing factor at 3× (200 %)', async (t) => {
  t.equal(loadConfig({}).heapGrowingPercent, 200)
  t.equal(loadConfig({ V8_HEAP_GROWING_PERCENT: '' }).heapGrowingPercent, 200, 'an empty variable counts as unset')
})

t.test('0 leaves V8 its own heuristic; other integers up to 1000 are taken as given', async (t) => {
  t.equal(loadConfig({ V8_HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent, 0)
  t.equal(loadConfig({ V8_HEAP_GROWING_PERCENT: '50' }).heapGrowingPercent, 50)
  t.equal(loadConfig({ V8_HEAP_GROWING_PERCENT: '1000' }).heapGrowingPercent, 1000)
})

t.test('anything else stops start-up with one line naming the variable', async (t) => {
  for (const value of ['-1', '1001', '1.5', 'fast', ' ']) {
    t.throws(
      () => loadConfig({ V8_HEAP_GROWING_PERCENT: value }),
      new ConfigError(`V8_HEAP_GROWING_PERCENT must be an integer 0-1000, got "${value}"`),
      JSON.stringify(value),
    )
  }
})

// Line totals must stay exact: quantity × unit_price is computed in JavaScript
// numbers (claims' line_total, offer bounds, auto-refund limits), so a line
// whose total passes Number.MAX_SAFE_INTEGER is refused with 422 naming it.
import t from 'tap'
import { PROBLEM_BASE } from '../../src/shared/errors.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let n = 0
function postOrder(api: TestApp, lines: { quantity: number; unit_price: number }[]) {
  n += 1
  return api.call(['service', 'marketplace'], {
    method: 'POST',
    url: '/v1/orders',
    payload: {
      id: `bounds-${n}`,
      buyer_id: 'buyer-1',
      seller_id: 'shop-1',
      scheme: 'FBS',
      delivered_at: '2026-10-30T10:00:00Z',
      lines: lines.map((l, i) => ({ id: `l${i + 1}`, sku: 'SKU', title: 'Kettle', ...l })),
    },
  })
}

t.test('a line total beyond 2^53 − 1 is a 422 naming the line, and nothing is written', async (t) => {
  const api = await buildTestApp(t)
  // Both within their own maxima (100,000 and 10^12), the product 99,998,999,999,900,001 is not a double.
  const res = await postOrder(api, [
    { quantity: 1, unit_price: 100 },
    { quantity: 99_999, unit_price: 999_999_999_999 },
  ])
  t.equal(res.statusCode, 422, res.body)
  t.match(res.json(), { type: `${PROBLEM_BASE}validation-failed`, field: 'lines/1' })
  t.match(res.json().detail, /quantity × unit_price/)
  t.same(await api.db.selectFrom('orders').select('id').execute(), [], 'no order written')
})

t.test('a line total of exactly 2^53 − 1 is taken and kept exact through a claim', async (t) => {
  const api = await buildTestApp(t)
  // 69,431 × 129,728,784,761 = 9,007,199,254,740,991 = Number.MAX_SAFE_INTEGER.
  const res = await postOrder(api, [{ quantity: 69_431, unit_price: 129_728_784_761 }])
  t.equal(res.statusCode, 201, res.body)
  const claim = await api.call(['buyer', 'buyer-1'], {
    method: 'POST',
    url: '/v1/claims',
    payload: {
      order_id: res.json().id,
      line_id: 'l1',
      reason: 'not_as_described',
      description: 'The colour differs from the listing.',
      requested_resolution: 'refund',
    },
  })
  t.equal(claim.statusCode, 201, claim.body)
  t.equal(claim.json().line_total, Number.MAX_SAFE_INTEGER)
})

t.test('each field keeps its own maximum', async (t) => {
  const api = await buildTestApp(t)
  for (const line of [
    { quantity: 100_001, unit_price: 1 },
    { quantity: 1, unit_price: 1_000_000_000_001 },
  ]) {
    const res = await postOrder(api, [line])
    t.equal(res.statusCode, 400, JSON.stringify(line))
    t.equal(res.json().type, `${PROBLEM_BASE}invalid-request`)
  }
})

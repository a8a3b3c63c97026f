// GET /v1/sellers/me/claims.csv: RFC 4180 quoting, the buyer only as its
// pseudonym, the list's filters and order, a cursor read batch by batch, and a
// client that goes away mid-export.
import t from 'tap'
import { sql } from 'kysely'
import type { Readable } from 'node:stream'
import { CSV_COLUMNS } from '../../src/domain/sellers/stats.service.js'
import { csvField } from '../../src/domain/sellers/csv.js'
import { buildSellersTestApp } from './fixtures/sellers-app.js'
import { claimFor, HOUR, must, REJECT } from './fixtures/data.js'

/** A strict RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let i = 0
  while (i < text.length) {
    if (text[i] === '"') {
      i += 1
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote')
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"'
          i += 2
        } else if (text[i] === '"') {
          i += 1
          break
        } else field += text[i++]
      }
    } else if (text[i] === ',') {
      record.push(field)
      field = ''
      i += 1
    } else if (text.startsWith('\r\n', i)) {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i += 2
    } else field += text[i++]
  }
  if (field !== '' || record.length > 0) throw new Error('the last record has no CRLF')
  return records
}

async function drain(stream: Readable): Promise<{ text: string; chunks: number }> {
  let text = ''
  let chunks = 0
  for await (const chunk of stream) {
    text += chunk.toString()
    chunks += 1
  }
  return { text, chunks }
}

t.test('csvField', async (t) => {
  t.equal(csvField('plain'), 'plain')
  t.equal(csvField('a,b'), '"a,b"')
  t.equal(csvField('say "hi"'), '"say ""hi"""')
  t.equal(csvField('two\nlines'), '"two\nlines"')
  t.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`)
  t.equal(csvField('-1+2'), "'-1+2")
  t.equal(csvField(-12), '-12', 'numbers are not text')
  t.equal(csvField(null), '')
  t.equal(csvField(false), 'false')
  t.equal(csvField(new Date('2026-11-01T10:00:00Z')), '2026-11-01T10:00:00.000Z')
})

t.test('claims.csv', async (t) => {
  const app = await buildSellersTestApp(t, { stats: { exportBatch: 2 } })
  const seller: ['seller', string] = ['seller', 'shop-C']
  const tricky = '=SUM(A1) "quoted", with a comma\nand a second line'
  const c1 = await claimFor(app, { buyer: 'buyer-csv-1', seller: 'shop-C', sku: 'SKU-1', description: tricky })
  app.clock.advance(HOUR)
  const c2 = await claimFor(app, {
    buyer: 'buyer-csv-2',
    seller: 'shop-C',
    sku: 'SKU-2',
    scheme: 'FBO',
    reason: 'wrong_item',
  })
  app.clock.advance(HOUR)
  const c3 = await claimFor(app, { buyer: 'buyer-csv-1', seller: 'shop-C', sku: 'SKU-1' })
  app.clock.advance(HOUR)
  const c4 = await claimFor(app, { buyer: 'buyer-csv-2', seller: 'shop-C', sku: 'SKU-3' })
  await must(app, ['buyer', 'buyer-csv-2'], c4, { action: 'withdraw' })
  await claimFor(app, { buyer: 'buyer-csv-1', seller: 'shop-other' })
  await must(app, seller, c1, REJECT)

  const res = await app.call(seller, { method: 'GET', url: '/v1/sellers/me/claims.csv' })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  t.match(res.headers['content-type'], /^text\/csv/)
  t.match(res.headers['content-disposition'], /attachment; filename="claims.csv"/)
  t.notOk(res.headers['content-length'], 'streamed, not sized up front')
  const records = parseCsv(res.body)
  t.same(records[0], [...CSV_COLUMNS])
  const rows = records.slice(1).map((r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]])))
  t.same(
    rows.map((r) => r.claim_id),
    [c4, c3, c2, c1],
    'the seller’s claims only, newest first',
  )
  t.ok(
    records.every((r) => r.length === CSV_COLUMNS.length),
    'every record has every column',
  )
  t.equal(rows[3]?.description, `'${tricky}`, 'quotes, commas and newlines survive; the formula is defused')
  t.notMatch(res.body, /buyer-csv-/, 'no buyer id anywhere')
  const view = (await app.call(seller, { method: 'GET', url: `/v1/claims/${c1}` })).json()
  t.equal(rows[3]?.buyer_pseudonym, view.buyer.pseudonym, 'the same pseudonym as the claim view')
  t.equal(rows[1]?.buyer_pseudonym, view.buyer.pseudonym, 'stable for one buyer')
  t.not(rows[2]?.buyer_pseudonym, view.buyer.pseudonym, 'another buyer, another pseudonym')
  t.match(rows[3], {
    state: 'rejected',
    reason: 'not_as_described',
    sku: 'SKU-1',
    scheme: 'FBS',
    next_deadline: 'dispute_window',
    overdue: 'false',
    line_total: '150000',
  })
  t.match(rows[0], { state: 'withdrawn', next_deadline: '', next_due_at: '', closed_at: /^2026-/ })

  t.test('the list’s filters and order', async (t) => {
    const ids = async (q: string) =>
      parseCsv((await app.call(seller, { method: 'GET', url: `/v1/sellers/me/claims.csv?${q}` })).body)
        .slice(1)
        .map((r) => r[0])
    t.same(await ids('sku=SKU-1'), [c3, c1])
    t.same(await ids('state=awaiting_seller,withdrawn&scheme=FBS'), [c4, c3])
    t.same(await ids('reason=wrong_item'), [c2])
    const list = (await app.call(seller, { method: 'GET', url: '/v1/claims?sort=due_at' }))
      .json()
      .items.map((c: any) => c.id)
    t.same(await ids('sort=due_at'), list, 'due_at: the list’s order exactly')
    t.same(await ids('sku=nothing'), [], 'no claims: the header only')
    const bad = await app.call(seller, { method: 'GET', url: '/v1/sellers/me/claims.csv?state=nonsense' })
    t.equal(bad.statusCode, 422, 'a bad filter is a problem, not a broken file')
    t.match(bad.headers['content-type'], /problem\+json/)
    t.equal(
      (await app.call(seller, { method: 'GET', url: '/v1/sellers/me/claims.csv?limit=5' })).statusCode,
      400,
      'no paging parameters',
    )
  })

  t.test('read through the cursor batch by batch', async (t) => {
    const { text, chunks } = await drain(await app.stats.exportCsv({ role: 'seller', id: 'shop-C' }, {}))
    t.equal(chunks, 2, 'header and the first batch of 2, then the last 2')
    t.same(
      parseCsv(text)
        .slice(1)
        .map((r) => r[0]),
      [c4, c3, c2, c1],
    )
  })

  t.test('a client that goes away ends the transaction', async (t) => {
    const stream = await app.stats.exportCsv({ role: 'seller', id: 'shop-C' }, {})
    const idle = async () =>
      Number(
        (
          await sql<{ n: string }>`select count(*) as n from pg_stat_activity
            where datname = current_database() and state like 'idle in transaction%'`.execute(app.db)
        ).rows[0]?.n,
      )
    t.equal(await idle(), 1, 'the export holds its read-only transaction open while it streams')
    for await (const _ of stream) break // reads one chunk, then destroys the stream
    for (let i = 0; i < 50 && (await idle()) > 0; i++) await new Promise((r) => setTimeout(r, 20))
    t.equal(await idle(), 0, 'rolled back and the connection returned')
    t.ok(stream.destroyed)
  })
})

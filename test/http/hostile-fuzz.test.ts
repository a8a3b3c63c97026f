// Property: no input to any route is a 5xx. Every route the app serves is read
// from the app itself (its OpenAPI document, built by @fastify/swagger's
// onRoute hook from each route's schemas, plus the routes hidden from it), and
// fast-check throws generated hostile values at its path parameters, query
// and body (NULs, lone surrogates, huge numbers, deep JSON, long strings,
// wrong types, forged cursors) with a valid token of a random role. Bounded:
// RUNS_PER_ROUTE requests a route, so the file runs in well under a minute.
import t from 'tap'
import fc from 'fast-check'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'

const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 24)

interface JsonSchema {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  format?: string
  minimum?: number
  maximum?: number
  maxLength?: number
  pattern?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
}

interface Route {
  method: string
  /** Fastify form: /v1/claims/:id */
  url: string
  params: { name: string; schema: JsonSchema }[]
  query: Record<string, JsonSchema>
  body: JsonSchema | undefined
}

/** Routes that @fastify/swagger hides; they have no parameters. */
const HIDDEN_ROUTES: Route[] = ['/healthz', '/readyz', '/metrics'].map((url) => ({
  method: 'GET',
  url,
  params: [],
  query: {},
  body: undefined,
}))

function routesOf(app: TestApp): Route[] {
  const doc = app.app.swagger() as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { in: string; name: string; schema?: JsonSchema }[]
          requestBody?: { content: Record<string, { schema: JsonSchema }> }
        }
      >
    >
  }
  const routes: Route[] = []
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const parameters = op.parameters ?? []
      const content = op.requestBody?.content ?? {}
      routes.push({
        method: method.toUpperCase(),
        url: path.replace(/\{(\w+)\}/g, ':$1'),
        params: parameters.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        query: Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}])),
        body: (content['application/json'] ?? Object.values(content)[0])?.schema,
      })
    }
  }
  return [...routes, ...HIDDEN_ROUTES]
}

// ------------------------------------------------------------ hostile values

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const UUID = '00000000-0000-4000-8000-000000000000'

const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\udc00\ud800',
  '',
  ' ',
  'A'.repeat(5000),
  'я'.repeat(3000),
  '9999999999999999999',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '1e300',
  '-1',
  '0',
  '00',
  '1.5',
  'NaN',
  'Infinity',
  'true',
  'null',
  '[]',
  '{}',
  '2026-13-45',
  '+275760-09-13T00:00:00Z',
  '0000-01-01',
  '1',
  UUID,
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '../../etc/passwd',
  "'; drop table claims; --",
  '%00',
  '%',
  '\u202eevil',
  '\u{e0041}',
  '🙂',
  '=HYPERLINK("http://x")',
  'http://[::ffff:0:127.0.0.1]/',
  'http://169.254.169.254/',
  // forged cursors: the shapes the server once issued, with values Postgres refuses
  b64({ t: '1', i: UUID }),
  b64({ t: '+275760-09-13T00:00:00Z', i: UUID }),
  b64({ m: '9999999999999999999' }),
  b64({ s: 'c', f: 'x', k: '1', i: UUID }),
  b64({ o: true, p: 1e300, e: '2026-01-01T00:00:00Z', i: UUID }),
  `${b64({ m: '1' })}.AAAAAAAAAAAAAAAAAAAAAA`,
  Buffer.from('99999999999999999999.9999999999999999999').toString('base64url'),
  'a.b',
  '.',
]

const HOSTILE_NUMBERS = [
  1e300,
  -1e300,
  2 ** 63,
  2 ** 64,
  2 ** 53 + 2,
  -(2 ** 53),
  -1,
  0,
  0.5,
  2 ** 31,
  Number.MAX_VALUE,
]

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom('a', '\u0000', '\ud800', '\udc00', '😀', ';', '=', '"', '\\'),
      maxLength: 20,
    }),
  },
)

const hostileNumber = fc.oneof(
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)

/** Any JSON value, shallow; deep nesting is a case of its own (raw bodies below). */
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 3 }),
  fc.dictionary(hostileString, fc.oneof(hostileString, hostileNumber), { maxKeys: 3 }),
)

const DEEP_BODIES = [
  '['.repeat(5000) + ']'.repeat(5000),
  '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
  '{"comment":' + '['.repeat(40) + ']'.repeat(40) + '}',
  '{"a":1,"a":2}',
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '{',
  '',
  'null',
  '"\\u0000"',
  '"\\ud800"',
]

/** A value the schema accepts (ids from the fixtures where a string is asked for). */
function validFor(schema: JsonSchema | undefined, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.constant(null)
  const branches = schema.anyOf ?? schema.oneOf
  if (branches?.length) return fc.oneof(...branches.map((b) => validFor(b, ids, depth + 1)))
  if (schema.allOf?.[0]) return validFor(schema.allOf[0], ids, depth + 1)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  if (schema.const !== undefined) return fc.constant(schema.const)
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'string':
      if (schema.format === 'uuid')
        return fc.oneof(fc.constantFrom(...ids.filter((id) => /^[0-9a-f-]{36}$/.test(id))), fc.uuid())
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
      if (schema.format === 'date') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern))
      return fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...ids) },
        { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: Math.min(schema.maxLength ?? 40, 40) }) },
      )
    case 'integer':
    case 'number':
      return fc.integer({ min: Math.max(schema.minimum ?? -1e6, -1e6), max: Math.min(schema.maximum ?? 1e6, 1e6) })
    case 'boolean':
      return fc.boolean()
    case 'array':
      return fc.array(validFor(schema.items, ids, depth + 1), { minLength: 1, maxLength: 2 })
    case 'object': {
      const props = Object.entries(schema.properties ?? {})
      return fc.record(Object.fromEntries(props.map(([k, s]) => [k, validFor(s, ids, depth + 1)])), {
        requiredKeys: props.map(([k]) => k).filter((k) => schema.required?.includes(k)),
      })
    }
    default:
      return fc.constant(null)
  }
}

/** Paths to every leaf of a JSON value. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [path]
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value)
  return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => leaves(v, [...path, k]))
}

/** `value` with the leaf at `path` replaced by `hostile(old)`. */
function replaceLeaf(value: unknown, path: (string | number)[], leaf: (old: unknown) => unknown): unknown {
  if (path.length === 0) return leaf(value)
  const [head, ...rest] = path
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>
  copy[head!] = replaceLeaf(copy[head!], rest, leaf)
  return copy
}

/** What replaces a leaf: a hostile value, or the valid text with a NUL or a lone surrogate in it. */
const hostileLeaf: fc.Arbitrary<(old: unknown) => unknown> = fc.oneof(
  fc.oneof(hostileString, hostileNumber, hostileJson).map((h) => () => h),
  fc
    .constantFrom('\u0000', '\ud800', '\udfff')
    .map((bad) => (old: unknown) => `${typeof old === 'string' ? old : JSON.stringify(old)}${bad}`),
)

/**
 * A value for `schema`: valid but for one hostile leaf (so it gets past
 * validation to the code behind it), all valid, or hostile through and through.
 */
function valueFor(schema: JsonSchema | undefined, ids: string[]): fc.Arbitrary<unknown> {
  const valid = validFor(schema, ids)
  const oneBad = fc.tuple(valid, fc.nat(), hostileLeaf).map(([v, n, leaf]) => {
    const all = leaves(v)
    return replaceLeaf(v, all[n % all.length]!, leaf)
  })
  return fc.oneof(
    { weight: 4, arbitrary: oneBad },
    { weight: 1, arbitrary: valid },
    { weight: 1, arbitrary: hostileJson },
  )
}

/** Percent-encoding that also carries lone surrogates, as their (invalid) UTF-8-like bytes. */
function encode(value: string): string {
  let out = ''
  for (const ch of value) {
    const code = ch.codePointAt(0)!
    if (code >= 0xd800 && code <= 0xdfff)
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('')
    else out += encodeURIComponent(ch)
  }
  return out
}

const asText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined'))

// ------------------------------------------------------------ the property

t.test('no route answers any hostile input with a 5xx', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  const buyer: ['buyer', string] = ['buyer', order.buyer]
  const seller: ['seller', string] = ['seller', order.seller]
  await act(app, seller, claim.id, { action: 'request_info', comment: 'A photo of the seam, please.' })
  const thread = (await app.call(buyer, { method: 'POST', url: '/v1/threads', payload: { order_id: order.id } })).json()
  const message = (
    await app.call(buyer, {
      method: 'POST',
      url: `/v1/threads/${thread.id}/messages`,
      payload: { text: 'Здравствуйте' },
    })
  ).json()
  const hook = (
    await app.call(['service', 'marketplace'], {
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url: 'https://93.184.216.34/hooks', event_types: ['*'] },
    })
  ).json()
  const ids = [claim.id, thread.id, order.id, String(message.id), hook.id, order.seller, order.buyer, 'me', '1', 'l1']
  t.ok(
    ids.every((id) => typeof id === 'string' && id.length > 0),
    `fixtures: ${ids.join(' ')}`,
  )

  const roles: [Parameters<TestApp['token']>[0], string][] = [
    buyer,
    seller,
    ['arbiter', 'arb-fuzz'],
    ['service', 'marketplace'],
  ]
  const routes = routesOf(app)
  t.ok(routes.length >= 40, `the app's routes are all here (${routes.length})`)
  t.ok(
    routes.some((r) => r.method === 'POST' && r.url === '/v1/claims/:id/actions'),
    'routes come with their parameters',
  )

  const failures: string[] = []
  const statuses = new Map<number, number>()
  for (const route of routes) {
    const request = fc.record({
      as: fc.constantFrom(...roles),
      params: fc.tuple(
        ...route.params.map(({ schema }) =>
          fc.oneof(
            { weight: 4, arbitrary: validFor(schema, ids).map(asText) },
            { weight: 1, arbitrary: fc.constantFrom(...ids) },
            { weight: 1, arbitrary: hostileString },
          ),
        ),
      ),
      query: fc.oneof(
        { weight: 4, arbitrary: valueFor({ type: 'object', properties: route.query }, ids) },
        { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 2 }) },
      ),
      body: fc.oneof(
        { weight: 5, arbitrary: valueFor(route.body, ids).map((v) => JSON.stringify(v) ?? 'null') },
        { weight: 1, arbitrary: fc.constantFrom(...DEEP_BODIES) },
      ),
      idempotencyKey: fc.option(fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/), { nil: undefined }),
    })
    const failed = failures.length
    await fc
      .assert(
        fc.asyncProperty(request, async ({ as, params, query, body, idempotencyKey }) => {
          let path = route.url
          route.params.forEach(({ name }, i) => (path = path.replace(`:${name}`, encode(params[i] as string))))
          const qs = Object.entries(query !== null && typeof query === 'object' ? query : { q: query })
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${encode(k)}=${encode(asText(v))}`)
            .join('&')
          const withBody = route.method !== 'GET' && route.method !== 'HEAD'
          const res = await app.app.inject({
            method: route.method as 'GET',
            url: qs ? `${path}?${qs}` : path,
            headers: {
              authorization: `Bearer ${app.token(as[0], as[1])}`,
              ...(withBody ? { 'content-type': 'application/json' } : {}),
              ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
            },
            ...(withBody ? { payload: body } : {}),
          })
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
          if (res.statusCode >= 500) {
            const line = `${route.method} ${path}?${qs} as ${as[0]} body ${body.slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 200)}`
            failures.push(line)
            return false
          }
          return true
        }),
        { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      )
      .catch((err: Error) => {
        // Every route is tried and the 5xx are reported together below; anything else is the test's own fault.
        if (failures.length === failed) failures.push(`${route.method} ${route.url}: ${err.message.slice(0, 300)}`)
      })
  }
  t.comment(
    `answers: ${[...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')}`,
  )
  t.same(failures, [], 'no request was answered with a 5xx')
  t.ok((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0) > routes.length, 'many requests got past validation')
})

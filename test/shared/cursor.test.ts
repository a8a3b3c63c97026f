// Signed list cursors: only what the server issued opens, for the list it was
// issued for; a rotation keeps the previous secret's cursors valid.
import t from 'tap'
import { loadConfig } from '../../src/config/config.js'
import { CursorCodec } from '../../src/shared/cursor.js'

const notIssued = { name: 'DomainError', status: 422, slug: 'validation-failed' }

t.test('seal and open', async (t) => {
  const codec = new CursorCodec(['a-cursor-secret-of-some-length'])
  const cursor = codec.seal('claims', { s: 'c', k: '2026-11-01T10:00:00.123456+00:00' })
  t.match(cursor, /^[\w-]+\.[\w-]{22}$/, 'base64url payload and a 128-bit tag')
  t.same(codec.open('claims', cursor), { s: 'c', k: '2026-11-01T10:00:00.123456+00:00' })
  t.same(codec.openTime('threads', codec.sealTime('threads', new Date(0), '00000000-0000-4000-8000-000000000000')), {
    at: '1970-01-01T00:00:00.000Z',
    id: '00000000-0000-4000-8000-000000000000',
  })
  t.equal(codec.openId('messages', codec.sealId('messages', '9223372036854775807')), '9223372036854775807')
})

t.test('anything else is a 422 naming the field', async (t) => {
  const codec = new CursorCodec(['a-cursor-secret-of-some-length'])
  const cursor = codec.seal('threads', { t: '2026-11-01T10:00:00.000Z', i: '00000000-0000-4000-8000-000000000000' })
  const [body, tag] = cursor.split('.') as [string, string]
  const unsigned = Buffer.from(JSON.stringify({ t: '1', i: '00000000-0000-4000-8000-000000000000' })).toString(
    'base64url',
  )
  const flipped = (s: string) => s.slice(0, 3) + (s[3] === 'A' ? 'B' : 'A') + s.slice(4)
  const cases: [string, string][] = [
    ['unsigned', unsigned],
    ['unsigned with a dot', `${unsigned}.`],
    ['a payload of its own with a real tag', `${unsigned}.${tag}`],
    ['a changed payload', `${flipped(body)}.${tag}`],
    ['a changed tag', `${body}.${flipped(tag)}`],
    ['a short tag', `${body}.${tag.slice(0, 10)}`],
    ['no payload', `.${tag}`],
    ['empty', ''],
    ['junk', '%%%.%%%'],
  ]
  for (const [what, bad] of cases) {
    t.throws(() => codec.open('threads', bad, 'after'), { ...notIssued, extensions: { field: 'after' } }, what)
  }
  t.throws(() => codec.open('violations', cursor), notIssued, 'issued for another list')
  t.throws(() => new CursorCodec(['another-secret-of-some-length']).open('threads', cursor), notIssued, 'another key')
  // Signed, but not the shape the typed readers expect.
  t.throws(() => codec.openId('threads', codec.seal('threads', { m: '9999999999999999999' })), notIssued)
  t.throws(() => codec.openTime('threads', codec.seal('threads', { t: 'soon', i: 'x' })), notIssued)
})

t.test('rotation: the previous secret still opens, and stops once dropped', async (t) => {
  const before = new CursorCodec(['the-old-cursor-secret-0001'])
  const during = new CursorCodec(['the-new-cursor-secret-0002', 'the-old-cursor-secret-0001'])
  const after = new CursorCodec(['the-new-cursor-secret-0002'])
  const old = before.sealId('feed', '42')
  t.equal(during.openId('feed', old), '42', 'a cursor of the previous secret')
  const fresh = during.sealId('feed', '43')
  t.equal(after.openId('feed', fresh), '43', 'new cursors are signed with the new secret')
  t.throws(() => before.openId('feed', fresh), notIssued)
  t.throws(() => after.openId('feed', old), notIssued, 'the previous secret retired')
})

t.test('configuration: CURSOR_SECRET, by default the JWT secret; CURSOR_SECRET_PREVIOUS', async (t) => {
  const jwt = 'a-jwt-secret-for-this-test'
  t.same(loadConfig({ JWT_SECRET: jwt }).cursorSecrets, [jwt])
  t.same(loadConfig({ JWT_SECRET: jwt, CURSOR_SECRET: 'cursor-secret-0123456' }).cursorSecrets, [
    'cursor-secret-0123456',
  ])
  t.same(
    loadConfig({ JWT_SECRET: jwt, CURSOR_SECRET: 'cursor-secret-0123456', CURSOR_SECRET_PREVIOUS: jwt }).cursorSecrets,
    ['cursor-secret-0123456', jwt],
  )
  t.throws(() => loadConfig({ JWT_SECRET: jwt, CURSOR_SECRET: 'short' }), /CURSOR_SECRET must be at least 16/)

  // Exposed (production, or a non-loopback host): the operator's own secrets, 32 characters at least.
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: 'j'.repeat(32),
    PSEUDONYM_SECRET: 'p'.repeat(32),
    METRICS_TOKEN: 'm'.repeat(32),
  }
  t.same(loadConfig(production).cursorSecrets, ['j'.repeat(32)])
  t.throws(
    () => loadConfig({ ...production, CURSOR_SECRET_PREVIOUS: 'c'.repeat(20) }),
    /CURSOR_SECRET_PREVIOUS must be at least 32/,
  )
  t.throws(
    () => loadConfig({ ...production, CURSOR_SECRET: 'claimdesk-development-secret-change-me' }),
    /CURSOR_SECRET is the published development secret/,
  )
})

// Tokens must expire: one without `exp`, or valid for longer than policy
// token_lifetime_max (measured from its `iat`, or from now when it has none or
// claims to be issued in the future), is a 401 on the API, the queue dashboard
// and a private /docs. `npm run token` mints tokens within the policy.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { createSigner } from 'fast-jwt'
import t from 'tap'
import { createTokenVerifier, signToken } from '../../src/auth/principal.js'
import { PROBLEM_BASE } from '../../src/shared/errors.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'

const HOUR_S = 3600
const DAY_S = 24 * HOUR_S
const nowS = () => Math.floor(Date.now() / 1000)

/** A token with exactly these time claims (the signer adds no iat of its own, and keeps a given one). */
function rawToken(secret: string, claims: { exp?: number; iat?: number }): string {
  const sign = createSigner({ key: secret, algorithm: 'HS256', noTimestamp: claims.iat === undefined })
  return sign({ sub: 'buyer-1', role: 'buyer', ...claims })
}

async function get(api: TestApp, url: string, token: string) {
  return api.app.inject({ url, headers: { authorization: `Bearer ${token}` } })
}

t.test('the API refuses tokens without exp or valid too long (default token_lifetime_max P1D)', async (t) => {
  const api = await buildTestApp(t, {}, { config: { docsPublic: false } })
  const secret = api.config.jwtSecret
  const refused: [string, string][] = [
    ['no exp', rawToken(secret, {})],
    ['no exp, with iat', rawToken(secret, { iat: nowS() })],
    ['valid for a century', rawToken(secret, { iat: nowS(), exp: nowS() + 100 * 365 * DAY_S })],
    ['no iat, valid for two days from now', rawToken(secret, { exp: nowS() + 2 * DAY_S })],
    ['issued a year ago for a year and a day', rawToken(secret, { iat: nowS() - 365 * DAY_S, exp: nowS() + DAY_S })],
    ['issued in the future', rawToken(secret, { iat: nowS() + 365 * DAY_S, exp: nowS() + 365 * DAY_S + HOUR_S })],
    ['minted for 25 hours', signToken(secret, { role: 'buyer', id: 'buyer-1' }, 25 * HOUR_S)],
  ]
  for (const [what, token] of refused) {
    for (const url of ['/v1/claims', '/docs/json', '/admin/queues/api/queues']) {
      const res = await get(api, url, token)
      t.equal(res.statusCode, 401, `${what}: ${url} is 401`)
      t.equal(res.json().type, `${PROBLEM_BASE}unauthorized`, `${what}: ${url} says unauthorized`)
    }
  }
  const detail = (await get(api, '/v1/claims', refused[0]![1])).json().detail
  t.match(detail, /no expiry \(exp\)/, 'says what is missing')
  t.match((await get(api, '/v1/claims', refused[2]![1])).json().detail, /token_lifetime_max/, 'names the policy')

  const accepted: [string, string][] = [
    ['the helpers’ day-long token', api.token('buyer', 'buyer-1')],
    ['an hour, no iat', rawToken(secret, { exp: nowS() + HOUR_S })],
    ['a day issued an hour ago', rawToken(secret, { iat: nowS() - HOUR_S, exp: nowS() + DAY_S - HOUR_S })],
  ]
  for (const [what, token] of accepted) {
    t.equal((await get(api, '/v1/claims', token)).statusCode, 200, `${what}: accepted`)
  }
  const arbiter = signToken(secret, { role: 'arbiter', id: 'arb-1' })
  t.equal((await get(api, '/admin/queues/api/queues', arbiter)).statusCode, 200, 'the dashboard takes a good one')
})

t.test('the maximum is a policy', async (t) => {
  const api = await buildTestApp(t, { token_lifetime_max: 'PT1H' })
  const secret = api.config.jwtSecret
  t.equal((await get(api, '/v1/claims', signToken(secret, { role: 'buyer', id: 'b' }, DAY_S))).statusCode, 401)
  t.equal((await get(api, '/v1/claims', signToken(secret, { role: 'buyer', id: 'b' }, HOUR_S))).statusCode, 200)
})

t.test('a minute of clock skew between the minter and the API is tolerated', async (t) => {
  const verify = createTokenVerifier('s'.repeat(32), DAY_S * 1000)
  // The minter's clock 30 s ahead: its iat is in our future, its full day ends 30 s past our now + 1 day.
  const ahead = rawToken('s'.repeat(32), { iat: nowS() + 30, exp: nowS() + 30 + DAY_S })
  t.match(verify(ahead), { id: 'buyer-1', role: 'buyer' })
  const tooFar = rawToken('s'.repeat(32), { iat: nowS() + 120, exp: nowS() + 120 + DAY_S })
  t.throws(() => verify(tooFar), { message: /token_lifetime_max/ })
})

t.test('npm run token mints a token that expires within the policy', async (t) => {
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/token.ts', ...args], {
      env: { ...process.env, NODE_ENV: 'development', JWT_SECRET: 'cli-secret-of-at-least-16', HOST: '127.0.0.1' },
    })
  const { stdout } = await run(['--role', 'seller', '--sub', 'shop-1'])
  const payload = JSON.parse(Buffer.from(stdout.trim().split('.')[1]!, 'base64url').toString())
  t.equal(payload.exp - payload.iat, DAY_S, 'a day by default')
  t.match(payload, { sub: 'shop-1', role: 'seller' })
  const short = await run(['--role', 'buyer', '--sub', 'b', '--expires-in', '600'])
  const shortPayload = JSON.parse(Buffer.from(short.stdout.trim().split('.')[1]!, 'base64url').toString())
  t.equal(shortPayload.exp - shortPayload.iat, 600)
  for (const bad of [String(2 * DAY_S), 'never', '0']) {
    const failed = await run(['--role', 'buyer', '--sub', 'b', '--expires-in', bad]).then(
      () => undefined,
      (err: { code: number; stderr: string; stdout: string }) => err,
    )
    t.equal(failed?.code, 2, `--expires-in ${bad} is refused`)
    t.match(failed?.stderr, /--expires-in must be 1-86400 seconds \(policy token_lifetime_max\)/)
    t.equal(failed?.stdout, '', 'and prints no token')
  }
})

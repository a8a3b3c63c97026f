// Production secrets: an exposed deployment (NODE_ENV=production, or HOST not a
// loopback address) refuses the development JWT secret, short secrets, a
// pseudonym secret shared with (or defaulting to) the JWT secret, and a missing
// metrics token, each with one line naming the variable. Loopback development
// keeps its defaults.
import t, { type Test } from 'tap'
import { ConfigError, loadConfig } from '../../src/config/config.js'

const DEV_SECRET = 'claimdesk-development-secret-change-me'
const JWT = 'j'.repeat(32)
const PSEUDONYM = 'p'.repeat(32)
const METRICS = 'm'.repeat(32)
const GOOD = { JWT_SECRET: JWT, PSEUDONYM_SECRET: PSEUDONYM, METRICS_TOKEN: METRICS }

/** The two ways a deployment is exposed: production mode, or listening beyond loopback. */
const EXPOSED: Record<string, NodeJS.ProcessEnv> = {
  'NODE_ENV=production': { NODE_ENV: 'production' },
  'HOST=0.0.0.0': { HOST: '0.0.0.0' },
  'HOST=::': { HOST: '::' },
  'HOST=10.1.2.3': { HOST: '10.1.2.3' },
  'HOST=api.internal': { HOST: 'api.internal' },
}

function refused(t: Test, env: NodeJS.ProcessEnv, message: string, what: string): void {
  t.throws(() => loadConfig(env), new ConfigError(message), what)
}

t.test('an exposed deployment refuses the development secret, however it is given', async (t) => {
  for (const [name, exposed] of Object.entries(EXPOSED)) {
    refused(
      t,
      { ...exposed, PSEUDONYM_SECRET: PSEUDONYM, METRICS_TOKEN: METRICS },
      `JWT_SECRET must be set when ${name}`,
      `${name}, unset`,
    )
    refused(
      t,
      { ...exposed, ...GOOD, JWT_SECRET: DEV_SECRET },
      `JWT_SECRET is the published development secret; set your own (at least 32 characters) when ${name}`,
      `${name}, the development secret`,
    )
  }
})

t.test('an exposed deployment refuses secrets shorter than 32 characters', async (t) => {
  for (const [name, exposed] of Object.entries(EXPOSED)) {
    refused(
      t,
      { ...exposed, ...GOOD, JWT_SECRET: 'x'.repeat(31) },
      `JWT_SECRET must be at least 32 characters when ${name}`,
      `${name}: JWT_SECRET`,
    )
    refused(
      t,
      { ...exposed, ...GOOD, PSEUDONYM_SECRET: 'y'.repeat(31) },
      `PSEUDONYM_SECRET must be at least 32 characters when ${name}`,
      `${name}: PSEUDONYM_SECRET`,
    )
    refused(
      t,
      { ...exposed, ...GOOD, METRICS_TOKEN: 'z'.repeat(31) },
      `METRICS_TOKEN must be at least 32 characters when ${name}`,
      `${name}: METRICS_TOKEN`,
    )
  }
})

t.test('an exposed deployment refuses a pseudonym secret equal to or defaulting to the JWT secret', async (t) => {
  for (const [name, exposed] of Object.entries(EXPOSED)) {
    refused(
      t,
      { ...exposed, JWT_SECRET: JWT, METRICS_TOKEN: METRICS },
      `PSEUDONYM_SECRET must be set when ${name} (it must differ from JWT_SECRET)`,
      `${name}, unset`,
    )
    refused(
      t,
      { ...exposed, ...GOOD, PSEUDONYM_SECRET: JWT },
      `PSEUDONYM_SECRET must differ from JWT_SECRET when ${name}`,
      `${name}, equal`,
    )
  }
})

t.test('an exposed deployment requires a metrics token', async (t) => {
  for (const [name, exposed] of Object.entries(EXPOSED)) {
    refused(
      t,
      { ...exposed, JWT_SECRET: JWT, PSEUDONYM_SECRET: PSEUDONYM },
      `METRICS_TOKEN must be set when ${name}`,
      name,
    )
  }
})

t.test('an exposed deployment with its own secrets starts', async (t) => {
  for (const [name, exposed] of Object.entries(EXPOSED)) {
    const config = loadConfig({ ...exposed, ...GOOD })
    t.match(config, { jwtSecret: JWT, pseudonymSecret: PSEUDONYM, metricsToken: METRICS, exposed: true }, name)
  }
})

t.test('loopback development keeps its defaults', async (t) => {
  for (const host of [undefined, '127.0.0.1', '127.8.9.10', '::1', 'localhost']) {
    const config = loadConfig(host === undefined ? {} : { HOST: host })
    t.equal(config.jwtSecret, DEV_SECRET, `HOST=${host}: the development secret`)
    t.equal(config.pseudonymSecret, DEV_SECRET, `HOST=${host}: the pseudonym secret defaults to it`)
    t.equal(config.metricsToken, undefined, `HOST=${host}: no metrics token`)
    t.equal(config.exposed, false, `HOST=${host}: not exposed`)
  }
  t.equal(loadConfig({ NODE_ENV: 'test' }).env, 'test')
  t.throws(
    () => loadConfig({ JWT_SECRET: 'short' }),
    new ConfigError('JWT_SECRET must be at least 16 characters'),
    'a development secret still has a floor',
  )
})

// docker-compose.yml is how most people first run the service on a reachable
// host: it must take the operator's secrets (no defaults printed in the file),
// run in production mode, publish only the API, and give Postgres a password.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config/config.js'

interface Service {
  environment?: Record<string, string>
  ports?: string[]
  command?: string[] | string
}
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, Service>
}
const { postgres, redis, claimdesk } = compose.services as Record<'postgres' | 'redis' | 'claimdesk', Service>

/** `${NAME:?message}`: compose refuses to start while NAME is unset or empty. */
const requiredVariable = (value: string | undefined, name: string) =>
  new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`).test(value ?? '')

t.test('the API takes the operator’s secrets and runs in production mode', async (t) => {
  const env = claimdesk.environment ?? {}
  for (const name of ['JWT_SECRET', 'PSEUDONYM_SECRET', 'METRICS_TOKEN']) {
    t.ok(requiredVariable(env[name], name), `${name} is required, with no default: ${env[name]}`)
  }
  t.equal(env.NODE_ENV, 'production')
  t.notOk(JSON.stringify(compose).includes('claimdesk-development-secret'), 'no development secret in the file')
  // Production mode leaves out devDependencies, which the build needs.
  t.match(String(claimdesk.command), /npm ci --include=dev/)
})

t.test('only the API is published; Postgres needs a password from a required variable', async (t) => {
  t.same(postgres.ports, undefined, 'Postgres is not published')
  t.same(redis.ports, undefined, 'Redis is not published')
  t.same(claimdesk.ports, ['3000:3000'], 'the API is')
  const pg = postgres.environment ?? {}
  t.notOk('POSTGRES_HOST_AUTH_METHOD' in pg, 'no trust authentication')
  t.ok(requiredVariable(pg.POSTGRES_PASSWORD, 'POSTGRES_PASSWORD'), `a required password: ${pg.POSTGRES_PASSWORD}`)
  t.match(claimdesk.environment?.DATABASE_URL, /^postgres:\/\/postgres:\$\{POSTGRES_PASSWORD\}@postgres:5432\//)
})

t.test('the API’s environment, with the variables filled in, passes the production checks', async (t) => {
  const filled: NodeJS.ProcessEnv = {
    JWT_SECRET: 'j'.repeat(40),
    PSEUDONYM_SECRET: 'p'.repeat(40),
    METRICS_TOKEN: 'm'.repeat(40),
    POSTGRES_PASSWORD: 'secret',
  }
  const env = Object.fromEntries(
    Object.entries(claimdesk.environment ?? {}).map(([k, v]) => [
      k,
      v.replace(/\$\{(\w+)(:\?[^}]*)?\}/g, (_, name: string) => filled[name] ?? ''),
    ]),
  )
  const config = loadConfig(env)
  t.equal(config.env, 'production')
  t.equal(config.host, '0.0.0.0')
  t.equal(config.databaseUrl, 'postgres://postgres:secret@postgres:5432/claimdesk')
})

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
  profiles?: string[]
  deploy?: { replicas?: number }
  volumes?: string[]
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

t.test('the scale profile: two API and two worker replicas behind the proxy, nothing else published', async (t) => {
  const { api, workers, proxy, build } = compose.services as Record<'api' | 'workers' | 'proxy' | 'build', Service>
  for (const [name, service] of Object.entries({ api, workers, proxy, build })) {
    t.same(service.profiles, ['scale'], `${name} is in the scale profile only`)
  }
  t.same(api.command, ['node', 'dist/src/cli/start.js', 'api'])
  t.same(workers.command, ['node', 'dist/src/cli/start.js', 'workers'])
  t.equal(api.deploy?.replicas, 2)
  t.equal(workers.deploy?.replicas, 2)
  t.same(api.ports, undefined, 'the replicas are reached through the proxy')
  t.same(workers.ports, undefined)
  t.same(proxy.ports, ['8080:8080'])
  for (const name of ['JWT_SECRET', 'PSEUDONYM_SECRET', 'METRICS_TOKEN']) {
    t.ok(requiredVariable(api.environment?.[name], name), `api: ${name} required`)
    t.ok(requiredVariable(workers.environment?.[name], name), `workers: ${name} required`)
  }
  t.equal(api.environment?.NODE_ENV, 'production')
  const nginx = readFileSync(new URL('../../deploy/nginx.conf', import.meta.url), 'utf8')
  t.match(nginx, /server api:3000;/, 'the proxy sends to the api service')
  t.ok(proxy.volumes?.includes('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro'))
  // The same production checks pass for the replicas' environment.
  const filled = (value: string) =>
    value.replace(/\$\{(\w+)(:\?[^}]*)?\}/g, (_, name: string) =>
      name === 'POSTGRES_PASSWORD' ? 'secret' : name[0]!.repeat(40),
    )
  const config = loadConfig(Object.fromEntries(Object.entries(api.environment ?? {}).map(([k, v]) => [k, filled(v)])))
  t.equal(config.env, 'production')
  t.same(config.trustProxy, ['172.16.0.0/12', '192.168.0.0/16', '10.0.0.0/8'])
})

// Process configuration from the environment, validated once at start-up.
// Anything wrong is reported as one clear line (ConfigError), never a stack.
import { isIP } from 'node:net'
import { FrameAncestorsError, parseFrameAncestors } from './frame-ancestors.js'
import { isLoopback } from './loopback.js'
import { loadPolicyFile, PolicyError, type Policy } from './policy.js'

export interface Config {
  env: 'production' | 'development' | 'test'
  /** NODE_ENV=production or a non-loopback HOST: its own secrets required, no development conveniences. */
  exposed: boolean
  databaseUrl: string
  /** DATABASE_READ_URL: a streaming replica for the heavy reads (see docs/deployment.md); unset, they go to the primary. */
  databaseReadUrl: string | undefined
  redisUrl: string
  /** REDIS_CLUSTER_NODES: seed nodes of a Redis Cluster; when set, every Redis client is a cluster client and REDIS_URL is not used. */
  redisCluster: RedisClusterConfig | undefined
  host: string
  port: number
  jwtSecret: string
  /** Secret for per-seller buyer pseudonyms; defaults to the JWT secret only in loopback development. */
  pseudonymSecret: string
  /**
   * Secrets list cursors are signed with (src/shared/cursor.ts): CURSOR_SECRET
   * (default the JWT secret) signs, and CURSOR_SECRET_PREVIOUS, when set, is
   * still accepted, for a rotation.
   */
  cursorSecrets: [string, ...string[]]
  /** METRICS_TOKEN: scrapes of /metrics must send it as a bearer token; required once exposed. */
  metricsToken: string | undefined
  /** DOCS_PUBLIC=false: /docs (the OpenAPI document and its UI) needs a valid bearer token. */
  docsPublic: boolean
  /** TRUST_PROXY: fastify's trustProxy (which proxies' X-Forwarded-For names the client address). */
  trustProxy: boolean | string[]
  logLevel: string
  /** WEBHOOK_ALLOW_PRIVATE=true lets webhooks target private and loopback addresses (tests, on-premise receivers). */
  webhookAllowPrivate: boolean
  /** DATABASE_PREPARED_STATEMENTS=false runs every statement unnamed (PgBouncer in transaction mode before 1.21). */
  preparedStatements: boolean
  storage: { kind: 'local'; dir: string } | { kind: 's3'; endpoint: string | undefined; bucket: string; region: string }
  /** WEB_DIST_DIR: the built web app (npm run build:web) served at `/`; the page there says how to build it when missing. */
  webDistDir: string
  /** FRAME_ANCESTORS: the origins that may frame the web app (src/config/frame-ancestors.ts); none by default. */
  frameAncestors: string[]
  /** V8_HEAP_GROWING_PERCENT for the API process (src/cli/heap-tuning.ts); 0 leaves V8's own heuristic. */
  heapGrowingPercent: number
  policy: Policy
}

export interface RedisClusterConfig {
  nodes: { host: string; port: number }[]
  /** REDIS_USERNAME (ACL user) and REDIS_PASSWORD, sent to every node. */
  username: string | undefined
  password: string | undefined
  /** REDIS_TLS=true: TLS to every node (managed clusters). */
  tls: boolean
}

export { isLoopback }

export class ConfigError extends Error {}

const DEV_JWT_SECRET = 'claimdesk-development-secret-change-me'
/** Secrets of an exposed deployment: HS256 wants a key at least as long as its 256-bit output. */
const EXPOSED_SECRET_MIN = 32
const DEV_SECRET_MIN = 16
/** The old generation may grow to 3× what survived the last full GC (see src/cli/heap-tuning.ts). */
const DEFAULT_HEAP_GROWING_PERCENT = 200

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development'
  const databaseUrl = url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/claimdesk', [
    'postgres:',
    'postgresql:',
  ])
  const databaseReadUrl = env.DATABASE_READ_URL
    ? url(env, 'DATABASE_READ_URL', '', ['postgres:', 'postgresql:'])
    : undefined
  const redisUrl = url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:'])
  const redisCluster = env.REDIS_CLUSTER_NODES ? clusterConfig(env) : undefined
  const port = Number(env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be 0-65535, got "${env.PORT}"`)

  const heapGrowingRaw = env.V8_HEAP_GROWING_PERCENT || String(DEFAULT_HEAP_GROWING_PERCENT) // empty counts as unset
  const heapGrowingPercent = Number(heapGrowingRaw)
  if (!/^\d{1,4}$/.test(heapGrowingRaw) || heapGrowingPercent > 1000) {
    throw new ConfigError(`V8_HEAP_GROWING_PERCENT must be an integer 0-1000, got "${env.V8_HEAP_GROWING_PERCENT}"`)
  }

  const host = env.HOST ?? '127.0.0.1'
  // Why the secrets must be the operator's own: the service answers beyond this machine, or says it is production.
  const exposedBy = nodeEnv === 'production' ? 'NODE_ENV=production' : isLoopback(host) ? undefined : `HOST=${host}`
  const { jwtSecret, pseudonymSecret, metricsToken } = exposedBy
    ? exposedSecrets(env, exposedBy)
    : developmentSecrets(env)
  const { cursorSecrets } = cursorSecretsOf(env, jwtSecret, exposedBy)

  let policy: Policy
  try {
    policy = loadPolicyFile(env.POLICY_FILE)
  } catch (err) {
    if (err instanceof PolicyError) throw new ConfigError(err.message)
    throw err
  }

  const storage: Config['storage'] = env.S3_BUCKET
    ? { kind: 's3', endpoint: env.S3_ENDPOINT, bucket: env.S3_BUCKET, region: env.AWS_REGION ?? 'us-east-1' }
    : { kind: 'local', dir: env.STORAGE_DIR ?? 'data/photos' }

  return {
    env: nodeEnv,
    exposed: exposedBy !== undefined,
    databaseUrl,
    databaseReadUrl,
    redisUrl,
    redisCluster,
    host,
    port,
    jwtSecret,
    pseudonymSecret,
    cursorSecrets,
    metricsToken,
    docsPublic: bool(env, 'DOCS_PUBLIC', true),
    trustProxy: trustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    webhookAllowPrivate: env.WEBHOOK_ALLOW_PRIVATE === 'true',
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS !== 'false',
    storage,
    webDistDir: env.WEB_DIST_DIR ?? 'web/dist',
    frameAncestors: frameAncestors(env.FRAME_ANCESTORS, exposedBy !== undefined),
    heapGrowingPercent,
    policy,
  }
}

type Secrets = Pick<Config, 'jwtSecret' | 'pseudonymSecret' | 'metricsToken'>

/** Exposed: every secret is the operator's own, long enough, and the two keys differ. */
function exposedSecrets(env: NodeJS.ProcessEnv, exposedBy: string): Secrets {
  const required = (name: string, hint = ''): string => {
    const value = env[name]
    if (!value) throw new ConfigError(`${name} must be set when ${exposedBy}${hint}`)
    if (value.length < EXPOSED_SECRET_MIN) {
      throw new ConfigError(`${name} must be at least ${EXPOSED_SECRET_MIN} characters when ${exposedBy}`)
    }
    return value
  }
  if (env.JWT_SECRET === DEV_JWT_SECRET) {
    throw new ConfigError(
      `JWT_SECRET is the published development secret; set your own (at least ${EXPOSED_SECRET_MIN} characters) when ${exposedBy}`,
    )
  }
  const jwtSecret = required('JWT_SECRET')
  // A shared key would let anyone holding the JWT secret recompute buyers' pseudonyms, and the reverse.
  const pseudonymSecret = required('PSEUDONYM_SECRET', ' (it must differ from JWT_SECRET)')
  if (pseudonymSecret === jwtSecret)
    throw new ConfigError(`PSEUDONYM_SECRET must differ from JWT_SECRET when ${exposedBy}`)
  return { jwtSecret, pseudonymSecret, metricsToken: required('METRICS_TOKEN') }
}

/** Loopback development: a known secret by default, the pseudonym key defaulting to it, metrics open. */
function developmentSecrets(env: NodeJS.ProcessEnv): Secrets {
  const jwtSecret = env.JWT_SECRET || DEV_JWT_SECRET
  if (jwtSecret.length < DEV_SECRET_MIN) {
    throw new ConfigError(`JWT_SECRET must be at least ${DEV_SECRET_MIN} characters`)
  }
  return { jwtSecret, pseudonymSecret: env.PSEUDONYM_SECRET || jwtSecret, metricsToken: env.METRICS_TOKEN || undefined }
}

/**
 * CURSOR_SECRET signs list cursors (default the JWT secret: the key is derived
 * from it, never the token key itself); CURSOR_SECRET_PREVIOUS is still
 * accepted, for a rotation (docs/input-safety.md).
 */
function cursorSecretsOf(
  env: NodeJS.ProcessEnv,
  jwtSecret: string,
  exposedBy: string | undefined,
): Pick<Config, 'cursorSecrets'> {
  const current = env.CURSOR_SECRET || jwtSecret
  const previous = env.CURSOR_SECRET_PREVIOUS || undefined
  const min = exposedBy ? EXPOSED_SECRET_MIN : DEV_SECRET_MIN
  for (const [name, value] of [
    ['CURSOR_SECRET', current],
    ['CURSOR_SECRET_PREVIOUS', previous],
  ] as const) {
    if (value === undefined) continue
    if (value.length < min) throw new ConfigError(`${name} must be at least ${min} characters`)
    if (exposedBy && value === DEV_JWT_SECRET)
      throw new ConfigError(`${name} is the published development secret; set your own when ${exposedBy}`)
  }
  return { cursorSecrets: previous ? [current, previous] : [current] }
}

function frameAncestors(value: string | undefined, exposed: boolean): string[] {
  try {
    return parseFrameAncestors(value, exposed)
  } catch (err) {
    if (err instanceof FrameAncestorsError) throw new ConfigError(err.message)
    throw err
  }
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name]
  if (value === undefined || value === '') return fallback
  if (value === 'true' || value === 'false') return value === 'true'
  throw new ConfigError(`${name} must be true or false, got "${value}"`)
}

/** true/false, or a comma list of proxy addresses and CIDR ranges (fastify refuses a bare hop count). */
function trustProxy(value: string | undefined): Config['trustProxy'] {
  if (value === undefined || value === '' || value === 'false') return false
  if (value === 'true') return true
  const entries = value.split(',').map((s) => s.trim())
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/')
    const family = isIP(address ?? '')
    const maxBits = family === 6 ? 128 : 32
    if (!family || rest.length > 0 || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits))) {
      throw new ConfigError(`TRUST_PROXY must be true, false or a comma list of addresses/CIDRs, got "${value}"`)
    }
  }
  return entries
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string, protocols: string[]): string {
  const value = env[name] ?? fallback
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${value}"`)
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`)
  }
  return value
}

/** REDIS_CLUSTER_NODES=host:port,host:port (seeds: the client learns the rest of the cluster from them). */
function clusterConfig(env: NodeJS.ProcessEnv): RedisClusterConfig {
  const nodes = (env.REDIS_CLUSTER_NODES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((seed) => {
      const match = /^([^\s:/]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(seed)
      const port = Number(match?.[2])
      if (!match?.[1] || port < 1 || port > 65535)
        throw new ConfigError(`REDIS_CLUSTER_NODES must be host:port seeds separated by commas, got "${seed}"`)
      return { host: match[1].replace(/^\[|\]$/g, ''), port }
    })
  if (nodes.length === 0) throw new ConfigError('REDIS_CLUSTER_NODES names no node')
  const tls = env.REDIS_TLS ?? 'false'
  if (tls !== 'true' && tls !== 'false') throw new ConfigError(`REDIS_TLS must be true or false, got "${tls}"`)
  return {
    nodes,
    username: env.REDIS_USERNAME || undefined,
    password: env.REDIS_PASSWORD || undefined,
    tls: tls === 'true',
  }
}

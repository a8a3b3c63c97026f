// Process configuration from the environment, validated once at start-up.
// Anything wrong is reported as one clear line (ConfigError), never a stack.
import { loadPolicyFile, PolicyError, type Policy } from './policy.js'

export interface Config {
  env: 'production' | 'development' | 'test'
  databaseUrl: string
  /** DATABASE_READ_URL: a streaming replica for the heavy reads (see docs/deployment.md); unset, they go to the primary. */
  databaseReadUrl: string | undefined
  redisUrl: string
  /** REDIS_CLUSTER_NODES: seed nodes of a Redis Cluster; when set, every Redis client is a cluster client and REDIS_URL is not used. */
  redisCluster: RedisClusterConfig | undefined
  host: string
  port: number
  jwtSecret: string
  /** Secret for per-seller buyer pseudonyms; defaults to the JWT secret. */
  pseudonymSecret: string
  logLevel: string
  /** WEBHOOK_ALLOW_PRIVATE=true lets webhooks target private and loopback addresses (tests, on-premise receivers). */
  webhookAllowPrivate: boolean
  /** DATABASE_PREPARED_STATEMENTS=false runs every statement unnamed (PgBouncer in transaction mode before 1.21). */
  preparedStatements: boolean
  storage: { kind: 'local'; dir: string } | { kind: 's3'; endpoint: string | undefined; bucket: string; region: string }
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

export class ConfigError extends Error {}

const DEV_JWT_SECRET = 'claimdesk-development-secret-change-me'
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

  let jwtSecret = env.JWT_SECRET
  if (!jwtSecret) {
    if (nodeEnv === 'production') throw new ConfigError('JWT_SECRET must be set when NODE_ENV=production')
    jwtSecret = DEV_JWT_SECRET
  }
  if (jwtSecret.length < 16) throw new ConfigError('JWT_SECRET must be at least 16 characters')

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
    databaseUrl,
    databaseReadUrl,
    redisUrl,
    redisCluster,
    host: env.HOST ?? '127.0.0.1',
    port,
    jwtSecret,
    pseudonymSecret: env.PSEUDONYM_SECRET ?? jwtSecret,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    webhookAllowPrivate: env.WEBHOOK_ALLOW_PRIVATE === 'true',
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS !== 'false',
    storage,
    heapGrowingPercent,
    policy,
  }
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

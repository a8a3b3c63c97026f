// Redis connections for BullMQ and the API, to one Redis (REDIS_URL) or to a
// Redis Cluster (REDIS_CLUSTER_NODES). Workers need maxRetriesPerRequest: null
// (their blocking commands must wait out a Redis restart); producers fail fast
// instead so callers can record the failure and retry later.
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis'
import type { Config } from '../config/config.js'
import type { Logger } from '../shared/logger.js'
import { CLUSTER_QUEUE_PREFIX, DEFAULT_QUEUE_PREFIX } from './names.js'

/** Either client: BullMQ, the dashboard and the probes take both. */
export type RedisClient = Redis | Cluster

/** Where Redis is: the two settings of the config that say it. */
export type RedisTarget = Pick<Config, 'redisUrl' | 'redisCluster'>

type Role = 'worker' | 'producer' | 'api'

const retry = (times: number) => Math.min(times * 200, 2_000)

const ROLE_OPTIONS: Record<
  Role,
  Pick<RedisOptions, 'maxRetriesPerRequest' | 'connectTimeout' | 'enableOfflineQueue'>
> = {
  worker: { maxRetriesPerRequest: null },
  producer: { maxRetriesPerRequest: 1, connectTimeout: 3_000 },
  /**
   * The API's own calls (dashboard, readiness, rate limits): no offline queue,
   * so while Redis is down a command fails at once (503) instead of waiting for
   * a reconnect; the connection keeps retrying, so the API recovers by itself.
   */
  api: { maxRetriesPerRequest: 1, connectTimeout: 3_000, enableOfflineQueue: false },
}

export function connect(target: RedisTarget, role: Role, logger?: Logger): RedisClient {
  const { enableOfflineQueue, ...perNode } = ROLE_OPTIONS[role]
  let client: RedisClient
  if (target.redisCluster) {
    const { nodes, username, password, tls } = target.redisCluster
    const options: ClusterOptions = {
      clusterRetryStrategy: retry,
      // A master that failed over or restarted answers CLUSTERDOWN/TRYAGAIN for a moment: retry, do not fail.
      retryDelayOnClusterDown: 200,
      retryDelayOnFailover: 200,
      retryDelayOnTryAgain: 200,
      ...(enableOfflineQueue === false ? { enableOfflineQueue: false } : {}),
      redisOptions: { ...perNode, username, password, ...(tls ? { tls: {} } : {}) },
      // TLS certificates name the host the client was given, not the IP a node announces.
      ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    }
    client = new Cluster(nodes, options)
  } else {
    client = new Redis(target.redisUrl, {
      ...perNode,
      retryStrategy: retry,
      ...(enableOfflineQueue === false ? { enableOfflineQueue: false } : {}),
    })
  }
  client.on('error', (err: Error) => logger?.warn({ err: err.message }, `redis connection error (${role})`))
  return client
}

export const workerConnection = (target: RedisTarget, logger?: Logger) => connect(target, 'worker', logger)
export const producerConnection = (target: RedisTarget, logger?: Logger) => connect(target, 'producer', logger)
export const apiConnection = (target: RedisTarget, logger?: Logger) => connect(target, 'api', logger)

/**
 * The BullMQ key prefix for a target. On a cluster every key of a queue must
 * hash to one slot, so the prefix is a hash tag ({claimdesk}); one Redis keeps
 * the plain prefix its existing keys already use.
 */
export const queuePrefixFor = (target: RedisTarget | RedisClient): string =>
  ('isCluster' in target ? target.isCluster : Boolean(target.redisCluster))
    ? CLUSTER_QUEUE_PREFIX
    : DEFAULT_QUEUE_PREFIX

/**
 * A liveness call for readiness and preflight: PING on one Redis; on a cluster,
 * CLUSTER INFO must say cluster_state:ok (a master lost without a replica to
 * take over leaves slots unserved, which PING on a random node would not show).
 */
export async function pingRedis(client: RedisClient): Promise<void> {
  if (!client.isCluster) {
    await client.ping()
    return
  }
  const info = String(await client.cluster('INFO'))
  if (!/cluster_state:ok/.test(info)) throw new Error('redis cluster state is not ok')
}

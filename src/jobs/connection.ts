// Redis connections for BullMQ. Workers need maxRetriesPerRequest: null (their
// blocking commands must wait out a Redis restart); producers fail fast instead
// so callers can record the failure and retry later.
import { Redis } from 'ioredis'
import type { Logger } from '../shared/logger.js'

export function workerConnection(url: string, logger?: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 2_000) })
  redis.on('error', (err) => logger?.warn({ err: err.message }, 'redis connection error (worker)'))
  return redis
}

export function producerConnection(url: string, logger?: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  })
  redis.on('error', (err) => logger?.warn({ err: err.message }, 'redis connection error (producer)'))
  return redis
}

/**
 * The API's own calls (the queue dashboard): no offline queue, so while Redis
 * is down a command fails at once (503) instead of waiting for a reconnect;
 * the connection keeps retrying, so the API recovers without a restart.
 */
export function apiConnection(url: string, logger?: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 3_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  })
  redis.on('error', (err) => logger?.warn({ err: err.message }, 'redis connection error (api)'))
  return redis
}

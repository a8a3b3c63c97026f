// Prometheus metrics (prom-client) on a registry of our own: HTTP requests by
// route and status, claims by state and queue depths (set on scrape by
// src/routes/metrics.ts), deadline lateness (the deadline worker observes it
// through observeDeadlineLateness), webhook delivery outcomes, upload buffer
// allocations, and prom-client's default process metrics (CPU, memory,
// event-loop delay, GC pauses by kind: full GCs are what photo uploads cost
// beyond the image work, see src/http/upload-buffers.ts).
//
// Metrics live in the process that records them: with `start all` API and
// workers share one registry; a separate workers process has its own (and no
// /metrics endpoint).
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

export const metricsRegistry = new Registry()
collectDefaultMetrics({ register: metricsRegistry })

export const httpRequests = new Counter({
  name: 'claimdesk_http_requests_total',
  help: 'HTTP requests by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
})

export const httpDuration = new Histogram({
  name: 'claimdesk_http_request_duration_seconds',
  help: 'HTTP request latency by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
})

export const claimsByState = new Gauge({
  name: 'claimdesk_claims',
  help: 'Claims by state (counted on scrape)',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
})

export const queueJobs = new Gauge({
  name: 'claimdesk_queue_jobs',
  help: 'BullMQ jobs by queue and state (read on scrape)',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
})

export const redisUp = new Gauge({
  name: 'claimdesk_redis_up',
  help: 'Whether the last scrape could read the queue depths from Redis (0: down or too slow; claimdesk_queue_jobs then keeps its last values)',
  registers: [metricsRegistry],
})

export const scrapeErrors = new Counter({
  name: 'claimdesk_metrics_scrape_errors_total',
  help: 'Scrape-time collections that failed or timed out, by source',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
})

export const deadlineLateness = new Histogram({
  name: 'claimdesk_deadline_lateness_seconds',
  help: 'How late a deadline fired: firing time minus due time, by deadline kind',
  labelNames: ['kind'] as const,
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
  registers: [metricsRegistry],
})

export const webhookDeliveries = new Counter({
  name: 'claimdesk_webhook_attempts_total',
  help: 'Webhook delivery attempts by outcome (success, failure, refused)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
})

export const webhookFailures = new Counter({
  name: 'claimdesk_webhook_failures_total',
  help: 'Failed webhook delivery attempts (non-2xx, network error, timeout, refused address)',
  registers: [metricsRegistry],
})

export const uploadBufferAllocations = new Counter({
  name: 'claimdesk_upload_buffer_allocations_total',
  help: 'Buffers allocated for uploads: "slab" (pooled, none was idle) or "own" (a small body, not pooled); a steady slab rate means the pool is too small',
  labelNames: ['size'] as const,
  registers: [metricsRegistry],
})

/** For the deadline worker: call when a deadline fires (applied), with its due and firing times in epoch ms. */
export function observeDeadlineLateness(kind: string, dueAtMs: number, firedAtMs: number = Date.now()): void {
  deadlineLateness.observe({ kind }, Math.max(0, firedAtMs - dueAtMs) / 1000)
}

/**
 * Counts and times every request by its route pattern (never the raw URL:
 * ids would explode the label set). Register at the root, before the routes.
 */
export const httpMetricsPlugin = fp(
  async (app) => {
    // Callback style: nothing here awaits.
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched'
      const labels = { method: request.method, route, status: String(reply.statusCode) }
      httpRequests.inc(labels)
      httpDuration.observe(labels, reply.elapsedTime / 1000)
      done()
    })
  },
  { name: 'http-metrics' },
)

export const readReplicaUp = new Gauge({
  name: 'claimdesk_read_replica_up',
  help: 'Whether the heavy reads go to the read replica (0: it is down, failing or lagging, and they go to the primary)',
  registers: [metricsRegistry],
})

export const readReplicaFallbacks = new Counter({
  name: 'claimdesk_read_replica_fallbacks_total',
  help: 'Reads that failed on the read replica and were run again on the primary',
  registers: [metricsRegistry],
})

// GET /metrics: HTTP requests by route pattern and status, claims by state,
// queue depths, deadline lateness and webhook failures.
import t from 'tap'
import { observeDeadlineLateness } from '../../src/http/metrics.js'
import { openClaim, registerOrder } from '../helpers/fixtures.js'
import { feedTestApp } from './helpers/app.js'

t.test('the Prometheus exposition', async (t) => {
  const app = await feedTestApp(t)
  await openClaim(app, await registerOrder(app))
  await app.call(['service', 'marketplace'], { method: 'GET', url: '/v1/events?limit=5' })
  await app.call(['service', 'marketplace'], {
    method: 'GET',
    url: '/v1/webhooks/00000000-0000-4000-8000-000000000000',
  })
  observeDeadlineLateness('seller_response', Date.now() - 2_500)

  const res = await app.call(null, { method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/plain; version=0\.0\.4/)
  const text = res.body
  t.match(text, /claimdesk_http_requests_total\{method="GET",route="\/v1\/events",status="200"\} 1/)
  t.match(
    text,
    /claimdesk_http_requests_total\{method="GET",route="\/v1\/webhooks\/:id",status="404"\} 1/,
    'the route pattern, not the URL',
  )
  t.match(
    text,
    /claimdesk_http_request_duration_seconds_bucket\{le="[\d.]+",method="GET",route="\/v1\/events",status="200"\}/,
  )
  t.match(text, /claimdesk_claims\{state="awaiting_seller"\} 1/)
  t.match(text, /claimdesk_queue_jobs\{queue="deadlines",state="waiting"\} \d+/)
  t.match(text, /claimdesk_queue_jobs\{queue="webhooks",state="failed"\} \d+/)
  t.match(text, /claimdesk_deadline_lateness_seconds_count\{kind="seller_response"\} 1/)
  t.match(text, /claimdesk_deadline_lateness_seconds_bucket\{le="5",kind="seller_response"\} 1/)
  t.match(text, /# TYPE claimdesk_webhook_failures_total counter/)
  t.match(text, /# TYPE claimdesk_upload_buffer_allocations_total counter/)
  t.match(text, /^process_cpu_seconds_total \d/m, 'default process metrics')
  t.match(text, /# TYPE nodejs_gc_duration_seconds histogram/, 'GC pauses by kind')
})

// The workers' housekeeping on a Redis key prefix of the test's own, run until a condition holds.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Test } from 'tap'
import { Queue } from 'bullmq'
import { QUEUE_NAMES } from '../../../src/jobs/names.js'
import { startWorkers } from '../../../workers/index.js'
import { WEBHOOK_QUEUE } from '../../../workers/webhooks.js'
import type { TestApp } from '../../helpers/app.js'

/** Starts the workers (housekeeping runs as they start, then every 10 s) and waits up to 10 s for `until`; fails if it never holds. */
export async function runHousekeeping(t: Test, api: TestApp, until: () => Promise<boolean>): Promise<void> {
  const prefix = `cdt-hk-${randomBytes(4).toString('hex')}`
  const workers = await startWorkers({ config: api.config, db: api.db, prefix })
  t.teardown(async () => {
    await workers.close()
    // The shared Redis keeps nothing of these workers (the sweeper's scheduler, say).
    for (const name of [...QUEUE_NAMES, WEBHOOK_QUEUE]) {
      const queue = new Queue(name, { connection: api.redis, prefix })
      await queue.obliterate({ force: true })
      await queue.close()
    }
  })
  // Housekeeping runs as the workers start, then every 10 s.
  let reached = await until()
  for (let i = 0; i < 100 && !reached; i++) {
    await sleep(100)
    reached = await until()
  }
  assert.ok(reached, 'housekeeping did not bring about the expected state within 10 s')
}

// What every worker piece needs, built once by startWorkers.
import type { Db } from '../src/db/database.js'
import type { Policy } from '../src/config/policy.js'
import type { Clock } from '../src/shared/clock.js'
import type { ClaimDeadlinesService } from '../src/domain/claims/claim-deadlines.service.js'
import type { Logger } from '../src/shared/logger.js'
import type { Queues } from '../src/jobs/queues.js'

export interface WorkerContext {
  db: Db
  policy: Policy
  clock: Clock
  deadlines: ClaimDeadlinesService
  queues: Queues
  logger: Logger
}

/** Jobs for deadlines (and reminders) due within this window are (re)created by each sweep. */
export const horizonMs = (policy: Policy): number => 2 * policy.sweep_interval

/** A Redis call that hangs (Redis down) must not stall the loop that made it. */
export const REDIS_CALL_TIMEOUT_MS = 5_000

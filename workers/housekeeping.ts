// Housekeeping: removes the jobs of cancelled deadlines from Redis and prunes
// the relayed outbox rows, the feed, webhook deliveries and idempotency keys
// past their retention. The feed and the delivery log are partitioned by
// month: it makes the coming months' partitions and drops a month once it may
// go (src/domain/feed/partitions.repository.ts); the batched prunes clear what
// lands in their default partitions. It is a BullMQ job scheduler on the maintenance queue,
// like the sweeper, so however many worker processes run, one round runs per
// interval (a timer in each process would run it once per process).
import { pruneDeliveries, pruneFeed } from '../src/domain/feed/retention.repository.js'
import {
  dropExpiredDeliveryMonth,
  dropExpiredFeedMonth,
  ensureMonthsAhead,
} from '../src/domain/feed/partitions.repository.js'
import { pruneIdempotencyKeys } from '../src/http/idempotency.repository.js'
import type { WorkerContext } from './context.js'
import { pruneOnce, unscheduleOnce } from './relay.js'

export const HOUSEKEEPING_MS = 10_000
const OUTBOX_RETENTION_MS = 24 * 3600_000
/** One job works off a backlog batch after batch, for at most this long; the next round goes on. */
const ROUND_BUDGET_MS = 5_000

export interface HousekeepingResult {
  unscheduled: number
  outbox: number
  feed: number
  deliveries: number
  idempotencyKeys: number
  /** Month partitions made ahead. */
  partitionsMade: number
  /** Month partitions dropped: feed months, then delivery-log months. */
  monthsDropped: string[]
}

export async function housekeepOnce(ctx: WorkerContext): Promise<HousekeepingResult> {
  const partitionsMade = await ensureMonthsAhead(ctx.db).catch((err: unknown) => {
    // Say so, and prune on: rows of a month without its partition go to the default one meanwhile.
    ctx.logger.error({ err: (err as Error).message }, 'could not make the month partitions ahead')
    return 0
  })
  if (partitionsMade > 0) ctx.logger.info({ made: partitionsMade }, 'month partitions made ahead')
  const total: HousekeepingResult = {
    unscheduled: 0,
    outbox: 0,
    feed: 0,
    deliveries: 0,
    idempotencyKeys: 0,
    partitionsMade,
    monthsDropped: [],
  }
  const ends = Date.now() + ROUND_BUDGET_MS
  for (;;) {
    const feedMonth = await dropExpiredFeedMonth(ctx.db, ctx.policy.feed_retention)
    const deliveryMonth = await dropExpiredDeliveryMonth(ctx.db, ctx.policy.feed_retention)
    for (const month of [feedMonth, deliveryMonth]) {
      if (month === null) continue
      total.monthsDropped.push(month)
      ctx.logger.info({ partition: month }, 'month partition dropped (retention)')
    }
    const removed = await unscheduleOnce(ctx)
    const pruned = await pruneOnce(ctx, OUTBOX_RETENTION_MS)
    const events = await pruneFeed(ctx.db, ctx.policy.feed_retention)
    const deliveries = await pruneDeliveries(ctx.db, ctx.policy.feed_retention)
    const keys = await pruneIdempotencyKeys(ctx.db, ctx.policy.idempotency_retention)
    total.unscheduled += removed
    total.outbox += pruned
    total.feed += events
    total.deliveries += deliveries
    total.idempotencyKeys += keys
    const more =
      feedMonth !== null ||
      deliveryMonth !== null ||
      removed >= 500 ||
      pruned >= 1_000 ||
      events >= 1_000 ||
      deliveries >= 1_000 ||
      keys >= 1_000
    if (!more || Date.now() > ends) return total
  }
}

// Runs an async step over and over without overlap until stopped. Errors are
// logged and the loop goes on: a relay that dies silently loses deadlines.
import type { Logger } from '../src/shared/logger.js'
import { withTimeout } from '../src/shared/timeout.js'

export interface Ticker {
  stop(): Promise<void>
}

/**
 * `step` returns true when it has more work right away (a full batch), and the
 * next run starts at once; otherwise it waits `intervalMs`.
 */
export function startTicker(name: string, intervalMs: number, step: () => Promise<boolean>, logger: Logger): Ticker {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let wake: (() => void) | undefined
  const loop = (async () => {
    while (!stopped) {
      let more = false
      try {
        more = await step()
      } catch (err) {
        logger.error({ err: (err as Error).message, ticker: name }, 'background step failed')
      }
      if (stopped || more) continue
      await new Promise<void>((resolve) => {
        wake = resolve
        timer = setTimeout(resolve, intervalMs)
      })
    }
  })()
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      wake?.()
      await loop
    },
  }
}

/**
 * Closes BullMQ workers: running jobs get `ms` to finish, then the workers are
 * forced and their jobs' locks lapse, so another worker retries them.
 */
export async function closeWorkersWithin(
  workers: readonly { close(force?: boolean): Promise<void> }[],
  ms: number,
  logger: { warn(obj: object, msg?: string): void },
): Promise<void> {
  await withTimeout(Promise.all(workers.map((w) => w.close())), ms, 'closing workers').catch(async (err: Error) => {
    logger.warn({ err: err.message }, 'workers did not stop in time; forcing')
    await Promise.all(workers.map((w) => w.close(true)))
  })
}

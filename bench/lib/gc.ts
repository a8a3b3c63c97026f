// Counts V8 full (mark-compact) collections over a stretch of a benchmark:
// under upload load they are the main cost the HTTP path adds per photo.
import { PerformanceObserver, constants, type NodeGCPerformanceDetail, type PerformanceEntry } from 'node:perf_hooks'

export interface GcCounter {
  /** Stops counting and returns the mark-compacts seen (after pending entries are delivered). */
  stop(): Promise<number>
}

export function countMarkCompacts(): GcCounter {
  let count = 0
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as PerformanceEntry & { detail?: NodeGCPerformanceDetail }).detail
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) count++
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  return {
    async stop() {
      // GC entries are queued and delivered asynchronously.
      await new Promise((resolve) => setImmediate(resolve))
      observer.disconnect()
      return count
    },
  }
}

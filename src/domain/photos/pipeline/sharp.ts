// sharp configured once for the whole process; every photo module imports it from here.
import { availableParallelism } from 'node:os'
import sharp from 'sharp'

// Each photo is different bytes: libvips' operation cache only holds memory.
sharp.cache(false)
// One libvips worker thread per operation. Parallelism comes from running
// several operations at once (libuv pool), which on a 2-core box keeps both
// cores busy without oversubscribing them (see bench/photo-pipeline.ts).
sharp.concurrency(1)

/** How many photos may be processed at once: one per core. */
export const PHOTO_PARALLELISM = Math.max(1, availableParallelism())

export default sharp

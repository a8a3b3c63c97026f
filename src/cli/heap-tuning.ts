// V8 heap sizing for the API process.
//
// Why: under photo uploads V8 sizes the old generation at 1.2–1.4× what
// survived the last full GC (its own heuristic, from GC speed against
// allocation speed), and the upload and image buffers' external memory
// counts against that headroom. The API then ran a full GC every three or
// four 12-MP photos, each 30–80 ms of main-thread marking and pause, and
// never left that mode. A fixed growing factor of 3× (the default 200 %)
// costs up to about twice the live heap (~100 MB) in garbage kept between
// full GCs, and took them from ~0.3 to 0.00–0.03 per photo (bench/photos.ts).
//
// Set at run time, not as a node flag: an option a later V8 drops must not
// stop the service from starting (V8 reports an unknown flag and goes on).
import { setFlagsFromString } from 'node:v8'

/** Fixes V8's heap growing factor at 1 + percent / 100; 0 keeps V8's heuristic. */
export function applyHeapGrowingPercent(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`)
}

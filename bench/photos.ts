// Photo uploads over HTTP against sharp alone, plus the decompression-bomb
// refusal's time and memory.
//
//   npx tsx bench/photos.ts [seconds=10] [rounds=2]     (BENCH_LEVELS: photos in flight, default cores, cores+1, cores+2;
//                                                        BENCH_API_NODE_ARGS: flags for the API process alone)
//
// 1. Throughput: the API as users run it (`src/cli/start.ts api`, its own
//    process, its own database cloned from the migrated template, a tmp
//    STORAGE_DIR) takes POST /v1/claims as multipart with one 12-MP JPEG
//    each: multipart parse, the full pipeline (type sniff, polyglot scan,
//    decode, three variants, hashes), storage with fsync, reuse lookup, the
//    claim transaction. The client (order registration, then the upload)
//    runs in this process (bench/lib/photo-client.ts). In the same run, in
//    this process, sharp alone makes the same three variants from the same
//    file (bench/photo-pipeline.ts sharpVariants) while the server idles.
//    The server has a process of its own, as in production: run inside the
//    bench, its heap took in the baseline's garbage and V8 then ran a full
//    GC every three photos, which a server on its own does not.
//    Throughput is each side's peak over the same levels of photos in flight:
//    sharp alone peaks at about one photo per core, while the service needs a
//    request or two more in flight than its photo gate (one per core), or the
//    gate idles while requests read their upload, fsync their files and
//    commit. Each level's two runs are back to back, so that a noisy
//    neighbour hits both alike. Target: HTTP ≥ 85 % of sharp.
// 2. Bombs: a 10000×10000 PNG (100 MP declared, a few kB on the wire) sent N
//    times over HTTP, one at a time: refusal latency (target p95 < 50 ms)
//    and the server's RSS growth across the run (target < 20 MB).
import { availableParallelism } from 'node:os'
import { mkdtemp, rm } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createTestDatabase } from '../test/helpers/database.js'
import { pngBomb } from '../test/photos/fixtures/images.js'
import { makeTestJpeg, measure, sharpVariants } from './photo-pipeline.js'
import { processPhoto } from '../src/domain/photos/pipeline/index.js'
import { summarize } from './lib/stats.js'
import { countMarkCompacts } from './lib/gc.js'
import { cpuSeconds } from './lib/proc-cpu.js'
import { BENCH_METRICS_TOKEN, startClaimdeskApi } from './lib/claimdesk.js'
import { runningServers } from './lib/processes.js'
import { ClaimOpener } from './lib/photo-client.js'

const seconds = Number(process.argv[2] ?? 10)
const rounds = Number(process.argv[3] ?? 2)
const BOMBS = 50
// Photos in flight, the same levels for both sides; each side's throughput is its peak over them.
const levels = (
  process.env.BENCH_LEVELS ?? `${availableParallelism()},${availableParallelism() + 1},${availableParallelism() + 2}`
)
  .split(',')
  .map(Number)
const MiB = 2 ** 20

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const JWT_SECRET = 'bench-photos-secret-0123456789abcdef'

/** A process's resident set (Linux /proc). */
function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (!m) throw new Error(`no VmRSS for ${pid}`)
  return Number(m[1]) * 1024
}

/** One scrape of the API's /metrics. */
async function scrape(baseUrl: string): Promise<string> {
  return (await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })).text()
}
/** The API's heap in use, from its own Prometheus metrics (prom-client's defaults). */
async function serverHeapUsed(baseUrl: string): Promise<number> {
  const m = /^nodejs_heap_size_used_bytes (\d+)/m.exec(await scrape(baseUrl))
  if (!m) throw new Error('nodejs_heap_size_used_bytes not found')
  return Number(m[1])
}
/** The API's full GCs and upload-slab allocations so far, from one scrape (a series appears with its first event). */
async function serverCounters(baseUrl: string): Promise<{ majorGcs: number; slabs: number }> {
  const text = await scrape(baseUrl)
  const count = (line: RegExp): number => Number(line.exec(text)?.[1] ?? 0)
  return {
    majorGcs: count(/^nodejs_gc_duration_seconds_count\{kind="major"\} (\d+)/m),
    slabs: count(/^claimdesk_upload_buffer_allocations_total\{size="slab"\} (\d+)/m),
  }
}

interface Run {
  /** Photos in flight. */
  level: number
  perSecond: number
  photos: number
  elapsed: number
  cpuMs: number
  latency?: ReturnType<typeof summarize>
  markCompactsPerPhoto: number
  /** Upload slabs the API had to allocate (none was idle). */
  slabsAllocated?: number
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`

async function main(): Promise<void> {
  const cores = availableParallelism()
  const database = await createTestDatabase()
  const storageDir = await mkdtemp(path.join(tmpdir(), 'claimdesk-bench-photos-'))
  const server = await startClaimdeskApi({
    db: database.name,
    redisUrl: REDIS_URL,
    jwtSecret: JWT_SECRET,
    // BENCH_API_NODE_ARGS: Node or V8 flags for the API alone (say --max-semi-space-size=64), to try GC settings.
    nodeArgs: [
      ...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean),
      '--import',
      'tsx',
      'src/cli/start.ts',
      'api',
    ],
    env: { STORAGE_DIR: storageDir },
  })
  const serverPid = server.child.pid as number
  const opener = new ClaimOpener({ baseUrl: server.baseUrl, jwtSecret: JWT_SECRET, tag: String(process.pid) })
  const openClaim = (photo: Buffer, filename: string) => opener.open(photo, filename)
  const policy = { pixelsMax: 40_000_000 } // policy photo_pixels_max, the default the server runs with

  try {
    const jpeg = await makeTestJpeg()
    console.log(
      `input: 4000×3000 JPEG, ${mib(jpeg.length)}; ${cores} cores; API process ${serverPid} on ${server.baseUrl}`,
    )

    // Warm-up: codecs, JIT, connection pools, one small photo through the whole path.
    const small = await makeTestJpeg(640, 480, 2)
    for (let i = 0; i < 3; i++) {
      const r = await openClaim(small, 'warm.jpg')
      if (r.status !== 201) throw new Error(`warm-up claim: ${r.status} ${r.body}`)
    }

    // --- Throughput: sharp alone vs HTTP, alternating ---------------------
    for (let i = 0; i < 2; i++) {
      const r = await openClaim(jpeg, 'warm.jpg')
      if (r.status !== 201) throw new Error(`warm-up claim: ${r.status} ${r.body}`)
    }
    /** The API under a closed loop; CPU is the server's and this client's, full GCs the server's. */
    const httpRun = async (concurrency: number): Promise<Run> => {
      const cpu = process.cpuUsage()
      const serverCpu = cpuSeconds(serverPid) as number
      const countersBefore = await serverCounters(server.baseUrl)
      const { latencies, elapsed } = await opener.closedLoop(jpeg, concurrency, seconds)
      const used = process.cpuUsage(cpu)
      const serverUsed = (cpuSeconds(serverPid) as number) - serverCpu
      const countersAfter = await serverCounters(server.baseUrl)
      const gcs = countersAfter.majorGcs - countersBefore.majorGcs
      const slabs = countersAfter.slabs - countersBefore.slabs
      return {
        level: concurrency,
        perSecond: latencies.length / elapsed,
        photos: latencies.length,
        elapsed,
        cpuMs: ((used.user + used.system) / 1000 + serverUsed * 1000) / latencies.length,
        latency: summarize(latencies),
        markCompactsPerPhoto: gcs / latencies.length,
        slabsAllocated: slabs,
      }
    }
    /** sharp alone, with the process CPU time (all threads) it used per photo. */
    const sharpRun = async (parallel: number): Promise<Run> => {
      const cpu = process.cpuUsage()
      const markCompacts = countMarkCompacts()
      const result = await measure('sharp alone (3 variants)', sharpVariants, jpeg, { parallel, seconds })
      const used = process.cpuUsage(cpu)
      const gcs = await markCompacts.stop()
      // measure() runs one warm-up photo before the clock starts.
      return {
        level: parallel,
        perSecond: result.photosPerSecond,
        photos: result.photos,
        elapsed: result.seconds,
        cpuMs: (used.user + used.system) / 1000 / (result.photos + 1),
        markCompactsPerPhoto: gcs / (result.photos + 1),
      }
    }
    const describe = (run: Run): string =>
      `${run.perSecond.toFixed(2)} photos/s (${run.photos} in ${run.elapsed.toFixed(1)} s; ` +
      (run.latency ? `latency p50 ${run.latency.p50.toFixed(0)} ms, p95 ${run.latency.p95.toFixed(0)} ms; ` : '') +
      `${run.cpuMs.toFixed(0)} CPU-ms/photo; ${run.markCompactsPerPhoto.toFixed(2)} mark-compacts/photo` +
      (run.slabsAllocated !== undefined ? `; ${run.slabsAllocated} upload slabs allocated)` : ')')
    const peak = (runs: Run[]): Run => runs.reduce((best, r) => (r.perSecond > best.perSecond ? r : best))

    // The library alone (processPhoto, same gate), to tell pipeline cost from HTTP cost.
    const pipelineRates: number[] = []
    const sharpPeaks: Run[] = []
    const httpPeaks: Run[] = []
    for (let round = 1; round <= rounds; round++) {
      const sharpRuns: Run[] = []
      const httpRuns: Run[] = []
      // Each level's pair back to back, so a neighbour's burst hits both sides alike.
      for (const level of levels) {
        const alone = await sharpRun(level)
        sharpRuns.push(alone)
        console.log(`round ${round}: sharp alone           ${level} in flight  ${describe(alone)}`)
        const viaHttp = await httpRun(level)
        httpRuns.push(viaHttp)
        console.log(`round ${round}: HTTP POST /v1/claims  ${level} in flight  ${describe(viaHttp)}`)
      }
      const libraryCpu = process.cpuUsage()
      const library = await measure('processPhoto()', (b) => processPhoto(b, policy), jpeg, {
        parallel: cores,
        seconds,
      })
      const libraryUsed = process.cpuUsage(libraryCpu)
      pipelineRates.push(library.photosPerSecond)
      console.log(
        `round ${round}: processPhoto()        ${cores} in flight  ${library.photosPerSecond.toFixed(2)} photos/s (${library.photos} in ${library.seconds.toFixed(1)} s; ` +
          `${((libraryUsed.user + libraryUsed.system) / 1000 / (library.photos + 1)).toFixed(0)} CPU-ms/photo)`,
      )
      const [sharpPeak, httpPeak] = [peak(sharpRuns), peak(httpRuns)]
      sharpPeaks.push(sharpPeak)
      httpPeaks.push(httpPeak)
      console.log(
        `round ${round}: peaks: sharp ${sharpPeak.perSecond.toFixed(2)}/s (${sharpPeak.level} in flight), HTTP ${httpPeak.perSecond.toFixed(2)}/s (${httpPeak.level} in flight)  ` +
          `ratio ${((100 * httpPeak.perSecond) / sharpPeak.perSecond).toFixed(1)} %`,
      )
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
    const sharpRate = mean(sharpPeaks.map((r) => r.perSecond))
    const httpRate = mean(httpPeaks.map((r) => r.perSecond))
    // Each round's peaks ran minutes apart at most: the median of the rounds' ratios resists a neighbour's burst.
    const ratios = httpPeaks.map((h, i) => h.perSecond / (sharpPeaks[i] as Run).perSecond).sort((a, b) => a - b)
    const ratio = ratios[Math.floor((ratios.length - 1) / 2)] as number

    // --- Bombs: refused from the header, so the server's memory must not grow ---
    const bomb = pngBomb(10_000, 10_000)
    for (let i = 0; i < 5; i++) await openClaim(bomb, 'bomb.png')
    const before = { rss: rssBytes(serverPid), heap: await serverHeapUsed(server.baseUrl) }
    const bombLatency: number[] = []
    for (let i = 0; i < BOMBS; i++) {
      const r = await openClaim(bomb, 'bomb.png')
      if (r.status !== 422 || !r.body.includes('photo-too-many-pixels'))
        throw new Error(`bomb not refused: ${r.status} ${r.body}`)
      bombLatency.push(r.ms)
    }
    const after = { rss: rssBytes(serverPid), heap: await serverHeapUsed(server.baseUrl) }
    const bombs = summarize(bombLatency)

    console.log('')
    const cpuSharp = mean(sharpPeaks.map((r) => r.cpuMs))
    const cpuHttp = mean(httpPeaks.map((r) => r.cpuMs))
    console.log(
      `sharp alone:  ${sharpRate.toFixed(2)} photos/s (mean of ${rounds} peaks), ${cpuSharp.toFixed(0)} CPU-ms/photo`,
    )
    console.log(`processPhoto: ${mean(pipelineRates).toFixed(2)} photos/s (mean of ${rounds}), the library alone`)
    console.log(
      `over HTTP:    ${httpRate.toFixed(2)} photos/s (mean of ${rounds} peaks), ${cpuHttp.toFixed(0)} CPU-ms/photo (the API process and this client)`,
    )
    // CPU time per photo hardly depends on what neighbours run: on a shared, busy box it is the steadier capacity measure.
    console.log(
      `CPU ratio:    ${((100 * cpuSharp) / cpuHttp).toFixed(1)} % (photos per CPU-second over HTTP vs sharp alone, at the peaks)`,
    )
    console.log(
      `ratio:        ${(ratio * 100).toFixed(1)} % median of the rounds' peak ratios (${ratios.map((r) => (100 * r).toFixed(1)).join(', ')}), ` +
        `${((100 * httpRate) / sharpRate).toFixed(1)} % of the means  (target ≥ 85 %) ${ratio >= 0.85 ? 'PASS' : 'FAIL'}`,
    )
    console.log(
      `bomb refusal: ${BOMBS} × 100-MP PNG (${bomb.length} B) over HTTP: p50 ${bombs.p50.toFixed(1)} ms, p95 ${bombs.p95.toFixed(1)} ms, ` +
        `max ${bombs.max.toFixed(1)} ms  (target < 50 ms) ${bombs.p95 < 50 ? 'PASS' : 'FAIL'}`,
    )
    const rssGrowth = after.rss - before.rss
    const heapGrowth = after.heap - before.heap
    console.log(
      `bomb memory:  the API's RSS ${mib(before.rss)} → ${mib(after.rss)} (${rssGrowth >= 0 ? '+' : ''}${mib(rssGrowth)}); ` +
        `heap in use ${mib(before.heap)} → ${mib(after.heap)} (${heapGrowth >= 0 ? '+' : ''}${mib(heapGrowth)}, garbage not yet collected included)  ` +
        `(target < 20 MB) ${rssGrowth < 20 * MiB ? 'PASS' : 'FAIL'}`,
    )
  } finally {
    opener.close()
    await server.stop()
    await database.drop()
    await rm(storageDir, { recursive: true, force: true })
  }
}

try {
  await main()
} catch (err) {
  for (const s of runningServers()) console.error(`${s.name} output:\n${s.output()}`)
  for (const s of runningServers()) await s.stop()
  throw err
}

// Baseline for the HTTP upload benchmark: how many 12-MP photos per second
// sharp alone turns into the three stored variants on this machine, next to
// the full processPhoto() (type sniffing, polyglot scan, hashes).
//
//   npx tsx bench/photo-pipeline.ts [seconds=10]
import { availableParallelism } from 'node:os'
import { pathToFileURL } from 'node:url'
import sharp from '../src/domain/photos/pipeline/sharp.js'
import { processPhoto } from '../src/domain/photos/pipeline/pipeline.js'
import { encode, fitInside, VARIANT_NAMES, VARIANTS } from '../src/domain/photos/pipeline/variants.js'

/**
 * A camera-like JPEG: smooth gradients (sky, walls) plus sensor-like noise,
 * so it compresses to a realistic 3–5 MB at 4000×3000, quality 92.
 */
export async function makeTestJpeg(width = 4000, height = 3000, seed = 1): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3)
  let state = seed >>> 0 || 1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      const noise = ((state >>> 0) % 33) - 16
      const at = (y * width + x) * 3
      pixels[at] = clamp((255 * x) / width + noise)
      pixels[at + 1] = clamp((255 * y) / height + noise)
      pixels[at + 2] = clamp(128 + 100 * Math.sin((x + y) / 150) + noise)
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer()
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v))

/** sharp alone: orient, resize and encode each variant straight from the upload. */
export async function sharpVariants(input: Buffer): Promise<number> {
  const outputs = await Promise.all(
    VARIANT_NAMES.map((name) => encode(fitInside(sharp(input).rotate(), VARIANTS[name]), 'jpeg').toBuffer()),
  )
  return outputs.reduce((sum, b) => sum + b.length, 0)
}

export interface BenchResult {
  name: string
  parallel: number
  photos: number
  seconds: number
  photosPerSecond: number
}

/** Runs `task` on `input` with `parallel` photos in flight for about `seconds`. */
export async function measure(
  name: string,
  task: (input: Buffer) => Promise<unknown>,
  input: Buffer,
  { parallel = 1, seconds = 10 } = {},
): Promise<BenchResult> {
  await task(input) // warm-up: codec initialisation, JIT
  const started = performance.now()
  const deadline = started + seconds * 1000
  let photos = 0
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await task(input)
      photos++
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  const elapsed = (performance.now() - started) / 1000
  return { name, parallel, photos, seconds: elapsed, photosPerSecond: photos / elapsed }
}

export async function runBaseline(seconds = 10): Promise<BenchResult[]> {
  const input = await makeTestJpeg()
  const meta = await sharp(input).metadata()
  console.log(
    `input: ${meta.width}×${meta.height} JPEG, ${(input.length / 2 ** 20).toFixed(1)} MiB; ` +
      `${availableParallelism()} cores, sharp.concurrency()=${sharp.concurrency()}, ` +
      `UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}`,
  )
  const limits = { pixelsMax: 40_000_000 }
  const results: BenchResult[] = []
  for (const parallel of [1, availableParallelism()]) {
    results.push(await measure('sharp alone (3 variants)', sharpVariants, input, { parallel, seconds }))
    results.push(await measure('processPhoto()', (b) => processPhoto(b, limits), input, { parallel, seconds }))
  }
  for (const r of results) {
    console.log(
      `${r.name.padEnd(26)} parallel=${r.parallel}  ${r.photosPerSecond.toFixed(2)} photos/s  ` +
        `(${r.photos} in ${r.seconds.toFixed(1)} s, ${(((1000 * r.seconds) / r.photos) * r.parallel) | 0} ms/photo)`,
    )
  }
  return results
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runBaseline(Number(process.argv[2] ?? 10))
}

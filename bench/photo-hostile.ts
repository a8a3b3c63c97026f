// The decode budget against real-phone-like photos and the hostile ones a
// probe of the service sent: CPU seconds per photo (this process's user +
// system time, libvips' threads included), what was refused with which slug,
// and RSS before, at its peak and after each set.
//
//   node --expose-gc --import tsx bench/photo-hostile.ts [--no-budget] [rounds=3]
//
// --no-budget processes everything under the pixel limit alone, as before the
// budget: the hostile set's cost and the memory it leaves behind. Run it with
// and without MALLOC_ARENA_MAX=2 to see glibc's arenas (docs/operations.md).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import sharp from '../src/domain/photos/pipeline/sharp.js'
import { processPhoto, type PhotoLimits } from '../src/domain/photos/pipeline/pipeline.js'
import { resolvePolicy } from '../src/config/policy.js'
import { DomainError } from '../src/shared/errors.js'

interface Case {
  name: string
  make: () => Promise<Buffer>
}

/** Sensor-like noise over a smooth picture; `sigma` sets how much detail the bytes must carry. */
const scene = (width: number, height: number, sigma: number) =>
  sharp({
    create: { width, height, channels: 3, background: '#6a8caf', noise: { type: 'gaussian', mean: 120, sigma } },
  })
    .composite([
      {
        input: { create: { width, height: height >> 1, channels: 3, background: '#d8c8a0' } },
        top: height >> 1,
        left: 0,
      },
    ])
    .png({ compressionLevel: 0 })
    .toBuffer()
    .then((raw) => sharp(raw))

/** A phone screenshot: flat UI, bars and rows of "text". */
async function screenshot(width: number, height: number, alpha: boolean): Promise<Buffer> {
  const rows = Array.from({ length: Math.floor(height / 60) }, (_, i) => ({
    input: {
      create: {
        width: Math.floor(width * (0.4 + ((i * 37) % 50) / 100)),
        height: 14,
        channels: 3 as const,
        background: '#333',
      },
    },
    top: i * 60 + 20,
    left: 40,
  }))
  const base = sharp({
    create: { width, height, channels: alpha ? 4 : 3, background: { r: 250, g: 250, b: 252, alpha: 1 } },
  })
  return base.composite(rows).png().toBuffer()
}

const flat = (width: number, height: number, channels: 3 | 4) =>
  sharp({ create: { width, height, channels, background: { r: 200, g: 30, b: 30, alpha: 0.5 } } })

const ACCEPTED: Case[] = [
  { name: '12 MP JPEG q80 (phone)', make: async () => (await scene(4032, 3024, 12)).jpeg({ quality: 80 }).toBuffer() },
  { name: '12 MP JPEG q92 (phone)', make: async () => (await scene(4032, 3024, 12)).jpeg({ quality: 92 }).toBuffer() },
  { name: '48 MP JPEG q80 (phone)', make: async () => (await scene(8064, 6048, 6)).jpeg({ quality: 80 }).toBuffer() },
  {
    name: '8 MP progressive JPEG q85',
    make: async () => (await scene(3264, 2448, 12)).jpeg({ quality: 85, progressive: true }).toBuffer(),
  },
  { name: '8 MP WebP q80', make: async () => (await scene(3264, 2448, 12)).webp({ quality: 80 }).toBuffer() },
  {
    name: '3 MP AVIF q50',
    make: async () => (await scene(2000, 1500, 12)).avif({ quality: 50, effort: 2 }).toBuffer(),
  },
  { name: 'PNG screenshot 1170×2532', make: () => screenshot(1170, 2532, false) },
  { name: 'PNG screenshot 3840×2160', make: () => screenshot(3840, 2160, false) },
  { name: 'PNG screenshot 2880×1800 alpha', make: () => screenshot(2880, 1800, true) },
  { name: 'transparent PNG 3840×2160 (at limit)', make: () => flat(3840, 2160, 4).png().toBuffer() },
  { name: 'noisy PNG 3 MP (10 MiB)', make: async () => (await scene(2000, 1500, 40)).png().toBuffer() },
  {
    name: 'interlaced PNG 8 MP (at limit)',
    make: async () => (await scene(3264, 2448, 2)).png({ progressive: true }).toBuffer(),
  },
]

const HOSTILE: Case[] = [
  {
    name: '40 MP interlaced PNG, level 9',
    make: () => flat(8000, 5000, 3).png({ progressive: true, compressionLevel: 9 }).toBuffer(),
  },
  {
    name: '40 MP interlaced PNG alpha',
    make: () => flat(8000, 5000, 4).png({ progressive: true, compressionLevel: 9 }).toBuffer(),
  },
  {
    name: '40 MP PNG alpha, 1 MB padded',
    make: async () => pad(await flat(8000, 5000, 4).png().toBuffer(), 1_000_000),
  },
  { name: '40 MP progressive JPEG', make: () => flat(8000, 5000, 3).jpeg({ progressive: true }).toBuffer() },
  { name: '40 MP WebP', make: () => flat(8000, 5000, 3).webp().toBuffer() },
  { name: '12 MP AVIF', make: async () => (await scene(4000, 3000, 12)).avif({ quality: 50, effort: 0 }).toBuffer() },
]

/** A PNG grown to `bytes` with a private ancillary chunk: bytes bought to pass a pixels-per-byte check. */
function pad(png: Buffer, bytes: number): Buffer {
  const size = Math.max(0, bytes - png.length - 12)
  const chunk = Buffer.alloc(12 + size)
  chunk.writeUInt32BE(size, 0)
  chunk.write('prVt', 4, 'latin1')
  // A wrong CRC on an ancillary chunk is only a warning for libpng; compute it anyway.
  const { crc32 } = zlib
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + size)) >>> 0, 8 + size)
  const iend = png.length - 12
  return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)])
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const rssMb = (): number => process.memoryUsage.rss() / 2 ** 20

async function settle(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 300))
    globalThis.gc?.()
  }
  return rssMb()
}

// The inputs are made by a child process and read back from files: making
// them (48-MP composites) would otherwise leave its own memory in this one.
const INPUT_DIR = path.join(tmpdir(), 'claimdesk-photo-hostile')
const fileOf = (c: Case): string => path.join(INPUT_DIR, `${c.name.replace(/[^A-Za-z0-9]+/g, '-')}.bin`)

async function makeInputs(): Promise<void> {
  mkdirSync(INPUT_DIR, { recursive: true })
  for (const c of [...HOSTILE, ...ACCEPTED]) writeFileSync(fileOf(c), await c.make())
}

async function runSet(label: string, cases: Case[], limits: PhotoLimits, rounds: number): Promise<void> {
  const inputs = cases.map((c) => ({ ...c, bytes: readFileSync(fileOf(c)) }))
  const before = await settle()
  let peak = before
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 5)
  console.log(`\n${label}`)
  let worst = 0
  for (const input of inputs) {
    const meta = await sharp(input.bytes).metadata()
    const samples: number[] = []
    let outcome = 'accepted'
    for (let r = 0; r < rounds; r++) {
      const c0 = cpuSeconds()
      try {
        await processPhoto(input.bytes, limits)
      } catch (err) {
        outcome = err instanceof DomainError ? `refused ${err.slug}` : `failed ${String(err)}`
      }
      samples.push(cpuSeconds() - c0)
    }
    samples.sort((a, b) => a - b)
    const median = samples[samples.length >> 1] as number
    const max = samples.at(-1) as number
    if (outcome === 'accepted') worst = Math.max(worst, max)
    const pixels = meta.width * (meta.pageHeight ?? meta.height)
    console.log(
      `  ${input.name.padEnd(34)} ${(pixels / 1e6).toFixed(1).padStart(5)} MP ${(input.bytes.length / 1024).toFixed(0).padStart(6)} KiB ` +
        `${(pixels / input.bytes.length).toFixed(1).padStart(6)} px/B  CPU ${median.toFixed(3)} s (max ${max.toFixed(3)})  ${outcome}`,
    )
  }
  clearInterval(sampler)
  const after = await settle()
  console.log(
    `  RSS before ${before.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB, after ${after.toFixed(0)} MiB; ` +
      `costliest accepted photo ${worst.toFixed(3)} CPU s`,
  )
}

if (process.argv.includes('--make-inputs')) {
  await makeInputs()
  process.exit(0)
}
execFileSync(process.execPath, [...process.execArgv, process.argv[1] as string, '--make-inputs'], { stdio: 'inherit' })

const noBudget = process.argv.includes('--no-budget')
const rounds = Number(process.argv.filter((a) => !a.startsWith('--'))[2] ?? 3)
const policy = resolvePolicy()
const limits: PhotoLimits = noBudget
  ? { pixelsMax: policy.photo_pixels_max }
  : {
      pixelsMax: policy.photo_pixels_max,
      pixelsPerByteMax: policy.photo_pixels_per_byte_max,
      decodePixelsMax: policy.photo_decode_pixels_max,
    }
console.log(
  `${noBudget ? 'pixel limit only' : 'default decode budget'}; MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? 'unset'}, ` +
    `sharp.concurrency()=${sharp.concurrency()}, cache ${JSON.stringify(sharp.cache().memory)}; ${rounds} rounds`,
)
await runSet('hostile set', HOSTILE, limits, rounds)
await runSet('accepted set (real-phone-like)', ACCEPTED, limits, rounds)
// The probe's claim: ten 40-MP interlaced PNGs, one after another.
const tenPngs = Array.from({ length: 10 }, () => HOSTILE[0] as Case)
await runSet('a claim of ten 40-MP interlaced PNGs', tenPngs, limits, 1)

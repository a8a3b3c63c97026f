// The decode budget: what no real photo is, refused from its header before
// any decode (so quickly), each with its own problem slug; and what real
// photos are, accepted under the default policy.
import t from 'tap'
import sharp from 'sharp'
import { DomainError } from '../../src/shared/errors.js'
import { resolvePolicy } from '../../src/config/policy.js'
import { processPhoto, type PhotoLimits } from '../../src/domain/photos/pipeline/pipeline.js'
import { pngBomb } from './fixtures/images.js'

const policy = resolvePolicy()
const limits: PhotoLimits = {
  pixelsMax: policy.photo_pixels_max,
  pixelsPerByteMax: policy.photo_pixels_per_byte_max,
  decodePixelsMax: policy.photo_decode_pixels_max,
}

/** The refusal and how long it took. */
async function refusal(input: Buffer): Promise<{ err: DomainError; ms: number }> {
  const started = performance.now()
  try {
    await processPhoto(input, limits)
  } catch (err) {
    if (err instanceof DomainError) return { err, ms: performance.now() - started }
    throw err
  }
  throw new Error('expected the photo to be refused')
}

const flat = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: { r: 200, g: 40, b: 40, alpha: 0.5 } } })
/** Sensor-like noise: bytes a real photo of that size would have. */
const noisy = (width: number, height: number) =>
  sharp({
    create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 20 } },
  })

t.test('the defaults are the documented ones', async (t) => {
  t.equal(policy.photo_pixels_max, 50_000_000)
  t.equal(policy.photo_pixels_per_byte_max, 200)
  t.same(policy.photo_decode_pixels_max, { interlaced: 8_000_000, webp: 8_000_000, heif: 3_000_000, alpha: 8_300_000 })
})

t.test('megapixels far beyond what the bytes can carry are photo-implausibly-compressed', async (t) => {
  // 40 MP declared in about a hundred bytes, as the probe's 134 KB interlaced PNG was 300 pixels a byte.
  const bomb = pngBomb(8000, 5000)
  const { err, ms } = await refusal(bomb)
  t.equal(err.status, 422)
  t.equal(err.slug, 'photo-implausibly-compressed')
  t.match(err.extensions, { pixels_per_byte_max: 200, width: 8000, height: 5000 })
  t.ok(ms < 200, `refused from the header (${ms.toFixed(1)} ms)`)
  const dense = await flat(8000, 5000).png({ compressionLevel: 9 }).toBuffer()
  t.ok((8000 * 5000) / dense.length > 200, `a flat 40-MP PNG at level 9 is ${dense.length} bytes`)
  t.equal((await refusal(dense)).err.slug, 'photo-implausibly-compressed', 'a flat 40-MP PNG too')
  // Small pictures are never refused for it: a flat phone screenshot compresses that well.
  await t.resolves(
    processPhoto(pngBomb(1170, 2532), limits).catch((e: DomainError) => {
      if (e.slug === 'photo-implausibly-compressed') throw e
    }),
  )
  await t.resolves(processPhoto(await flat(1170, 2532).png().toBuffer(), limits), 'a 3-MP flat screenshot passes')
})

t.test('an interlaced PNG or progressive JPEG over its pixel limit is photo-decode-too-costly', async (t) => {
  const cases: Array<[string, Buffer]> = [
    ['interlaced PNG, 10 MP', await flat(4000, 2500).png({ progressive: true }).toBuffer()],
    ['progressive JPEG, 10 MP', await noisy(4000, 2500).jpeg({ progressive: true, quality: 80 }).toBuffer()],
  ]
  for (const [name, bytes] of cases) {
    const { err, ms } = await refusal(bytes)
    t.equal(err.status, 422, name)
    t.equal(err.slug, 'photo-decode-too-costly', name)
    t.match(err.extensions, { decode_class: 'interlaced', pixels_max: 8_000_000, width: 4000, height: 2500 }, name)
    t.ok(ms < 200, `${name}: refused from the header (${ms.toFixed(1)} ms)`)
  }
  await t.resolves(
    processPhoto(await noisy(3000, 2000).jpeg({ progressive: true, quality: 80 }).toBuffer(), limits),
    'a 6-MP progressive JPEG passes',
  )
  const baseline = await noisy(4000, 2500).jpeg({ quality: 80 }).toBuffer()
  await t.resolves(processPhoto(baseline, limits), 'the same picture as a baseline JPEG passes')
})

t.test('WebP, AVIF and alpha over their pixel limits are photo-decode-too-costly', async (t) => {
  const cases: Array<[string, Buffer, string, number]> = [
    ['WebP, 9 MP', await noisy(3000, 3000).webp({ quality: 60 }).toBuffer(), 'webp', 8_000_000],
    ['AVIF, 4 MP', await noisy(2000, 2000).avif({ quality: 40, effort: 0 }).toBuffer(), 'heif', 3_000_000],
    ['PNG with alpha, 9 MP', await flat(3000, 3000, 4).png().toBuffer(), 'alpha', 8_300_000],
  ]
  for (const [name, bytes, decodeClass, max] of cases) {
    const { err } = await refusal(bytes)
    t.equal(err.slug, 'photo-decode-too-costly', name)
    t.match(err.extensions, { decode_class: decodeClass, pixels_max: max }, name)
  }
  await t.resolves(
    processPhoto(await noisy(2000, 1500).avif({ quality: 40, effort: 0 }).toBuffer(), limits),
    'a 3-MP AVIF passes',
  )
})

t.test('a 48-MP baseline JPEG (a phone camera’s full-resolution mode) is accepted', async (t) => {
  const jpeg = await noisy(8064, 6048).jpeg({ quality: 80 }).toBuffer()
  const photo = await processPhoto(jpeg, limits)
  t.equal(photo.variants.full.width, 2560)
  const { err } = await refusal(await flat(8200, 6200).jpeg({ quality: 100 }).toBuffer())
  t.equal(err.slug, 'photo-too-many-pixels', 'over 50 MP is still refused')
})

t.test('limits the caller leaves out are not applied', async (t) => {
  const interlaced = await flat(4000, 2500).png({ progressive: true }).toBuffer()
  await t.resolves(processPhoto(interlaced, { pixelsMax: 50_000_000 }))
})

// What a processed photo looks like: oriented, metadata-free, three bounded
// variants, a stable content hash and a perceptual hash that survives
// recompression but tells different pictures apart.
import t from 'tap'
import sharp from 'sharp'
import { hammingDistance, processPhoto, type ProcessedPhoto } from '../../src/domain/photos/pipeline/pipeline.js'
import { halvesJpeg, photo, photoJpeg, withJpegSegment } from './fixtures/images.js'

const limits = { pixelsMax: 40_000_000 }

const allVariants = (p: ProcessedPhoto) => Object.entries(p.variants)

t.test('GPS EXIF, XMP, ICC and comments are all gone from every variant', async (t) => {
  const withEverything = await photo(640, 480)
    .withExif({
      IFD0: { Make: 'EvidenceCam', Model: 'X1', Artist: 'Jane Buyer' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '55/1 45/1 2100/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '37/1 37/1 1200/100',
      },
    })
    .withXmp(
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>',
    )
    .withIccProfile('p3')
    .jpeg()
    .toBuffer()
  const input = withJpegSegment(withEverything, 0xfe, Buffer.from('home address: 1 Secret Lane'))
  const before = await sharp(input).metadata()
  t.ok(before.exif?.includes('EvidenceCam'), 'fixture: EXIF present')
  t.ok(
    before.exif?.includes(Buffer.from([0x25, 0x88])) || before.exif?.includes(Buffer.from([0x88, 0x25])),
    'fixture: GPS IFD pointer present',
  )
  t.ok(before.xmp, 'fixture: XMP present')
  t.ok(before.icc, 'fixture: ICC present')
  t.ok(input.includes('Secret Lane'), 'fixture: JPEG COM segment present')

  const out = await processPhoto(input, limits)
  for (const [name, variant] of allVariants(out)) {
    const meta = await sharp(variant.buffer).metadata()
    t.equal(meta.exif, undefined, `${name}: no EXIF`)
    t.equal(meta.xmp, undefined, `${name}: no XMP`)
    t.equal(meta.iptc, undefined, `${name}: no IPTC`)
    t.equal(meta.icc, undefined, `${name}: no ICC`)
    t.equal(meta.comments, undefined, `${name}: no text comments`)
    t.notOk(variant.buffer.includes('EvidenceCam') || variant.buffer.includes('Secret Lane'), `${name}: no stray text`)
  }
})

t.test('EXIF orientation 6 is applied: a 300×200 landscape becomes 200×300, left edge on top', async (t) => {
  const input = await sharp(await halvesJpeg(300, 200))
    .withMetadata({ orientation: 6 })
    .jpeg()
    .toBuffer()
  t.equal((await sharp(input).metadata()).orientation, 6, 'fixture: orientation tag set')
  const out = await processPhoto(input, limits)
  t.same([out.variants.full.width, out.variants.full.height], [200, 300])
  const { data, info } = await sharp(out.variants.full.buffer).raw().toBuffer({ resolveWithObject: true })
  const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)]
  const [r1, , b1] = pixel(100, 30)
  const [r2, , b2] = pixel(100, 270)
  t.ok(r1! > 200 && b1! < 60, `top is the red left half (${pixel(100, 30)})`)
  t.ok(b2! > 200 && r2! < 60, `bottom is the blue right half (${pixel(100, 270)})`)
  t.equal((await sharp(out.variants.full.buffer).metadata()).orientation, undefined, 'no orientation left to re-apply')
})

t.test('variants fit 2560 / 1024 / 256 boxes, keep aspect, never enlarge', async (t) => {
  const cases: Array<[string, number, number, Record<string, [number, number]>]> = [
    ['landscape 3000×2000', 3000, 2000, { full: [2560, 1707], preview: [1024, 683], thumb: [256, 171] }],
    ['portrait 900×2700', 900, 2700, { full: [853, 2560], preview: [341, 1024], thumb: [85, 256] }],
    ['small 200×120', 200, 120, { full: [200, 120], preview: [200, 120], thumb: [200, 120] }],
  ]
  for (const [name, w, h, expected] of cases) {
    const out = await processPhoto(await photoJpeg(w, h, 2), limits)
    for (const [variant, v] of allVariants(out)) {
      t.same([v.width, v.height], expected[variant], `${name}: ${variant} dimensions`)
      t.equal(v.bytes, v.buffer.length, `${name}: ${variant} bytes`)
      const meta = await sharp(v.buffer).metadata()
      t.same([meta.format, meta.width, meta.height], ['jpeg', v.width, v.height], `${name}: ${variant} is what it says`)
    }
    t.equal(out.format, 'jpeg')
    t.equal(out.mime, 'image/jpeg')
  }
})

t.test('the same photo gives the same sha256; the upload bytes are never returned', async (t) => {
  const input = await photoJpeg(800, 600, 4)
  const a = await processPhoto(input, limits)
  const b = await processPhoto(Buffer.from(input), limits)
  t.match(a.sha256, /^[0-9a-f]{64}$/)
  t.equal(a.sha256, b.sha256)
  t.equal(a.phash, b.phash)
  t.not(a.variants.full.buffer.equals(input), true, 'the full variant is a re-encode, not the upload')
  const other = await processPhoto(await photoJpeg(800, 600, 5), limits)
  t.not(other.sha256, a.sha256, 'a different photo hashes differently')
})

t.test('near-duplicates stay within the reuse distance; unrelated photos do not', async (t) => {
  const original = await photoJpeg(800, 600, 7, 92)
  const base = await processPhoto(original, limits)
  t.match(base.phash, /^[0-9a-f]{16}$/)
  const variants: Array<[string, Buffer]> = [
    ['recompressed at quality 55', await sharp(original).jpeg({ quality: 55 }).toBuffer()],
    ['resized by 1 px', await sharp(original).resize(799, 599, { fit: 'fill' }).jpeg().toBuffer()],
    ['scaled to half and re-saved as PNG', await sharp(original).resize(400).png().toBuffer()],
    ['slightly brightened', await sharp(original).modulate({ brightness: 1.05 }).jpeg().toBuffer()],
  ]
  for (const [name, input] of variants) {
    const out = await processPhoto(input, limits)
    const distance = hammingDistance(base.phash, out.phash)
    t.ok(distance <= 6, `${name}: distance ${distance} ≤ 6`)
  }
  const distances: number[] = []
  for (const seed of [8, 9, 10, 11]) {
    const unrelated = await processPhoto(await photoJpeg(800, 600, seed), limits)
    distances.push(hammingDistance(base.phash, unrelated.phash))
  }
  t.comment(`unrelated distances: ${distances.join(', ')}`)
  t.ok(Math.min(...distances) > 12, `unrelated photos are far apart (min ${Math.min(...distances)})`)
})

t.test('hammingDistance counts differing bits and rejects malformed hashes', async (t) => {
  t.equal(hammingDistance('0000000000000000', '0000000000000000'), 0)
  t.equal(hammingDistance('0000000000000000', 'ffffffffffffffff'), 64)
  t.equal(hammingDistance('8000000000000001', '0000000000000000'), 2)
  t.equal(hammingDistance('ABCDEF0123456789', 'abcdef0123456789'), 0)
  t.throws(() => hammingDistance('abc', '0000000000000000'), TypeError)
  t.throws(() => hammingDistance('zzzzzzzzzzzzzzzz', '0000000000000000'), TypeError)
})

t.test('PNG, WebP and AVIF are accepted and normalised to JPEG when opaque', async (t) => {
  const inputs: Array<[string, Buffer, string]> = [
    ['png', await photo(500, 400, 12).png().toBuffer(), 'png'],
    ['webp', await photo(500, 400, 12).webp().toBuffer(), 'webp'],
    ['16-bit png', await photo(500, 400, 12).toColourspace('rgb16').png().toBuffer(), 'png'],
    ['png with an all-opaque alpha channel', await photo(500, 400, 12).ensureAlpha(1).png().toBuffer(), 'png'],
    ['CMYK jpeg', await photo(500, 400, 12).toColourspace('cmyk').jpeg().toBuffer(), 'jpeg'],
    ['greyscale jpeg', await photo(500, 400, 12).greyscale().jpeg().toBuffer(), 'jpeg'],
  ]
  if (sharp.format.heif.input.buffer) inputs.push(['avif', await photo(500, 400, 12).avif().toBuffer(), 'avif'])
  t.ok(sharp.format.heif.input.buffer, 'this sharp build decodes AVIF, so AVIF is exercised here')
  for (const [name, input, source] of inputs) {
    const out = await processPhoto(input, limits)
    t.equal(out.source, source, `${name}: detected by bytes`)
    t.equal(out.format, 'jpeg', `${name}: output JPEG`)
    const meta = await sharp(out.variants.full.buffer).metadata()
    t.same([meta.width, meta.height, meta.space, meta.depth], [500, 400, 'srgb', 'uchar'], `${name}: 8-bit sRGB`)
  }
})

t.test('real transparency is kept, as WebP with alpha', async (t) => {
  const input = await sharp({
    create: { width: 400, height: 300, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 0.4 } },
  })
    .png()
    .toBuffer()
  const out = await processPhoto(input, limits)
  t.equal(out.format, 'webp')
  t.equal(out.mime, 'image/webp')
  for (const [name, variant] of allVariants(out)) {
    const meta = await sharp(variant.buffer).metadata()
    t.equal(meta.format, 'webp', `${name}: webp`)
    t.equal(meta.hasAlpha, true, `${name}: alpha kept`)
  }
})

// Hostile and broken uploads: each is refused with its own problem slug,
// decided by the bytes alone.
import t from 'tap'
import sharp from 'sharp'
import { DomainError } from '../../src/shared/errors.js'
import { processPhoto } from '../../src/domain/photos/pipeline/pipeline.js'
import {
  ELF_HEADER,
  SVG_WITH_SCRIPT,
  photoJpeg,
  pngBomb,
  withJpegDimensions,
  withJpegSegment,
  zipArchive,
} from './fixtures/images.js'

const limits = { pixelsMax: 40_000_000 }

async function refusal(input: Buffer, pixelsMax = limits.pixelsMax): Promise<DomainError> {
  try {
    await processPhoto(input, { pixelsMax })
  } catch (err) {
    if (err instanceof DomainError) return err
    throw err
  }
  throw new Error('expected the photo to be refused')
}

t.test('empty input is photo-empty (422)', async (t) => {
  const err = await refusal(Buffer.alloc(0))
  t.equal(err.status, 422)
  t.equal(err.slug, 'photo-empty')
  t.equal(err.type, 'https://claimdesk.dev/problems/photo-empty')
})

t.test('non-images are photo-unsupported-type (415), whatever they would be named', async (t) => {
  const gif = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#0f0' } })
    .gif()
    .toBuffer()
  const tiff = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#0f0' } })
    .tiff()
    .toBuffer()
  const cases: Array<[string, Buffer, string]> = [
    ['text renamed .jpg', Buffer.from('This is not a photo, just notes.txt renamed to photo.jpg\n'), 'text'],
    ['ELF executable', ELF_HEADER, 'elf-executable'],
    ['PE executable', Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(60)]), 'pe-executable'],
    ['SVG with script', SVG_WITH_SCRIPT, 'svg'],
    ['GIF', gif, 'gif'],
    ['TIFF (decodable by libvips, not accepted)', tiff, 'tiff'],
    ['PDF', Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'), 'pdf'],
    ['ZIP', zipArchive('a.txt', 'hello'), 'zip'],
    [
      'MP4 (ISO media, not HEIF)',
      Buffer.concat([Buffer.from([0, 0, 0, 20]), Buffer.from('ftypisom\0\0\0\0isom')]),
      'iso-media',
    ],
    ['random bytes', Buffer.from([0x00, 0x13, 0x37, 0x00, 0xfe, 0x01]), 'unknown'],
  ]
  for (const [name, bytes, detected] of cases) {
    const err = await refusal(bytes)
    t.equal(err.status, 415, `${name}: status`)
    t.equal(err.slug, 'photo-unsupported-type', `${name}: slug`)
    t.equal(err.extensions.detected, detected, `${name}: detected`)
  }
})

t.test('a JPEG with a ZIP appended after its EOI is photo-polyglot', async (t) => {
  const jpeg = await photoJpeg(320, 240)
  t.ok((await sharp(jpeg).metadata()).width, 'the JPEG part alone decodes')
  const err = await refusal(Buffer.concat([jpeg, zipArchive('payload.sh', '#!/bin/sh\nrm -rf ~\n')]))
  t.equal(err.slug, 'photo-polyglot')
  t.equal(err.status, 422)
  t.equal(err.extensions.payload, 'zip')
})

t.test('PNG and WebP with an archive, PDF or script after their last chunk are photo-polyglot', async (t) => {
  const png = await sharp(await photoJpeg(120, 90))
    .png()
    .toBuffer()
  const webp = await sharp(await photoJpeg(120, 90))
    .webp()
    .toBuffer()
  const cases: Array<[string, Buffer, string]> = [
    ['PNG + ZIP (local header only)', Buffer.concat([png, zipArchive('a.txt', 'a').subarray(0, 40)]), 'zip'],
    ['WebP + ZIP', Buffer.concat([webp, zipArchive('a.txt', 'a')]), 'zip'],
    ['PNG + PDF', Buffer.concat([png, Buffer.from('%PDF-1.4\n%%EOF\n')]), 'pdf'],
    ['WebP + HTML script', Buffer.concat([webp, Buffer.from('<script>alert(1)</script>')]), 'script'],
    ['PNG + ELF', Buffer.concat([png, ELF_HEADER]), 'elf-executable'],
  ]
  for (const [name, bytes, payload] of cases) {
    const err = await refusal(bytes)
    t.equal(err.slug, 'photo-polyglot', name)
    t.equal(err.extensions.payload, payload, `${name}: payload`)
  }
})

t.test('the real EOI is found past an APP segment holding its own EOI (an EXIF thumbnail)', async (t) => {
  const jpeg = await photoJpeg(320, 240)
  const fakeThumbnail = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from([0xff, 0xd8, 0xff, 0xd9])])
  const withThumb = withJpegSegment(jpeg, 0xe1, fakeThumbnail)
  // ZIP local header only, no end record: caught by walking to the real EOI, not by the tail check.
  const zip = zipArchive('x.txt', 'x')
  const localOnly = zip.subarray(0, zip.indexOf(Buffer.from('PK\x01\x02', 'latin1')))
  const err = await refusal(Buffer.concat([withThumb, localOnly]))
  t.equal(err.slug, 'photo-polyglot')
  await t.resolves(processPhoto(withThumb, limits), 'the same JPEG without the archive is accepted')
})

t.test('a ZIP hidden inside the JPEG whose end record reaches the end of file is photo-polyglot', async (t) => {
  const jpeg = await photoJpeg(64, 48, 3, 50)
  const tail = jpeg.length - 2 // bytes after SOI, which will follow the archive inside the file
  const zip = zipArchive('evil.js', 'alert(1)', Buffer.alloc(0))
  // The comment length is set to cover the rest of the JPEG, exactly as a crafted polyglot does.
  const comment = tail + 0 // archive sits in a COM segment right after SOI: 4 header bytes, then zip
  const zipWithComment = Buffer.from(zip)
  zipWithComment.writeUInt16LE(comment, zip.length - 2)
  const polyglot = withJpegSegment(jpeg, 0xfe, zipWithComment)
  const eocd = polyglot.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'))
  t.equal(eocd + 22 + polyglot.readUInt16LE(eocd + 20), polyglot.length, 'fixture: end record spans to EOF')
  t.ok((await sharp(polyglot).metadata()).width, 'fixture: still a decodable JPEG')
  const err = await refusal(polyglot)
  t.equal(err.slug, 'photo-polyglot')
})

t.test('harmless trailing data after EOI (a second JPEG, as MPF photos carry) is accepted', async (t) => {
  const jpeg = await photoJpeg(320, 240)
  const gainMap = await photoJpeg(80, 60, 9)
  const out = await processPhoto(Buffer.concat([jpeg, gainMap]), limits)
  t.equal(out.variants.full.width, 320)
})

t.test('a PNG declaring 100 MP is refused from its header: fast and without allocating', async (t) => {
  const bomb = pngBomb(10_000, 10_000)
  t.ok(bomb.length < 2_000, `fixture is tiny (${bomb.length} bytes)`)
  const header = await sharp(bomb, { limitInputPixels: false }).metadata()
  t.equal(header.width! * header.height!, 100_000_000, 'fixture: header declares 100 MP')
  await refusal(bomb) // warm up sharp's lazy initialisation

  const before = process.memoryUsage()
  const started = performance.now()
  const runs = 10
  for (let i = 0; i < runs; i++) {
    const err = await refusal(bomb)
    t.equal(err.slug, 'photo-too-many-pixels')
    t.equal(err.status, 422)
  }
  const perRunMs = (performance.now() - started) / runs
  const after = process.memoryUsage()
  const grewMb = (after.rss - before.rss) / 2 ** 20
  t.comment(
    `pixel bomb refused in ${perRunMs.toFixed(2)} ms each; RSS grew ${grewMb.toFixed(1)} MB over ${runs} refusals`,
  )
  // Loose bounds (CI noise); decoding it would take seconds and 300 MB.
  t.ok(perRunMs < 50, `refusal is fast (${perRunMs.toFixed(2)} ms)`)
  t.ok(grewMb < 20, `no pixel buffer allocated (${grewMb.toFixed(1)} MB)`)
})

t.test('a JPEG whose header claims too many pixels is refused before decoding', async (t) => {
  const lying = withJpegDimensions(await photoJpeg(64, 64), 12_000, 9_000)
  const err = await refusal(lying)
  t.equal(err.slug, 'photo-too-many-pixels')
})

t.test('the pixel limit is the caller’s, not a constant', async (t) => {
  const jpeg = await photoJpeg(400, 300)
  const err = await refusal(jpeg, 100_000)
  t.equal(err.slug, 'photo-too-many-pixels')
  t.equal(err.extensions.pixels_max, 100_000)
  await t.resolves(processPhoto(jpeg, { pixelsMax: 120_000 }), 'exactly at the limit is accepted')
})

t.test('truncated or damaged image data is photo-corrupt (422)', async (t) => {
  const jpeg = await photoJpeg(640, 480)
  const png = await sharp(await photoJpeg(200, 150))
    .png()
    .toBuffer()
  const webp = await sharp(await photoJpeg(200, 150))
    .webp()
    .toBuffer()
  const dht = jpeg.indexOf(Buffer.from([0xff, 0xc4]))
  const badHuffman = Buffer.from(jpeg).fill(0xff, dht + 4, dht + 40)
  const cases: Array<[string, Buffer]> = [
    ['JPEG cut at 60%', jpeg.subarray(0, Math.floor(jpeg.length * 0.6))],
    ['JPEG cut right after its header', jpeg.subarray(0, jpeg.indexOf(Buffer.from([0xff, 0xda])) + 20)],
    ['JPEG signature only', jpeg.subarray(0, 3)],
    ['JPEG with a bogus Huffman table', badHuffman],
    ['PNG cut in half', png.subarray(0, png.length >> 1)],
    ['WebP cut in half', webp.subarray(0, webp.length >> 1)],
  ]
  for (const [name, bytes] of cases) {
    const err = await refusal(bytes)
    t.equal(err.slug, 'photo-corrupt', name)
    t.equal(err.status, 422, name)
  }
})

t.test('a JPEG that only draws a libjpeg warning (phones write these) is accepted', async (t) => {
  // Stray bytes before a marker: "Corrupt JPEG data: 18 extraneous bytes before
  // marker 0xc4", as Pixel and Samsung cameras write (sharp issues #1578, #2416).
  const jpeg = await photoJpeg(320, 240)
  const dht = jpeg.indexOf(Buffer.from([0xff, 0xc4]))
  const quirky = Buffer.concat([jpeg.subarray(0, dht), Buffer.from('0123456789abcdefgh'), jpeg.subarray(dht)])
  await t.rejects(
    sharp(quirky, { failOn: 'warning' }).toBuffer(),
    /extraneous bytes/,
    'fixture: strictest level refuses it',
  )
  const out = await processPhoto(quirky, limits)
  t.equal(out.variants.full.width, 320)
  const err = await refusal(Buffer.concat([quirky, zipArchive('a.txt', 'a').subarray(0, 40)]))
  t.equal(err.slug, 'photo-polyglot', 'the segment walk still reaches EOI past the stray bytes')
})

t.test('HEIF-branded garbage is refused as a problem, not a crash', async (t) => {
  const heic = Buffer.concat([
    Buffer.from([0, 0, 0, 24]),
    Buffer.from('ftypheic\0\0\0\0mif1heic'),
    Buffer.alloc(200, 7),
  ])
  const err = await refusal(heic)
  t.ok(err.status === 415 || err.status === 422, `status ${err.status}`)
  t.match(err.slug, /^photo-(corrupt|unsupported-type)$/)
})

// Upload → normalised photo: type checked by bytes, pixel limit enforced from
// the header before any decode, auto-oriented, re-encoded without metadata in
// three sizes, content hash and perceptual hash. The uploaded bytes are only
// read, never returned or stored.
import { createHash } from 'node:crypto'
import type { Sharp, SharpOptions } from 'sharp'
import sharp, { PHOTO_PARALLELISM } from './sharp.js'
import { sniff, type PhotoKind } from './sniff.js'
import { findForeignPayload } from './polyglot.js'
import { dHash } from './phash.js'
import { Gate } from './gate.js'
import { settleAll } from './settle.js'
import { encode, fitInside, MIME, VARIANTS, type OutputFormat, type VariantName } from './variants.js'
import { photoCorrupt, photoEmpty, photoPolyglot, photoTooManyPixels, photoUnsupportedType } from './errors.js'

export { hammingDistance } from './phash.js'
export { VARIANTS, VARIANT_NAMES, type VariantName, type OutputFormat } from './variants.js'
export type { PhotoKind } from './sniff.js'

export interface PhotoLimits {
  /** Largest accepted width × height (policy `photo_pixels_max`). */
  pixelsMax: number
}

export interface PhotoVariant {
  buffer: Buffer
  width: number
  height: number
  bytes: number
}

export interface ProcessedPhoto {
  /** SHA-256 (hex) of the `full` variant: the photo's identity and storage key. */
  sha256: string
  /** 64-bit dHash as 16 hex digits; compare with `hammingDistance`. */
  phash: string
  format: OutputFormat
  mime: string
  /** What the uploaded bytes were. */
  source: PhotoKind
  variants: Record<VariantName, PhotoVariant>
}

// libvips' format names for what sniff() detected.
const VIPS_FORMAT: Record<PhotoKind, string> = { jpeg: 'jpeg', png: 'png', webp: 'webp', avif: 'heif', heic: 'heif' }
// Stops only pathological decodes: a 12-MP JPEG takes ~0.3 s on a 2-core box.
const DECODE_TIMEOUT_SECONDS = 30

const gate = new Gate(PHOTO_PARALLELISM)

/** HEIF support is a property of the sharp build (prebuilt binaries decode AVIF but not HEVC). */
const heifReadable = (): boolean => sharp.format.heif?.input.buffer === true

export async function processPhoto(input: Buffer, limits: PhotoLimits): Promise<ProcessedPhoto> {
  if (input.length === 0) throw photoEmpty()
  const sniffed = sniff(input)
  if (sniffed.kind === null) throw photoUnsupportedType(sniffed.detected)
  const kind = sniffed.kind
  if ((kind === 'avif' || kind === 'heic') && !heifReadable()) throw photoUnsupportedType(kind)
  const payload = findForeignPayload(input, kind)
  if (payload) throw photoPolyglot(payload)
  return gate.run(() => normalise(input, kind, limits.pixelsMax))
}

async function normalise(input: Buffer, kind: PhotoKind, pixelsMax: number): Promise<ProcessedPhoto> {
  // 'error' also fails on truncation; 'warning' would refuse phones' harmless
  // "extraneous bytes before marker" JPEGs. The limit makes sharp refuse from
  // the header's dimensions, before any pixel buffer is allocated.
  const options: SharpOptions = { failOn: 'error', limitInputPixels: pixelsMax, sequentialRead: true }

  const meta = await sharp(input, options)
    .metadata()
    .catch((err: unknown) => {
      throw decodeError(err, kind, pixelsMax)
    })
  if (meta.format !== VIPS_FORMAT[kind]) throw photoUnsupportedType(String(meta.format))
  const frameHeight = meta.pageHeight ?? meta.height
  if (meta.width * frameHeight > pixelsMax) throw photoTooManyPixels(pixelsMax, meta.width, frameHeight)

  // Nothing but the encoded variants comes back to JS: every byte a photo
  // allocates there counts against V8's old-generation headroom until the
  // next full GC, so pixel buffers in JS (2.4 MB for a 1024-px preview) set
  // off mark-compacts under upload load. The full and preview variants are
  // decoded from the upload (shrunk on load, cheap for JPEG); the thumb and
  // the dHash from the encoded preview.
  const oriented = (): Sharp =>
    sharp(input, options).timeout({ seconds: DECODE_TIMEOUT_SECONDS }).rotate().toColourspace('srgb')
  const asDecodeError = (err: unknown): never => {
    throw decodeError(err, kind, pixelsMax)
  }
  const transparent =
    meta.hasAlpha === true && !(await alphaIsOpaque(fitInside(oriented(), VARIANTS.preview)).catch(asDecodeError))
  const format: OutputFormat = transparent ? 'webp' : 'jpeg'
  // An alpha channel that is opaque everywhere is dropped (a no-op on images without one).
  const upload = (): Sharp => (meta.hasAlpha === true && !transparent ? oriented().removeAlpha() : oriented())

  const render = async (image: Sharp, side: number): Promise<PhotoVariant> => {
    const out = await encode(fitInside(image, side), format).toBuffer({ resolveWithObject: true })
    return { buffer: out.data, width: out.info.width, height: out.info.height, bytes: out.data.length }
  }
  const preview = render(upload(), VARIANTS.preview).catch(asDecodeError)
  // Settled, not raced: when this returns no libvips thread still reads the
  // upload, so the caller may reuse its memory.
  const [full, previewVariant, thumb, phash] = await settleAll([
    render(upload(), VARIANTS.full).catch(asDecodeError),
    preview,
    preview.then((p) => render(sharp(p.buffer), VARIANTS.thumb)),
    preview.then((p) => dHash(sharp(p.buffer))),
  ] as const)

  return {
    sha256: createHash('sha256').update(full.buffer).digest('hex'),
    phash,
    format,
    mime: MIME[format],
    source: kind,
    variants: { full, preview: previewVariant, thumb },
  }
}

/** PNG screenshots often carry an alpha channel that is 255 everywhere: those are opaque photos. */
async function alphaIsOpaque(image: Sharp): Promise<boolean> {
  const alpha = await image.extractChannel('alpha').raw({ depth: 'uchar' }).toBuffer()
  for (const value of alpha) if (value !== 255) return false
  return true
}

function decodeError(err: unknown, kind: PhotoKind, pixelsMax: number): Error {
  const message = err instanceof Error ? err.message : String(err)
  if (/exceeds pixel limit/i.test(message)) return photoTooManyPixels(pixelsMax)
  // A HEIC whose codec this libheif lacks (HEVC in the prebuilt binaries) is a type we cannot take.
  if (kind === 'heic' && /unsupported (codec|feature|compression)|no decoding plugin/i.test(message)) {
    return photoUnsupportedType('heic', 'HEIC (HEVC) photos cannot be decoded by this server; send JPEG')
  }
  return photoCorrupt()
}

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
import { checkDecodeBudget, type DecodeBudget } from './budget.js'

export { hammingDistance } from './phash.js'
export { VARIANTS, VARIANT_NAMES, type VariantName, type OutputFormat } from './variants.js'
export type { PhotoKind } from './sniff.js'

/** The decode budget (src/domain/photos/pipeline/budget.ts): `pixelsMax` and the optional costlier-path limits. */
export type PhotoLimits = DecodeBudget
export { DECODE_CLASSES, type DecodeClass } from './budget.js'

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
  return gate.run(() => normalise(input, kind, limits))
}

async function normalise(input: Buffer, kind: PhotoKind, limits: PhotoLimits): Promise<ProcessedPhoto> {
  const { pixelsMax } = limits
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
  // Every budget check reads the header only: a refused photo costs no decode.
  checkDecodeBudget(
    kind,
    {
      width: meta.width,
      height: meta.pageHeight ?? meta.height,
      progressive: meta.isProgressive === true,
      alpha: meta.hasAlpha === true,
      bytes: input.length,
    },
    limits,
  )

  // The upload is decoded once: the full variant is rendered from it and
  // the preview from the full variant (or, with alpha, both from the one
  // decoded bitmap); the thumb and the dHash from the preview. A second
  // decode of the upload cost as much as the first for PNG, WebP and AVIF
  // (no shrink-on-load) and progressive JPEG (every scan is entropy-decoded
  // whatever the scale), most of their CPU time (docs/benchmarks-photos-budget.md).
  const oriented = sharp(input, options).timeout({ seconds: DECODE_TIMEOUT_SECONDS }).rotate().toColourspace('srgb')
  const { format, full, preview } = await (
    meta.hasAlpha === true ? renderWithAlpha(fitInside(oriented, VARIANTS.full)) : renderOpaque(oriented)
  ).catch((err: unknown) => {
    throw decodeError(err, kind, pixelsMax)
  })
  const [thumb, phash] = await settleAll([
    render(sharp(preview.buffer), VARIANTS.thumb, format),
    dHash(sharp(preview.buffer)),
  ] as const)

  return {
    sha256: createHash('sha256').update(full.buffer).digest('hex'),
    phash,
    format,
    mime: MIME[format],
    source: kind,
    variants: { full, preview, thumb },
  }
}

async function render(image: Sharp, side: number, format: OutputFormat): Promise<PhotoVariant> {
  const out = await encode(fitInside(image, side), format).toBuffer({ resolveWithObject: true })
  return { buffer: out.data, width: out.info.width, height: out.info.height, bytes: out.data.length }
}

interface Rendered {
  format: OutputFormat
  full: PhotoVariant
  preview: PhotoVariant
}

/** Full from the upload (shrunk on load where the codec can), preview from the full variant's JPEG. */
async function renderOpaque(oriented: Sharp): Promise<Rendered> {
  const full = await render(oriented, VARIANTS.full, 'jpeg')
  return { format: 'jpeg', full, preview: await render(sharp(full.buffer), VARIANTS.preview, 'jpeg') }
}

/**
 * An image with an alpha channel: its full-size pixels come back to JS once
 * (at most 2560×2560×4 bytes), so that one decode tells whether any pixel is
 * transparent and feeds both larger variants. Transparent pictures become
 * WebP with alpha; an alpha channel that is 255 everywhere (PNG screenshots
 * often carry one) is dropped and the photo becomes JPEG.
 */
async function renderWithAlpha(resized: Sharp): Promise<Rendered> {
  const { data, info } = await resized.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } }
  const transparent = info.channels % 2 === 0 && !alphaIsOpaque(data, info.channels)
  const pixels = (): Sharp => (transparent ? sharp(data, raw) : sharp(data, raw).removeAlpha())
  const format: OutputFormat = transparent ? 'webp' : 'jpeg'
  const [full, preview] = await settleAll([
    render(pixels(), VARIANTS.full, format),
    render(pixels(), VARIANTS.preview, format),
  ] as const)
  return { format, full, preview }
}

/** The last channel of interleaved pixels (grey+alpha or RGBA) is 255 everywhere. */
function alphaIsOpaque(data: Buffer, channels: number): boolean {
  for (let at = channels - 1; at < data.length; at += channels) if (data[at] !== 255) return false
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

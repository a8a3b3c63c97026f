// The decode budget: what a photo's header says about the work its decode
// would cost, checked before any pixel is decoded. A real photo's bytes grow
// with its pixels; its decode cost grows with its pixels and codec. Limits
// measured on real-phone-like photos (docs/benchmarks-photos-budget.md).
import type { PhotoKind } from './sniff.js'
import { photoDecodeTooCostly, photoImplausiblyCompressed, photoTooManyPixels } from './errors.js'

/**
 * Decode paths costlier per pixel than a baseline JPEG or PNG, each with its
 * own pixel limit (policy `photo_decode_pixels_max`):
 * - `interlaced`: interlaced PNG and progressive JPEG, decoded whole into memory, every pass or scan at full size;
 * - `webp`, `heif` (AVIF, HEIC): no cheap shrink on load, slow decoders;
 * - `alpha`: an alpha channel, whose pixels come back to JS and may need a WebP encode.
 */
export const DECODE_CLASSES = ['interlaced', 'webp', 'heif', 'alpha'] as const
export type DecodeClass = (typeof DECODE_CLASSES)[number]

export interface DecodeBudget {
  /** Largest width × height of any photo (policy `photo_pixels_max`). */
  pixelsMax: number
  /** Most pixels per uploaded byte (policy `photo_pixels_per_byte_max`); undefined: not checked. */
  pixelsPerByteMax?: number
  /** Pixel limits of the costlier decode paths; a class not named has only `pixelsMax`. */
  decodePixelsMax?: Partial<Record<DecodeClass, number>>
}

/**
 * Below this many pixels the bytes-per-pixel check does not apply: decoding
 * so few costs little whatever the bytes, and a flat screenshot of a phone's
 * screen (about 3 MP) may compress very well.
 */
export const DENSITY_CHECK_FROM_PIXELS = 4_000_000

export interface HeaderFacts {
  width: number
  /** One frame's height. */
  height: number
  /** Interlaced PNG or progressive JPEG. */
  progressive: boolean
  alpha: boolean
  bytes: number
}

/** The classes a photo's decode falls into. */
export function decodeClasses(kind: PhotoKind, facts: HeaderFacts): DecodeClass[] {
  const classes: DecodeClass[] = []
  if (facts.progressive && (kind === 'png' || kind === 'jpeg')) classes.push('interlaced')
  if (kind === 'webp') classes.push('webp')
  if (kind === 'avif' || kind === 'heic') classes.push('heif')
  if (facts.alpha) classes.push('alpha')
  return classes
}

/** Throws the refusal of a photo over its budget; returns when it is within. */
export function checkDecodeBudget(kind: PhotoKind, facts: HeaderFacts, budget: DecodeBudget): void {
  const { width, height, bytes } = facts
  const pixels = width * height
  if (pixels > budget.pixelsMax) throw photoTooManyPixels(budget.pixelsMax, width, height)
  const perByte = budget.pixelsPerByteMax
  if (perByte !== undefined && pixels > DENSITY_CHECK_FROM_PIXELS && pixels > bytes * perByte) {
    throw photoImplausiblyCompressed(perByte, { width, height, bytes })
  }
  for (const decodeClass of decodeClasses(kind, facts)) {
    const max = budget.decodePixelsMax?.[decodeClass]
    if (max !== undefined && pixels > max) throw photoDecodeTooCostly(decodeClass, max, width, height)
  }
}

// The stored renditions of a photo and how each is encoded.
import type { Sharp } from 'sharp'

export const VARIANTS = { full: 2560, preview: 1024, thumb: 256 } as const
export type VariantName = keyof typeof VARIANTS
export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[]

/**
 * Output format. Opaque pictures become JPEG (what every photo viewer and
 * browser shows, smallest for camera images). Pictures with real transparency
 * become lossy WebP with alpha: PNG would be 5–10× larger for photographic
 * content and every current browser decodes WebP.
 */
export type OutputFormat = 'jpeg' | 'webp'
export const MIME: Record<OutputFormat, string> = { jpeg: 'image/jpeg', webp: 'image/webp' }

// mozjpeg's trellis quantisation costs ~3× the CPU for ~10% fewer bytes: not worth it per upload.
// WebP effort 0: a noisy 2560×1920 transparent picture took 0.33 CPU s against 0.44 at effort 2, which
// kept transparent uploads within the decode budget's 0.5 s (docs/benchmarks-photos-budget.md).
const JPEG = { quality: 82, mozjpeg: false, chromaSubsampling: '4:2:0' } as const
const WEBP = { quality: 82, alphaQuality: 90, effort: 0 } as const

/** Fit inside a `side`×`side` box, never upscaling. */
export const fitInside = (image: Sharp, side: number): Sharp =>
  image.resize(side, side, { fit: 'inside', withoutEnlargement: true })

/** Encode without metadata: sharp writes no EXIF, XMP, IPTC, ICC or comments unless asked to. */
export const encode = (image: Sharp, format: OutputFormat): Sharp =>
  format === 'jpeg' ? image.jpeg(JPEG) : image.webp(WEBP)

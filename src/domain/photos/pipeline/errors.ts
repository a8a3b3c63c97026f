// The photo pipeline's refusals, one constructor per stable problem slug.
import { DomainError } from '../../../shared/errors.js'

export const ACCEPTED_PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/heic'] as const

export const photoEmpty = (): DomainError =>
  new DomainError({
    status: 422,
    slug: 'photo-empty',
    title: 'Photo is empty',
    detail: 'The uploaded file has no bytes',
  })

/** `detected` names what the bytes look like (for the client), never what they claimed to be. */
export const photoUnsupportedType = (detected: string, detail?: string): DomainError =>
  new DomainError({
    status: 415,
    slug: 'photo-unsupported-type',
    title: 'Unsupported photo type',
    detail: detail ?? `The file's content is ${detected}; accepted photos are JPEG, PNG, WebP, AVIF and HEIC`,
    extensions: { detected },
  })

export const photoPolyglot = (payload: string): DomainError =>
  new DomainError({
    status: 422,
    slug: 'photo-polyglot',
    title: 'Photo carries another file',
    detail: `The image contains an embedded ${payload} payload`,
    extensions: { payload },
  })

export const photoTooManyPixels = (pixelsMax: number, width?: number, height?: number): DomainError =>
  new DomainError({
    status: 422,
    slug: 'photo-too-many-pixels',
    title: 'Photo has too many pixels',
    detail:
      width && height
        ? `The image is ${width}×${height} pixels; at most ${pixelsMax} pixels are accepted`
        : `The image exceeds ${pixelsMax} pixels`,
    extensions: { pixels_max: pixelsMax, ...(width && height ? { width, height } : {}) },
  })

// libvips' own message stays out of the response: it names internals and is not stable.
export const photoCorrupt = (): DomainError =>
  new DomainError({
    status: 422,
    slug: 'photo-corrupt',
    title: 'Photo is corrupt',
    detail: 'The image data is damaged or truncated and cannot be decoded',
  })

export const photoImplausiblyCompressed = (
  pixelsPerByteMax: number,
  facts: { width: number; height: number; bytes: number },
): DomainError =>
  new DomainError({
    status: 422,
    slug: 'photo-implausibly-compressed',
    title: 'Photo has more pixels than its bytes can carry',
    detail:
      `The image is ${facts.width}×${facts.height} pixels in ${facts.bytes} bytes; a photo of that size needs at least ` +
      `${Math.ceil((facts.width * facts.height) / pixelsPerByteMax)} bytes (at most ${pixelsPerByteMax} pixels per byte)`,
    extensions: { pixels_per_byte_max: pixelsPerByteMax, width: facts.width, height: facts.height },
  })

const DECODE_CLASS_NAMES: Record<string, string> = {
  interlaced: 'an interlaced PNG or progressive JPEG',
  webp: 'a WebP image',
  heif: 'an AVIF or HEIC image',
  alpha: 'an image with an alpha channel',
}

/** Over the pixel limit of a decode path costlier than a baseline JPEG's (policy photo_decode_pixels_max). */
export const photoDecodeTooCostly = (
  decodeClass: string,
  pixelsMax: number,
  width: number,
  height: number,
): DomainError =>
  new DomainError({
    status: 422,
    slug: 'photo-decode-too-costly',
    title: 'Photo too costly to decode',
    detail:
      `The image is ${DECODE_CLASS_NAMES[decodeClass] ?? decodeClass} of ${width}×${height} pixels; at most ` +
      `${pixelsMax} pixels are accepted for those (a baseline JPEG may be larger)`,
    extensions: { decode_class: decodeClass, pixels_max: pixelsMax, width, height },
  })

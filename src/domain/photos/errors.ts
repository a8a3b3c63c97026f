// Refusals of photo uploads at the HTTP and claim level (the pipeline's own
// refusals, photo-corrupt and the like, live in src/domain/photos/pipeline/errors.ts).
import { DomainError } from '../../shared/errors.js'

const MiB = 1024 * 1024

export const photoTooLarge = (bytesMax: number): DomainError =>
  new DomainError({
    status: 413,
    slug: 'photo-too-large',
    title: 'Photo too large',
    detail: `a photo may be at most ${bytesMax >= MiB ? `${Math.floor((bytesMax / MiB) * 10) / 10} MiB` : `${bytesMax} bytes`}`,
    extensions: { bytes_max: bytesMax },
  })

export const tooManyPhotos = (max: number, detail?: string): DomainError =>
  new DomainError({
    status: 422,
    slug: 'too-many-photos',
    title: 'Too many photos',
    detail: detail ?? `a claim may carry at most ${max} photos`,
    extensions: { photos_max: max },
  })

export const photosRequired = (min: number, reason: string): DomainError =>
  new DomainError({
    status: 422,
    slug: 'photos-required',
    title: 'Photos required',
    detail: `a ${reason.replaceAll('_', ' ')} claim needs at least ${min} photo${min === 1 ? '' : 's'} (multipart/form-data, file parts named "photos")`,
    extensions: { photos_min: min, reason },
  })

export const photosNotAllowed = (action: string): DomainError =>
  new DomainError({
    status: 422,
    slug: 'photos-not-allowed',
    title: 'Photos not accepted here',
    detail: `${action} does not take photos; send them with provide_info`,
    extensions: { action },
  })

export const photoNotAFile = (): DomainError =>
  new DomainError({
    status: 422,
    slug: 'photo-not-a-file',
    title: 'Photo is not a file',
    detail: 'the "photos" field must be file parts of a multipart/form-data request',
  })

export const malformedMultipart = (detail: string): DomainError =>
  new DomainError({ status: 400, slug: 'malformed-multipart', title: 'Malformed multipart body', detail })

export const unknownFileField = (name: string): DomainError =>
  new DomainError({
    status: 400,
    slug: 'invalid-request',
    title: 'Request does not match the schema',
    detail: `unexpected file field "${name}"; photos go in file parts named "photos"`,
    extensions: { field: name },
  })

export const tooManyFields = (): DomainError =>
  new DomainError({
    status: 413,
    slug: 'too-many-fields',
    title: 'Too many form fields',
    detail: 'the form has more fields than any request takes',
  })

export const fieldTooLarge = (name: string, bytesMax: number): DomainError =>
  new DomainError({
    status: 413,
    slug: 'field-too-large',
    title: 'Form field too large',
    detail: `the form field "${name}" exceeds ${bytesMax} bytes`,
    extensions: { field: name, bytes_max: bytesMax },
  })

/** A pipeline refusal, told which upload it concerns. */
export const forUpload = (err: DomainError, index: number, filename: string | undefined): DomainError =>
  new DomainError({
    status: err.status,
    slug: err.slug,
    title: err.title,
    detail: `photo ${index + 1}${filename ? ` (${JSON.stringify(filename.slice(0, 100))})` : ''}: ${err.detail ?? err.title}`,
    extensions: { ...err.extensions, photo_index: index },
  })

/** Seconds a party refused for work in flight is told to wait: about what a claim's photos take to process. */
export const UPLOADS_RETRY_AFTER_SECONDS = 5

/** A party over its work in flight on this instance (policy photo_uploads_per_party or photos_in_flight_per_party). */
export const uploadsInFlight = (limit: 'photo_uploads_per_party' | 'photos_in_flight_per_party', max: number) =>
  new DomainError({
    status: 429,
    slug: 'uploads-in-flight',
    title: 'Too many uploads in flight',
    detail:
      limit === 'photo_uploads_per_party'
        ? `at most ${max} requests with photos of one party are handled at once (policy ${limit}); retry once one has finished`
        : `at most ${max} photos of one party are processed at once (policy ${limit}); retry once they have finished`,
    extensions: { limit, max, retry_after: UPLOADS_RETRY_AFTER_SECONDS },
  })

/** The body came in slower than policy upload_min_rate: the connection is dropped. */
export const uploadTooSlow = (bytes: number, windowMs: number) =>
  new DomainError({
    status: 408,
    slug: 'upload-too-slow',
    title: 'Upload too slow',
    detail: `the request body brought fewer than ${bytes} bytes in ${windowMs / 1000} s (policy upload_min_rate)`,
  })

// multipart/form-data for the routes that take photos: every limit in this
// one plugin, and one reader that consumes every part, refuses what breaks a
// limit as soon as it shows, and hands the route its fields as a body (so the
// route schema validates them as it does JSON) and the photo bytes apart.
//
// Limits (busboy's, enforced while parsing, nothing buffered past them):
//   fileSize  = policy photo_bytes_max      → 413 photo-too-large
//   files     = the scope's photo cap (policy photos_per_claim_max for
//               claims, photos_per_message_max for chat) → 422 too-many-photos
//   fields, fieldSize, fieldNameSize, parts, headerPairs → 413 too-many-fields / field-too-large
// A client that stops sending mid-form is cut off by the server's connection
// (idle) and request timeouts, set in buildApp; one that keeps sending, but
// below policy upload_min_rate, is dropped with 408 upload-too-slow; the
// reader then ends, and nothing was stored. Each party has at most
// photo_uploads_per_party multipart requests in flight (429 uploads-in-flight).
import { createHash } from 'node:crypto'
import fastifyMultipart, { type MultipartFile } from '@fastify/multipart'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, preValidationHookHandler } from 'fastify'
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { DomainError } from '../shared/errors.js'
import type { PhotoUpload } from '../domain/photos/photos.service.js'
import { PHOTO_PARALLELISM } from '../domain/photos/pipeline/index.js'
import { UploadBuffers } from './upload-buffers.js'
import { UploadSlots, watchUploadRate } from './upload-guard.js'
import type { UploadRatePolicy } from '../config/policy.js'
import {
  fieldTooLarge,
  malformedMultipart,
  photoNotAFile,
  photoTooLarge,
  tooManyFields,
  tooManyPhotos,
  unknownFileField,
} from '../domain/photos/errors.js'

/** Idle upload slabs never hold more than this, however many cores or large a photo_bytes_max. */
export const IDLE_SLAB_BYTES_MAX = 256 * 1024 * 1024

/** Enough idle slabs for the photos being processed plus those being read, within IDLE_SLAB_BYTES_MAX. */
export function idleSlabsFor(photoBytesMax: number): number {
  return Math.max(1, Math.min(2 * PHOTO_PARALLELISM, Math.floor(IDLE_SLAB_BYTES_MAX / photoBytesMax)))
}

/** The file parts' field name. */
export const PHOTO_FIELD = 'photos'
/** More text fields than any route takes (claim actions have 13). */
export const FORM_FIELDS_MAX = 20
/** Descriptions are at most 4000 characters: 16 KiB holds them in any script. */
export const FORM_FIELD_BYTES_MAX = 16 * 1024

export interface UploadLimits {
  /** Files per request (policy photos_per_claim_max, or photos_per_message_max for chat messages). */
  photosMax: number
  /** Bytes per file (policy photo_bytes_max). */
  photoBytesMax: number
  /** The slowest body accepted (policy upload_min_rate); none when omitted. */
  minRate?: UploadRatePolicy
  /** Multipart requests in flight per party (policy photo_uploads_per_party), one instance for every scope; none when omitted. */
  slots?: UploadSlots
}

export interface Upload extends PhotoUpload {
  /** SHA-256 of the uploaded bytes: lets Idempotency-Key tell two uploads apart. */
  sha256: string
  /** Gives the bytes' buffer back for reuse (idempotent); after it `buffer` must not be read. */
  release: () => void
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Photos of a multipart request (after the form hook ran); empty for JSON. */
    uploads: Upload[] | null
  }
  interface FastifyInstance {
    uploadLimits: UploadLimits
    uploadBuffers: UploadBuffers
  }
}

export const multipartPlugin = fp<UploadLimits>(
  async (app, limits) => {
    await app.register(fastifyMultipart, {
      throwFileSizeLimit: true,
      limits: {
        fileSize: limits.photoBytesMax,
        files: limits.photosMax,
        fields: FORM_FIELDS_MAX,
        fieldSize: FORM_FIELD_BYTES_MAX,
        fieldNameSize: 64,
        parts: FORM_FIELDS_MAX + limits.photosMax,
        headerPairs: 16,
      },
    })
    app.decorate('uploadLimits', { ...limits })
    app.decorate('uploadBuffers', new UploadBuffers(limits.photoBytesMax, idleSlabsFor(limits.photoBytesMax)))
    app.decorateRequest('uploads', null)
    // Refused before the body was read to its end (a photo over the limit, the
    // eleventh photo, a bad part): close the connection after the answer
    // rather than leave the unread rest of the upload on a keep-alive socket.
    app.addHook('onSend', (request, reply, payload, done) => {
      if (request.isMultipart() && !request.raw.readableEnded) reply.header('connection', 'close')
      done(null, payload)
    })
  },
  { name: 'photo-multipart' },
)

/**
 * Route preValidation hook. JSON requests pass through (a `photos` member is
 * refused: photos travel only as file parts). A multipart request is read
 * whole: its text fields become the body, converted to the route schema's
 * types (`expected_version=3` is a number), with `photos` set to the uploads'
 * SHA-256s so idempotency hashing sees them; the bytes go to `request.uploads`.
 */
export function formBody(schema: TSchema): preValidationHookHandler {
  // Callback style: a JSON body (nearly every request) is checked without a promise.
  return function (request, reply, done) {
    request.uploads = []
    if (!request.isMultipart()) {
      const body = request.body
      if (body !== null && typeof body === 'object' && PHOTO_FIELD in body) throw photoNotAFile()
      return done()
    }
    readFormBody(request, reply, schema).then(() => done(), done)
  }
}

/** A multipart request's form read whole: its fields as the body, its photos as `request.uploads`. */
async function readFormBody(request: FastifyRequest, reply: FastifyReply, schema: TSchema): Promise<void> {
  const limits = request.server.uploadLimits
  const principal = request.principal
  // Held until the response ends (sent or the client gone): reading, processing and storing its photos.
  if (principal && limits.slots) {
    const give = limits.slots.take(`${principal.role}:${principal.id}`)
    reply.raw.once('close', give)
  }
  const { fields, uploads } = await readForm(request, limits, request.server.uploadBuffers)
  if (uploads.length > 0) fields[PHOTO_FIELD] = uploads.map((u) => u.sha256)
  request.body = Value.Convert(schema, fields)
  request.uploads = uploads
}

async function readForm(
  request: FastifyRequest,
  limits: UploadLimits,
  buffers: UploadBuffers,
): Promise<{ fields: Record<string, unknown>; uploads: Upload[] }> {
  const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  const uploads: Upload[] = []
  // Node's parser holds the body to its Content-Length, so no file part is longer.
  const declaredBytes = Number(request.headers['content-length']) || undefined
  const stopWatching = limits.minRate ? watchUploadRate(request, limits.minRate) : () => {}
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== PHOTO_FIELD) {
          part.file.resume() // discard it: the error below ends the request
          throw unknownFileField(part.fieldname)
        }
        uploads.push(await readUpload(part, buffers, declaredBytes))
        continue
      }
      if (part.fieldname === PHOTO_FIELD) throw photoNotAFile()
      if (part.fieldnameTruncated) throw malformedMultipart('a field name is too long')
      if (part.valueTruncated) throw fieldTooLarge(part.fieldname, FORM_FIELD_BYTES_MAX)
      const existing = fields[part.fieldname]
      // A repeated field becomes an array, which the schema then refuses.
      fields[part.fieldname] = existing === undefined ? part.value : ([] as unknown[]).concat(existing, part.value)
    }
  } catch (err) {
    for (const upload of uploads) upload.release() // refused: nobody will read them
    throw asProblem(err, limits)
  } finally {
    stopWatching()
  }
  return { fields: { ...fields }, uploads }
}

/** Reads one file part into a reusable slab, hashing it on the way. */
async function readUpload(
  part: MultipartFile,
  buffers: UploadBuffers,
  declaredBytes: number | undefined,
): Promise<Upload> {
  const bytesMax = buffers.slabBytes
  const slab = buffers.take(declaredBytes)
  let length = 0
  const hash = createHash('sha256')
  // busboy truncates at fileSize; stop right there instead of draining the rest of the part.
  const onLimit = (): void => {
    part.file.destroy(photoTooLarge(bytesMax))
  }
  part.file.once('limit', onLimit)
  try {
    for await (const chunk of part.file) {
      const bytes = chunk as Buffer
      // busboy's fileSize is the slab's size and the body is no longer than declared, so this holds; never copy short.
      if (length + bytes.length > slab.length) throw photoTooLarge(bytesMax)
      bytes.copy(slab, length)
      length += bytes.length
      hash.update(bytes)
    }
    if (part.file.truncated) throw photoTooLarge(bytesMax)
  } catch (err) {
    buffers.give(slab)
    throw err
  } finally {
    part.file.off('limit', onLimit)
  }
  let released = false
  const release = (): void => {
    if (released) return
    released = true
    buffers.give(slab)
  }
  return { buffer: slab.subarray(0, length), filename: part.filename || undefined, sha256: hash.digest('hex'), release }
}

/** busboy's and @fastify/multipart's errors as our problems. */
function asProblem(err: unknown, limits: UploadLimits): unknown {
  if (err instanceof DomainError) return err
  const { code, message } = err as { code?: string; message?: string }
  switch (code) {
    case 'FST_FILES_LIMIT':
      return tooManyPhotos(limits.photosMax, `at most ${limits.photosMax} photos may be sent at once`)
    case 'FST_REQ_FILE_TOO_LARGE':
      return photoTooLarge(limits.photoBytesMax)
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return tooManyFields()
    case 'FST_PROTO_VIOLATION':
      return malformedMultipart('a field name is not allowed')
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return malformedMultipart('a field declared as application/json is not valid JSON')
    case 'FST_MP_PREMATURE_CLOSE':
      return malformedMultipart('the request ended before the form was complete')
  }
  // busboy: "Unexpected end of form", "Malformed part header", "Multipart: Boundary not found", ...
  if (err instanceof Error && !code) return malformedMultipart(message ?? 'the multipart body cannot be parsed')
  return err
}

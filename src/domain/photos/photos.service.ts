// Claim and chat photos: uploads turned into stored variants (before any
// claim or message transaction), rows and reuse matches written inside it,
// the lists claim and message views show, and the bytes served back to the
// parties.
//
// All or nothing: `prepare` processes every upload before storing any, and
// stores under per-photo keys (a fresh uuid each), so `discard` after a
// failed transaction removes exactly the files that request wrote and never
// another claim's copy of the same picture.
import { randomUUID } from 'node:crypto'
import { availableParallelism } from 'node:os'
import type { Readable } from 'node:stream'
import type { Logger } from '../../shared/logger.js'
import type { Db, Tx } from '../../db/database.js'
import type { PhotoRow } from '../../db/schema.js'
import type { Policy } from '../../config/policy.js'
import type { Principal } from '../../auth/principal.js'
import { DomainError, notFound } from '../../shared/errors.js'
import {
  processPhoto,
  VARIANT_NAMES,
  type PhotoLimits,
  type PhotoStorage,
  type ProcessedPhoto,
  type VariantName,
} from './pipeline/index.js'
import { forUpload } from './errors.js'
import { PartyWork, type PartyTicket } from './party-work.js'
import { phashKeys, phashProbeKeys } from './reuse.js'
import * as photosRepo from './photos.repository.js'

/** An uploaded file as the multipart reader hands it over: raw bytes, never trusted. */
export interface PhotoUpload {
  buffer: Buffer
  /** The client's file name: for messages only. */
  filename: string | undefined
  /** Called once `buffer` is no longer read, so the reader may reuse its memory. */
  release?: () => void
}

export interface PreparedVariant {
  key: string
  width: number
  height: number
  bytes: number
}

/** A processed photo whose variants are already in storage. */
export interface PreparedPhoto {
  id: string
  sha256: string
  phash: string
  format: string
  mime: string
  source: string
  variants: Record<VariantName, PreparedVariant>
}

export interface PhotoView {
  id: string
  mime: string
  uploaded_by: string
  created_at: string
  variants: Record<VariantName, { url: string; width: number; height: number; bytes: number }>
}

export interface PhotoReuseView {
  photo_id: string
  other_claim_ids: string[]
  /** 0 when the normalised bytes are identical, else the smallest perceptual-hash distance. */
  distance: number
}

/** A photo in a claim view: sent with the claim or an action, or in the claim's chat thread. */
export interface ClaimPhotoView extends PhotoView {
  source: 'claim' | 'message'
  /** The chat message that carried it (source `message`), else null. */
  message_id: string | null
}

export interface ClaimPhotos {
  photos: ClaimPhotoView[]
  /** Arbiters only; undefined for everyone else. */
  photo_reuse?: PhotoReuseView[]
}

export interface ServedPhoto {
  etag: string
  mime: string
  /** null when the caller's If-None-Match matched: send 304. */
  body: { stream: Readable; size: number } | null
}

export interface PhotosServiceDeps {
  db: Db
  storage: PhotoStorage
  policy: Policy
  log: Logger
}

export const photoUrl = (id: string, variant: VariantName): string => `/v1/photos/${id}/${variant}`

/** Storage key per photo id, not per content: deleting one never touches another claim's file. */
export const storageKey = (id: string, variant: VariantName): string => `p/${id.slice(0, 2)}/${id}/${variant}`

/** Who uploads: a party's role and subject. */
export interface Uploader {
  role: string
  id: string
}

export class PhotosService {
  private readonly partyWork: PartyWork

  constructor(private readonly deps: PhotosServiceDeps) {
    this.partyWork = new PartyWork(deps.policy.photos_in_flight_per_party, deps.policy.photo_decodes_per_party)
  }

  get policy(): Policy {
    return this.deps.policy
  }

  /**
   * Processes every upload (type by bytes, pixel limit, metadata stripped,
   * variants, hashes), then stores them. Any refusal refuses the whole set
   * and leaves nothing stored. The uploader's photos in flight count against
   * its per-party caps (429 uploads-in-flight past them).
   */
  async prepare(uploads: PhotoUpload[], uploader: Uploader): Promise<PreparedPhoto[]> {
    if (uploads.length === 0) return []
    let ticket: PartyTicket
    try {
      ticket = this.partyWork.enter(`${uploader.role}:${uploader.id}`, uploads.length)
    } catch (err) {
      for (const upload of uploads) upload.release?.() // refused: nobody will read them
      throw err
    }
    let processed: ProcessedPhoto[]
    try {
      processed = await this.processAll(uploads, ticket)
    } finally {
      ticket.leave()
    }
    const prepared = processed.map((p) => toPrepared(p))
    try {
      await Promise.all(
        processed.flatMap((photo, i) =>
          VARIANT_NAMES.map((variant) => {
            const target = prepared[i] as PreparedPhoto
            return this.deps.storage.put(target.variants[variant].key, photo.variants[variant].buffer, photo.mime)
          }),
        ),
      )
    } catch (err) {
      await this.discard(prepared)
      throw err
    }
    return prepared
  }

  /** Compensation: removes what `prepare` stored. Never throws; a file left over is logged. */
  async discard(prepared: PreparedPhoto[]): Promise<void> {
    const keys = prepared.flatMap((p) => VARIANT_NAMES.map((v) => p.variants[v].key))
    const results = await Promise.allSettled(keys.map((key) => this.deps.storage.delete(key)))
    results.forEach((r, i) => {
      if (r.status === 'rejected')
        this.deps.log.error({ err: r.reason, key: keys[i] }, 'photo compensation: delete failed, file orphaned')
    })
  }

  /**
   * Inside the claim's or message's transaction: one row per photo and the
   * reuse matches against photos of other claims (both directions, so both
   * claims show it). A photo without a claim (a pre-sale chat message) is
   * neither checked for reuse nor matched later.
   */
  async attach(
    tx: Tx,
    target: { claimId: string | null; messageId?: string | null; uploader: { role: string; id: string } },
    prepared: PreparedPhoto[],
  ): Promise<void> {
    if (prepared.length === 0) return
    await photosRepo.insertPhotos(
      tx,
      prepared.map((p, position) => ({
        id: p.id,
        claim_id: target.claimId,
        message_id: target.messageId ?? null,
        uploader_role: target.uploader.role,
        uploader_id: target.uploader.id,
        sha256: p.sha256,
        phash: p.phash,
        phash_keys: phashKeys(p.phash),
        format: p.format,
        mime: p.mime,
        source_format: p.source,
        full_key: p.variants.full.key,
        full_width: p.variants.full.width,
        full_height: p.variants.full.height,
        full_bytes: p.variants.full.bytes,
        preview_key: p.variants.preview.key,
        preview_width: p.variants.preview.width,
        preview_height: p.variants.preview.height,
        preview_bytes: p.variants.preview.bytes,
        thumb_key: p.variants.thumb.key,
        thumb_width: p.variants.thumb.width,
        thumb_height: p.variants.thumb.height,
        thumb_bytes: p.variants.thumb.bytes,
        position,
      })),
    )
    if (target.claimId === null) return
    for (const photo of prepared) {
      const matches = await this.findReuse(tx, target.claimId, photo)
      if (matches.length === 0) continue
      await photosRepo.insertReuse(
        tx,
        matches.flatMap((m) => [
          { photo_id: photo.id, other_photo_id: m.id, distance: m.distance },
          { photo_id: m.id, other_photo_id: photo.id, distance: m.distance },
        ]),
      )
    }
  }

  /** Photos of other claims with the same normalised bytes or a dHash within `photo_reuse_distance`. */
  private findReuse(tx: Tx, claimId: string, photo: PreparedPhoto): Promise<{ id: string; distance: number }[]> {
    const distance = this.deps.policy.photo_reuse_distance
    return photosRepo.findReuse(tx, {
      claimId,
      sha256: photo.sha256,
      phash: photo.phash,
      distance,
      probeKeys: phashProbeKeys(photo.phash, distance),
    })
  }

  /** The claim's own photos (claim and action uploads) against photos_per_claim_max; chat photos have their own per-message cap. */
  countForClaim(db: Db | Tx, claimId: string): Promise<number> {
    return photosRepo.countClaimUploads(db, claimId)
  }

  /**
   * The photo lists (and for arbiters the reuse flags) of several claims in
   * two queries. Photos sent in the claim's chat thread are evidence too:
   * listed with `source: 'message'` and their message id.
   */
  async forClaims(claimIds: string[], principal: Principal): Promise<Map<string, ClaimPhotos>> {
    const out = new Map<string, ClaimPhotos>()
    if (claimIds.length === 0) return out
    const arbiter = principal.role === 'arbiter'
    for (const id of claimIds) out.set(id, arbiter ? { photos: [], photo_reuse: [] } : { photos: [] })
    const rows = await photosRepo.photosOfClaims(this.deps.db, claimIds)
    for (const row of rows) {
      if (row.claim_id !== null) out.get(row.claim_id)?.photos.push(claimPhotoView(row))
    }
    if (!arbiter || rows.length === 0) return out

    const matches = await photosRepo.reuseOfClaims(this.deps.db, claimIds)
    const byPhoto = new Map<string, PhotoReuseView>()
    for (const m of matches) {
      // Never null: reuse is only recorded between photos of two claims.
      if (m.claim_id === null || m.other_claim_id === null) continue
      let entry = byPhoto.get(m.photo_id)
      if (!entry) {
        entry = { photo_id: m.photo_id, other_claim_ids: [], distance: m.distance }
        byPhoto.set(m.photo_id, entry)
        out.get(m.claim_id)?.photo_reuse?.push(entry)
      }
      if (!entry.other_claim_ids.includes(m.other_claim_id)) entry.other_claim_ids.push(m.other_claim_id)
      entry.distance = Math.min(entry.distance, m.distance)
    }
    return out
  }

  /** The photos of several messages (a page of a thread) in one query, by message id, in the order they were sent. */
  async forMessages(messageIds: string[]): Promise<Map<string, PhotoView[]>> {
    const out = new Map<string, PhotoView[]>()
    if (messageIds.length === 0) return out
    const rows = await photosRepo.photosOfMessages(this.deps.db, messageIds)
    for (const row of rows) {
      if (row.message_id === null) continue
      const list = out.get(row.message_id) ?? []
      list.push(photoView(row))
      out.set(row.message_id, list)
    }
    return out
  }

  /**
   * One variant's bytes for a caller who may see the photo's thread or claim
   * (404 for everyone else, the same as a photo that does not exist). A chat
   * photo's parties are its thread's; a claim photo's, its claim's (the same
   * two when a chat photo is also claim evidence).
   */
  async serve(
    principal: Principal,
    id: string,
    variant: VariantName,
    canSee: (principal: Principal, parties: { buyer_id: string; seller_id: string }) => boolean,
    ifNoneMatch: string | undefined,
  ): Promise<ServedPhoto> {
    const row = await photosRepo.findForServing(this.deps.db, id)
    if (!row || row.buyer_id === null || row.seller_id === null) throw notFound('photo')
    if (!canSee(principal, { buyer_id: row.buyer_id, seller_id: row.seller_id })) throw notFound('photo')
    // A held or withheld message's photos are its sender's and arbiters' only, like the message.
    const undelivered = row.message_status !== null && row.message_status !== 'delivered'
    const sender = principal.role === row.sender_role && principal.id === row.sender_id
    if (undelivered && principal.role !== 'arbiter' && !sender) throw notFound('photo')
    // The full variant's hash names the photo; a variant's bytes never change, so the tag is strong.
    const etag = `"${row.sha256}-${variant}"`
    if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, etag)) return { etag, mime: row.mime, body: null }
    const key = variant === 'full' ? row.full_key : variant === 'preview' ? row.preview_key : row.thumb_key
    const stored = await this.deps.storage.get(key)
    if (!stored) {
      this.deps.log.error({ photo_id: id, key }, 'photo row without stored bytes')
      throw notFound('photo')
    }
    return { etag, mime: row.mime, body: { stream: stored.stream, size: stored.size } }
  }

  /**
   * Processes uploads, as many at once as the party's decodes allow (and the
   * pipeline's gate, one per core, across all parties); the first refusal
   * stops the rest. The last reader of the upload bytes: once every started
   * photo has settled, it releases them all.
   */
  private async processAll(uploads: PhotoUpload[], ticket: PartyTicket): Promise<ProcessedPhoto[]> {
    const policy = this.deps.policy
    const limits: PhotoLimits = {
      pixelsMax: policy.photo_pixels_max,
      pixelsPerByteMax: policy.photo_pixels_per_byte_max,
      decodePixelsMax: policy.photo_decode_pixels_max,
    }
    const results: ProcessedPhoto[] = new Array(uploads.length)
    let next = 0
    let failure: unknown = null
    const worker = async (): Promise<void> => {
      while (failure === null && next < uploads.length) {
        const index = next++
        const upload = uploads[index] as PhotoUpload
        try {
          results[index] = await ticket.run(() => processPhoto(upload.buffer, limits))
        } catch (err) {
          failure ??= err instanceof DomainError ? forUpload(err, index, upload.filename) : err
        }
      }
    }
    try {
      const workers = Math.min(uploads.length, availableParallelism(), policy.photo_decodes_per_party)
      await Promise.all(Array.from({ length: workers }, worker))
    } finally {
      for (const upload of uploads) upload.release?.()
    }
    if (failure !== null) throw failure
    return results
  }
}

function toPrepared(photo: ProcessedPhoto): PreparedPhoto {
  const id = randomUUID()
  const variants = Object.fromEntries(
    VARIANT_NAMES.map((v) => {
      const { width, height, bytes } = photo.variants[v]
      return [v, { key: storageKey(id, v), width, height, bytes }]
    }),
  ) as Record<VariantName, PreparedVariant>
  return {
    id,
    sha256: photo.sha256,
    phash: photo.phash,
    format: photo.format,
    mime: photo.mime,
    source: photo.source,
    variants,
  }
}

export function photoView(row: PhotoRow): PhotoView {
  const variant = (v: VariantName) => ({
    url: photoUrl(row.id, v),
    width: row[`${v}_width`],
    height: row[`${v}_height`],
    bytes: row[`${v}_bytes`],
  })
  return {
    id: row.id,
    mime: row.mime,
    // The role only: a seller never learns the buyer's id.
    uploaded_by: row.uploader_role,
    created_at: row.created_at.toISOString(),
    variants: { full: variant('full'), preview: variant('preview'), thumb: variant('thumb') },
  }
}

/** A claim view's photo: where it came from, so clients can tell claim uploads from chat photos. */
export function claimPhotoView(row: PhotoRow): ClaimPhotoView {
  return { ...photoView(row), source: row.message_id === null ? 'claim' : 'message', message_id: row.message_id }
}

/** RFC 9110 If-None-Match: `*` or a list of (weak or strong) tags, compared weakly. */
export function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true
  const bare = etag.replace(/^W\//, '')
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare)
}

// Polyglot detection: an image that is also a ZIP, PDF, executable or script.
// Decoders ignore bytes after the image's end marker, archive readers find a
// ZIP by its end record at the file's tail, so a file can be both. We re-encode
// and never serve the upload, but such a file is not honest evidence: refuse it.
//
// Trailing bytes as such stay allowed: phones append MPF gain maps, motion
// photo videos and vendor trailers after a JPEG's EOI.
import type { PhotoKind } from './sniff.js'

/** Offset just past the image container, or null when its structure is broken (the decoder decides then). */
export function containerEnd(buf: Buffer, kind: PhotoKind): number | null {
  switch (kind) {
    case 'jpeg':
      return jpegEnd(buf)
    case 'png':
      return pngEnd(buf)
    case 'webp':
      return webpEnd(buf)
    case 'avif':
    case 'heic':
      return isoBmffEnd(buf)
  }
}

/** Walk JPEG segments (skipping APPn by length, so an EXIF thumbnail's EOI is not taken) to the real EOI. */
function jpegEnd(buf: Buffer): number | null {
  let i = 2
  while (i + 1 < buf.length) {
    // Like libjpeg, skip stray bytes before a marker (some phones write them).
    if (buf[i] !== 0xff) {
      i = buf.indexOf(0xff, i)
      if (i === -1) return null
    }
    while (buf[i + 1] === 0xff) i++ // fill bytes
    const marker = buf[i + 1]
    if (marker === undefined) return null
    if (marker === 0xd9) return i + 2
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xd8) {
      i += 2
      continue
    }
    if (i + 4 > buf.length) return null
    const length = buf.readUInt16BE(i + 2)
    if (length < 2) return null
    i += 2 + length
    if (marker !== 0xda) continue
    // Entropy-coded data after SOS runs until a marker other than a stuffed
    // 0x00 or RSTn. indexOf (memchr) keeps a 10 MB scan to a few milliseconds.
    for (i = buf.indexOf(0xff, i); i !== -1 && i + 1 < buf.length; i = buf.indexOf(0xff, i + 1)) {
      const next = buf[i + 1] as number
      if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) break
    }
    if (i === -1) return null
  }
  return null
}

function pngEnd(buf: Buffer): number | null {
  let i = 8
  while (i + 12 <= buf.length) {
    const length = buf.readUInt32BE(i)
    const type = buf.toString('latin1', i + 4, i + 8)
    i += 12 + length
    if (i > buf.length) return null
    if (type === 'IEND') return i
  }
  return null
}

function webpEnd(buf: Buffer): number | null {
  const size = buf.readUInt32LE(4)
  const end = 8 + size + (size & 1)
  return end <= buf.length ? end : null
}

/** Top-level ISO-BMFF boxes; the container ends where the next bytes are not a box that fits. */
function isoBmffEnd(buf: Buffer): number {
  let i = 0
  while (i + 8 <= buf.length) {
    let size = buf.readUInt32BE(i)
    if (size === 1) {
      if (i + 16 > buf.length) break
      const large = buf.readBigUInt64BE(i + 8)
      size = large > BigInt(buf.length) ? Number.MAX_SAFE_INTEGER : Number(large)
    } else if (size === 0) {
      return buf.length
    }
    if (size < 8 || i + size > buf.length) break
    i += size
  }
  return i
}

const ZIP_LOCAL = Buffer.from('PK\x03\x04', 'latin1')
const ZIP_END = Buffer.from('PK\x05\x06', 'latin1')
const ZIP_METHODS = new Set([0, 1, 6, 8, 9, 12, 14, 93, 95, 98, 99])

// Signatures long or specific enough not to turn up by chance in compressed data.
const FOREIGN: Array<[string, Buffer]> = [
  ['pdf', Buffer.from('%PDF-', 'latin1')],
  ['elf-executable', Buffer.from('\x7fELF', 'latin1')],
  ['rar', Buffer.from('Rar!\x1a\x07', 'latin1')],
  ['7z', Buffer.from('7z\xbc\xaf\x27\x1c', 'latin1')],
  ['script', Buffer.from('<script', 'latin1')],
  ['script', Buffer.from('<?php', 'latin1')],
  ['html', Buffer.from('<html', 'latin1')],
  ['svg', Buffer.from('<svg', 'latin1')],
]

/** A ZIP local header whose fields are plausible, so random entropy bytes rarely qualify. */
function isZipLocalHeader(buf: Buffer, at: number): boolean {
  if (at + 30 > buf.length) return false
  const versionHost = buf[at + 5] as number
  const method = buf.readUInt16LE(at + 8)
  const nameLength = buf.readUInt16LE(at + 26)
  return versionHost <= 20 && ZIP_METHODS.has(method) && nameLength > 0 && nameLength <= 1024
}

function findZipLocalHeader(buf: Buffer, from: number): boolean {
  for (let at = buf.indexOf(ZIP_LOCAL, from); at !== -1; at = buf.indexOf(ZIP_LOCAL, at + 1)) {
    if (isZipLocalHeader(buf, at)) return true
  }
  return false
}

/**
 * Archive readers look for the end-of-central-directory record in the last
 * 64 KiB; its comment length must reach exactly to the end of the file.
 */
function hasZipEndRecord(buf: Buffer): boolean {
  const tail = buf.subarray(Math.max(0, buf.length - 22 - 0xffff))
  for (let at = tail.lastIndexOf(ZIP_END); at !== -1; at = at > 0 ? tail.lastIndexOf(ZIP_END, at - 1) : -1) {
    if (at + 22 <= tail.length && at + 22 + tail.readUInt16LE(at + 20) === tail.length) return true
  }
  return false
}

/** Names the foreign payload, or null when the file is only an image. */
export function findForeignPayload(buf: Buffer, kind: PhotoKind): string | null {
  if (hasZipEndRecord(buf)) return 'zip'
  const end = containerEnd(buf, kind)
  if (end === null || end >= buf.length) return null
  if (findZipLocalHeader(buf, end)) return 'zip'
  for (const [name, signature] of FOREIGN) if (buf.indexOf(signature, end) !== -1) return name
  if (buf[end] === 0x4d && buf[end + 1] === 0x5a) return 'pe-executable' // 'MZ' right after the image
  return null
}

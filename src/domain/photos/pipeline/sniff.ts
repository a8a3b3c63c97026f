// Decide a photo's type from its leading bytes only: the file name and the
// declared Content-Type are the uploader's claims and are never consulted.

export type PhotoKind = 'jpeg' | 'png' | 'webp' | 'avif' | 'heic'

export type Sniffed = { kind: PhotoKind } | { kind: null; detected: string }

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const AVIF_BRANDS = new Set(['avif', 'avis'])
// 'mif1'/'msf1' are generic HEIF brands; real HEIC files also list 'heic' or 'heix'.
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'])

const ascii = (buf: Buffer, start: number, end: number): string => buf.toString('latin1', start, end)

/** Major plus compatible brands of an ISO-BMFF `ftyp` box, or null when there is none. */
function ftypBrands(buf: Buffer): string[] | null {
  if (buf.length < 16 || ascii(buf, 4, 8) !== 'ftyp') return null
  const boxSize = Math.min(buf.readUInt32BE(0), buf.length)
  const brands = [ascii(buf, 8, 12)]
  for (let i = 16; i + 4 <= boxSize; i += 4) brands.push(ascii(buf, i, i + 4))
  return brands
}

function sniffHeif(brands: string[]): PhotoKind | null {
  // The major brand decides when it is specific; otherwise the compatible list.
  const [major] = brands
  if (major && AVIF_BRANDS.has(major)) return 'avif'
  if (major && HEIC_BRANDS.has(major) && major !== 'mif1' && major !== 'msf1') return 'heic'
  if (brands.some((b) => AVIF_BRANDS.has(b))) return 'avif'
  if (brands.some((b) => HEIC_BRANDS.has(b))) return 'heic'
  return null
}

/** A best-effort name for refused content, for the problem detail only. */
function describe(buf: Buffer): string {
  const head = ascii(buf, 0, Math.min(buf.length, 512))
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'gif'
  if (head.startsWith('%PDF')) return 'pdf'
  if (head.startsWith('\x7fELF')) return 'elf-executable'
  if (head.startsWith('MZ')) return 'pe-executable'
  if (head.startsWith('PK\x03\x04') || head.startsWith('PK\x05\x06')) return 'zip'
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'tiff'
  if (head.startsWith('BM')) return 'bmp'
  if (/^(\ufeff|\xef\xbb\xbf)?\s*</.test(head) && /<svg|<!doctype svg/i.test(head)) return 'svg'
  if (/^(\xef\xbb\xbf)?\s*</.test(head)) return 'xml-or-html'
  if (ftypBrands(buf)) return 'iso-media'
  // Printable ASCII/UTF-8 with no NUL reads as text (scripts, CSV, renamed .txt).
  if (!head.includes('\0') && /^[\x09\x0a\x0d\x20-\x7e\x80-\xff]*$/.test(head)) return 'text'
  return 'unknown'
}

export function sniff(buf: Buffer): Sniffed {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return { kind: 'jpeg' }
  if (buf.length >= 8 && buf.subarray(0, 8).equals(PNG_SIGNATURE)) return { kind: 'png' }
  if (buf.length >= 12 && ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 12) === 'WEBP') return { kind: 'webp' }
  const brands = ftypBrands(buf)
  const heif = brands && sniffHeif(brands)
  if (heif) return { kind: heif }
  return { kind: null, detected: describe(buf) }
}

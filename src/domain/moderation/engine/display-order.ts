// The text in the order a reader sees it. Unicode's bidirectional algorithm
// (UAX #9, implemented by bidi-js) lays out right-to-left runs backwards: a
// right-to-left override (U+202E) shows "76-54-321-619-8" as "8-916-123-45-67",
// and groups of Arabic-Indic digits separated by spaces show in reverse group
// order. Moderation reads both the typed order and this one.
import bidiModule, { type Bidi } from 'bidi-js'
import type { Span } from './mapped.js'

// bidi-js is CommonJS and exports the factory itself; its types describe an ES default export.
const bidiFactory = bidiModule as unknown as () => Bidi
const bidi = bidiFactory()

/**
 * Units without which the display order is the typed order: right-to-left
 * letters and digits (Hebrew to Arabic Extended-A, their presentation forms,
 * and the high surrogates of the astral right-to-left blocks) and the marks
 * and controls that open a right-to-left run.
 */
const MAY_REORDER = /[\u0590-\u08ff\u200f\u202b\u202e\u2067\ufb1d-\ufdff\ufe70-\ufefe\ud802\ud803\ud83a\ud83b]/

// Stand-ins of the right bidirectional class for astral characters, which
// bidi-js (working on UTF-16 units) would otherwise read as left-to-right.
const RIGHT_TO_LEFT = '\u05d0' // a Hebrew letter: class R
const IGNORED = '\u200b' // zero-width space: class BN, left out of the layout
const NEUTRAL = '\ufffc' // object replacement character: class ON

export interface DisplayOrder {
  text: string
  /** Original range covered by the display-order range [start, end). */
  origin(start: number, end: number): Span
}

/** The text as displayed, or null when it displays in the order it was typed. */
export function displayOrder(original: string): DisplayOrder | null {
  if (!MAY_REORDER.test(original)) return null
  const input = withBmpStandIns(original)
  const order = bidi.getReorderedIndices(input, bidi.getEmbeddingLevels(input))
  let moved = false
  for (let k = 0; k < order.length && !moved; k++) moved = order[k] !== k
  if (!moved) return null
  // A reversed run also reverses the two units of a surrogate pair: put them back.
  for (let k = 0; k + 1 < order.length; k++) {
    if (isLow(original.charCodeAt(order[k]!)) && order[k + 1] === order[k]! - 1) {
      ;[order[k], order[k + 1]] = [order[k + 1]!, order[k]!]
      k++
    }
  }
  let text = ''
  for (const i of order) text += original[i]
  return {
    text,
    origin(start, end) {
      let lo = Infinity
      let hi = -1
      for (let k = start; k < end; k++) {
        lo = Math.min(lo, order[k]!)
        hi = Math.max(hi, order[k]!)
      }
      return hi < 0 ? { start: order[start] ?? 0, end: order[start] ?? 0 } : { start: lo, end: hi + 1 }
    },
  }
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff

/** `s` with each astral character's two units replaced by two BMP characters of its bidirectional class. */
function withBmpStandIns(s: string): string {
  let out = ''
  let last = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (!isHigh(c) || !isLow(s.charCodeAt(i + 1))) continue
    const cp = s.codePointAt(i)!
    const standIn =
      (cp >= 0x10800 && cp <= 0x10fff) || (cp >= 0x1e800 && cp <= 0x1efff)
        ? RIGHT_TO_LEFT
        : cp >= 0xe0000 && cp <= 0xe0fff
          ? IGNORED
          : NEUTRAL
    out += s.slice(last, i) + standIn + standIn
    last = i + 2
    i++
  }
  return last === 0 ? s : out + s.slice(last)
}

// What the model reads: a message cut into chunks (sentences, or windows of a
// long run-on sentence), each a bag of hashed features over the engine's
// de-obfuscated word readings:
//   - the word's Snowball stem,
//   - character 4- and 5-grams of the word with its edges ("<идиот>"), which
//     carry morphology, typos and words never seen whole,
//   - stem bigrams (word order: "удалит отзыв", "мимо площадк"),
//   - "addressed" stems: a stem within three words of ты/вы/you, so
//     "ты бестолочь" and "бестолочь инструкция" are told apart.
// The trainer (training/train.ts) and the engine use this one
// module, so a model never sees features it was not trained on.
import type { Analysis } from '../analysis.js'
import { memoByString } from '../memo.js'
import { stem } from './stem.js'

export const HASH_BITS = 18
export const BUCKETS = 1 << HASH_BITS
const MASK = BUCKETS - 1

/** Words [first, last] of Analysis.words. */
export interface Chunk {
  first: number
  last: number
}

const SENTENCE_BREAK = /[.!?;\n…]/
/** A sentence shorter than this is read with the next one: "Не хотите по-хорошему? Будет по-плохому". */
const MIN_WORDS = 3
/** A longer run-on sentence (no punctuation) is read in overlapping windows. */
const MAX_WORDS = 20
const WINDOW = 12
const STRIDE = 6

const ADDRESS = new Set([
  'ты',
  'тебя',
  'тебе',
  'тобой',
  'вы',
  'вас',
  'вам',
  'вами',
  'ваш',
  'ваша',
  'ваше',
  'ваши',
  'вашего',
  'вашей',
  'вашим',
  'ваших',
  'твой',
  'твоя',
  'твое',
  'твои',
  'твоего',
  'твоей',
  'сам',
  'сама',
  'you',
  'your',
  'yours',
  'youre',
  'u',
  'ur',
  'ya',
])
const ADDRESS_REACH = 3

function fnv(s: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** Hash of s[from, to) without slicing it. */
function fnvRange(s: string, from: number, to: number, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

function mix(a: number, b: number, salt: number): number {
  let h = Math.imul(a ^ salt, 0x9e3779b1) ^ b
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

const SALT_STEM = 1
const SALT_GRAM = 2
const SALT_BIGRAM = 3
const SALT_ADDRESS = 4
const NUMBER = /^[0-9]+$/

interface WordFeatures {
  /** Hash of the stem (bigrams and addressed features are built from it). */
  stem: number
  /** Buckets of the stem and the character n-grams. */
  buckets: Int32Array
}

/** A word's own features depend on its reading alone: computed once per distinct reading. */
const wordFeatures = memoByString(50_000, (reading: string): WordFeatures => {
  const word = NUMBER.test(reading) ? '#' : reading
  const s = word === '#' ? '#' : stem(word)
  const stemHash = fnv(s, SALT_STEM)
  const out = [stemHash & MASK]
  if (word.length <= 30 && word !== '#') {
    const padded = `<${word}>`
    for (let n = 4; n <= 5; n++)
      for (let i = 0; i + n <= padded.length; i++) out.push(fnvRange(padded, i, i + n, SALT_GRAM + n) & MASK)
  }
  return { stem: stemHash, buckets: Int32Array.from(out) }
})

/** The model's word: the phrase reading without the separators a split reading may hold. */
function reading(a: Analysis, k: number): string {
  const p = a.words[k]!.primary
  return p.includes(' ') || p.includes('|') ? p.replace(/[ |]/g, '') : p
}

export function chunksOf(a: Analysis): Chunk[] {
  const n = a.words.length
  if (n === 0) return []
  const sentences: Chunk[] = []
  let first = 0
  for (let k = 1; k <= n; k++) {
    if (k === n || SENTENCE_BREAK.test(a.words[k]!.gapBefore)) {
      sentences.push({ first, last: k - 1 })
      first = k
    }
  }
  // Short sentences join the next one (the last joins the one before).
  const merged: Chunk[] = []
  let pending: Chunk | null = null
  for (const s of sentences) {
    const c: Chunk = pending ? { first: pending.first, last: s.last } : s
    if (c.last - c.first + 1 < MIN_WORDS) pending = c
    else {
      merged.push(c)
      pending = null
    }
  }
  if (pending) {
    const prev = merged.pop()
    merged.push(prev ? { first: prev.first, last: pending.last } : pending)
  }
  const out: Chunk[] = []
  for (const c of merged) {
    const len = c.last - c.first + 1
    if (len <= MAX_WORDS) {
      out.push(c)
      continue
    }
    for (let s = c.first; ; s += STRIDE) {
      const e = Math.min(c.last, s + WINDOW - 1)
      out.push({ first: e === c.last ? Math.max(c.first, c.last - WINDOW + 1) : s, last: e })
      if (e === c.last) break
    }
  }
  return out
}

/** Appends the chunk's feature buckets (with repeats) to `out`. */
export function chunkFeatures(a: Analysis, c: Chunk, out: number[]): void {
  const stems: number[] = []
  const addressAt: number[] = []
  for (let k = c.first; k <= c.last; k++) {
    const r = reading(a, k)
    const f = wordFeatures(r)
    for (let i = 0; i < f.buckets.length; i++) out.push(f.buckets[i]!)
    stems.push(f.stem)
    if (ADDRESS.has(r)) addressAt.push(k - c.first)
  }
  for (let i = 0; i + 1 < stems.length; i++) out.push(mix(stems[i]!, stems[i + 1]!, SALT_BIGRAM) & MASK)
  if (addressAt.length > 0) {
    const near = new Set<number>()
    for (const at of addressAt)
      for (let i = Math.max(0, at - ADDRESS_REACH); i <= Math.min(stems.length - 1, at + ADDRESS_REACH); i++)
        if (i !== at) near.add(i)
    for (const i of near) out.push(mix(stems[i]!, 0x5bd1e995, SALT_ADDRESS) & MASK)
  }
}

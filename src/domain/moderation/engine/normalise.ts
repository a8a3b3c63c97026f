// Normalisation: fold the message to lowercase canonical characters (keeping
// a map back to the original), split it into word tokens, and give each token
// its de-obfuscated readings (look-alikes, leetspeak, masks, spaced letters).
import conf from './lexicon/confusables.json' with { type: 'json' }
import { MappedBuilder, type MappedText } from './mapped.js'
import { memoByString } from './memo.js'

const foldToLatin: Record<string, string> = conf.foldToLatin
const cyrVariants: Record<string, string> = conf.cyrillicVariants
const latToCyr: Record<string, string> = conf.latinToCyrillic
const latAlt: Record<string, string[]> = conf.latinAlternatives
const digToCyr: Record<string, string> = conf.digitsToCyrillic
const digAlt: Record<string, string[]> = conf.digitAlternatives
const symToCyr: Record<string, string> = conf.symbolsToCyrillic
const symAlt: Record<string, string[]> = conf.symbolAlternatives
const leet: Record<string, string> = conf.latinLeet
const digitLook: Record<string, string> = conf.digitLookalikes
const WILD = new Set(conf.wildcards)
const STRICT = new Set(conf.strictLookalikes)

// Invisible characters used to split words without showing a gap: soft
// hyphens, joiners, the bidirectional controls (U+061C, U+200E/F, U+202A–E,
// U+2066–9), variation selectors and the tag characters (U+E0000–U+E007F).
const INVISIBLE =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/u
const MARK = /\p{M}/u
const DECIMAL_DIGIT = /^\p{Nd}$/u

/**
 * The ASCII digit for a decimal digit of any script (Arabic-Indic ٣,
 * Devanagari ३, …), or null for any other character. Unicode encodes
 * each script's digits as one run of ten, zero first, and runs that touch are
 * whole runs of ten, so a digit's value is its distance from the start of
 * its run, modulo ten.
 */
const asciiDigit = memoByString(1_000, (c: string): string | null => {
  if (!DECIMAL_DIGIT.test(c)) return null
  const cp = c.codePointAt(0)!
  let start = cp
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--
  return String((cp - start) % 10)
})

/** Lowercase, NFKC, drop invisibles and diacritics (but keep й), ё→е, every decimal digit to ASCII. */
export function fold(original: string): MappedText {
  const b = new MappedBuilder(original.length)
  let i = 0
  while (i < original.length) {
    const end = plainRunEnd(original, i)
    if (end > i) {
      // Most text is ASCII and basic Cyrillic: lowercased a run at a time, unit for unit.
      b.pushUnits(original.slice(i, end).toLowerCase(), i)
      i = end
      continue
    }
    const cp = original.codePointAt(i)!
    const len = cp > 0xffff ? 2 : 1
    const ch = original.slice(i, i + len)
    if (cp === 0x401 || cp === 0x451) {
      b.push('е', i, i + len)
    } else if (cp === 0x306 || cp === 0x308) {
      // Combining breve/diaeresis typed after и/е: и+◌̆ is й, е+◌̈ stays е.
      if (cp === 0x306) b.replaceLast('и', 'й')
    } else if (!INVISIBLE.test(ch)) {
      for (const c of ch.normalize('NFKC').toLowerCase()) {
        const base = c === 'й' || c === 'ё' ? c : c.normalize('NFD').replace(/\p{M}+/gu, '')
        for (const d of base) {
          if (MARK.test(d)) continue
          b.push(foldToLatin[d] ?? cyrVariants[d] ?? asciiDigit(d) ?? d, i, i + len)
        }
      }
    }
    i += len
  }
  return b.build()
}

/** End of the run from i of ASCII and basic Cyrillic (А-я), which fold to their lowercase alone. */
function plainRunEnd(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i)
    if (c >= 0x80 && (c < 0x410 || c > 0x44f)) break
    i++
  }
  return i
}

export type Script = 'cyrillic' | 'latin' | 'number' | 'symbol'

export interface Token {
  /** Folded surface form. */
  surface: string
  /** Range in the folded text. */
  start: number
  end: number
  script: Script
  /** De-obfuscated readings, best first; used for lexicon look-ups. */
  readings: string[]
  /** The reading used in the phrase string. */
  primary: string
  /** Token merged from spaced/dotted single letters (т е л е г р а м). */
  merged: boolean
  /** Text between the previous token and this one. */
  gapBefore: string
  /** Extra reading of three spaced letters ("х у й"): checked by lexicons, left out of phrases. */
  shadow: boolean
  /** For a spaced run that starts with a one-letter preposition ("в т е л е г у"): the
   * preposition and the rest as two tokens, an alternative reading of this token. */
  split?: [Token, Token]
  /** Shared by every token with this surface (script and readings come from it). */
  form: WordForm
}

/**
 * What a surface alone determines. One object per distinct surface, shared
 * across tokens and messages, so detectors may memoise per-surface results
 * against it (in a WeakMap). Never modified.
 */
export interface WordForm {
  surface: string
  script: Script
  readings: string[]
}

// One-letter words that may precede a spaced-out word.
const PREPOSITIONS = new Set(['в', 'с', 'к', 'у', 'о', 'и', 'а', 'я', 'b', 'c', 'k', 'y', 'o', 'a'])

const CYR = /[а-яё]/
const LAT = /[a-z]/
const DIGIT = /[0-9]/
const TOKEN_CHAR = /[\p{L}\p{N}@$*#_|!€]/u
const TOKEN_PUNCT = new Set([...'@$*#_|!'].map((c) => c.charCodeAt(0)))
// Trimmed off both ends of a token.
const EDGE = new Set([...'_|!#@$€'].map((c) => c.charCodeAt(0)))
const MAX_VARIANTS = 8

const LETTER = /\p{L}/u

function isLetter(c: string): boolean {
  const code = c.charCodeAt(0)
  if (code < 0x80) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90)
  if (code >= 0x400 && code <= 0x45f) return true
  return LETTER.test(c)
}

// Hot path: called for every UTF-16 unit of the message, so it takes the code
// and only builds a string for the rare units outside ASCII and Cyrillic.
function isTokenUnit(code: number): boolean {
  if (code < 0x80) {
    return (
      (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || TOKEN_PUNCT.has(code)
    )
  }
  if (code >= 0x400 && code <= 0x45f) return true
  return TOKEN_CHAR.test(String.fromCharCode(code))
}

/** Collapse runs of one letter ("сууука" → "сука"). */
export function squeeze(s: string): string {
  return s.replace(/(.)\1+/gu, '$1')
}

function expand(options: string[][]): string[] {
  let out = ['']
  for (const opts of options) {
    const next: string[] = []
    for (const prefix of out) {
      for (const o of opts) {
        if (next.length >= MAX_VARIANTS) break
        next.push(prefix + o)
      }
    }
    out = next
  }
  return out
}

/** Readings of one token; the first is the primary reading. */
const PLAIN_CYR = /^[а-яё]+$/
const PLAIN_LAT = /^[a-z]+$/
const PLAIN_NUM = /^[0-9]+$/

export function readingsOf(surface: string): { script: Script; readings: string[] } {
  // Fast paths for the common case of a clean word or number.
  if (PLAIN_CYR.test(surface)) {
    const readings = [surface]
    addSqueezed(readings)
    return { script: 'cyrillic', readings }
  }
  if (PLAIN_NUM.test(surface)) return { script: 'number', readings: [surface] }
  if (PLAIN_LAT.test(surface) && !/^[aceopxyk]{3,}$/.test(surface)) {
    const readings = [surface]
    addSqueezed(readings)
    return { script: 'latin', readings }
  }
  let letters = 0
  let digits = 0
  let hasCyr = false
  let hasLat = false
  for (const c of surface) {
    if (DIGIT.test(c)) digits++
    else if (isLetter(c)) {
      letters++
      if (CYR.test(c)) hasCyr = true
      else if (LAT.test(c)) hasLat = true
    }
  }
  if (letters === 0) {
    if (digits > 0) return { script: 'number', readings: [surface] }
    return { script: 'symbol', readings: [surface] }
  }
  const mapDigits = digits < letters
  if (hasCyr) {
    const opts: string[][] = []
    for (const c of surface) {
      if (WILD.has(c)) opts.push(['*'])
      else if (CYR.test(c)) opts.push([c])
      else if (LAT.test(c)) opts.push([latToCyr[c] ?? c, ...(latAlt[c] ?? [])])
      else if (DIGIT.test(c)) opts.push(mapDigits && digToCyr[c] ? [digToCyr[c]!, ...(digAlt[c] ?? [])] : [c])
      else if (symToCyr[c]) opts.push([symToCyr[c]!, ...(symAlt[c] ?? [])])
      else opts.push([c])
    }
    const readings = expand(opts)
    addSqueezed(readings)
    return { script: 'cyrillic', readings }
  }
  let latin = ''
  let strict = !hasCyr && digits === 0
  let cyr = ''
  for (const c of surface) {
    // "_" stays in Latin tokens: it is part of handles (ivan_petrov).
    if (WILD.has(c) && c !== '_') {
      latin += '*'
      cyr += '*'
    } else if (LAT.test(c)) {
      latin += c
      cyr += latToCyr[c] ?? c
      if (!STRICT.has(c)) strict = false
    } else if (mapDigits && leet[c]) {
      latin += leet[c]
      strict = false
    } else {
      latin += c
      strict = false
    }
  }
  const readings = [latin]
  // A word typed wholly in Latin look-alikes ("cyka") is also read as Cyrillic.
  if (strict && latin.length >= 3) readings.push(cyr)
  addSqueezed(readings)
  return { script: hasLat ? 'latin' : 'cyrillic', readings }
}

const REPEAT = /(.)\1/u

/** Cheap pre-check for REPEAT: without surrogates, a repeat is two equal adjacent units. */
function mayRepeat(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if ((c >= 0xd800 && c <= 0xdfff) || c === s.charCodeAt(i + 1)) return true
  }
  return false
}

function addSqueezed(readings: string[]): void {
  const n = readings.length
  for (let i = 0; i < n; i++) {
    if (!mayRepeat(readings[i]!) || !REPEAT.test(readings[i]!)) continue
    const s = squeeze(readings[i]!)
    if (s !== readings[i] && !readings.includes(s)) readings.push(s)
  }
}

/** Digits a token stands for, if it is a number written with look-alikes ("89l6"). */
export function digitsOf(surface: string): string | null {
  if (/^[0-9]+$/.test(surface)) return surface
  // Most tokens are words: turn them away before building any string.
  if (!onlyDigitLike(surface)) return null
  let out = ''
  let digits = 0
  for (const c of surface) {
    if (DIGIT.test(c)) {
      out += c
      digits++
    } else if (digitLook[c]) out += digitLook[c]
    else return null
  }
  return digits >= 2 && digits * 2 > surface.length ? out : null
}

const DIGIT_LIKE = new Set([...'0123456789', ...Object.keys(digitLook)].map((c) => c.charCodeAt(0)))

/** Is every unit a digit or a digit look-alike (all look-alikes are single units)? */
function onlyDigitLike(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!DIGIT_LIKE.has(s.charCodeAt(i))) return false
  return true
}

// Separators allowed between spaced-out letters of one word.
const SPACED_GAP = /^[\s.\-_*·/|,'"+~]{1,3}$/u

/** Split folded text into word tokens, merging spaced/dotted single letters. */
export function tokenize(folded: MappedText): Token[] {
  const text = folded.text
  const trimmed: { start: number; end: number }[] = []
  let i = 0
  while (i < text.length) {
    if (!isTokenUnit(text.charCodeAt(i))) {
      i++
      continue
    }
    let j = i + 1
    while (j < text.length && isTokenUnit(text.charCodeAt(j))) j++
    // Surrogate pairs (emoji) are not token chars; \p{L} astral letters are rare enough to ignore.
    trimmed.push(trim(text, i, j))
    i = j
  }
  const tokens: Token[] = []
  let prevEnd = 0
  let k = 0
  while (k < trimmed.length) {
    const run = spacedRun(text, trimmed, k)
    if (run < 0) {
      const first = trimmed[k]!
      const last = trimmed[k + 2]!
      let surface = ''
      for (let m = k; m < k + 3; m++) surface += text.slice(trimmed[m]!.start, trimmed[m]!.end)
      const shadow = makeToken(surface, first.start, last.end, '', true)
      shadow.shadow = true
      tokens.push(shadow)
    } else if (run > k + 2) {
      const first = trimmed[k]!
      const last = trimmed[run - 1]!
      let surface = ''
      for (let m = k; m < run; m++) surface += text.slice(trimmed[m]!.start, trimmed[m]!.end)
      const tok = makeToken(surface, first.start, last.end, text.slice(prevEnd, first.start), true)
      const second = trimmed[k + 1]!
      if (run - k >= 4 && PREPOSITIONS.has(text[first.start]!) && /^\s+$/.test(text.slice(first.end, second.start))) {
        const prep = makeToken(text[first.start]!, first.start, first.end, tok.gapBefore, false)
        const rest = makeToken(surface.slice(1), second.start, last.end, text.slice(first.end, second.start), true)
        tok.split = [prep, rest]
      }
      tokens.push(tok)
      prevEnd = last.end
      k = run
      continue
    }
    const t = trimmed[k]!
    if (t.end > t.start) {
      tokens.push(makeToken(text.slice(t.start, t.end), t.start, t.end, text.slice(prevEnd, t.start), false))
      prevEnd = t.end
    }
    k++
  }
  return tokens
}

/** Token range without the symbols it starts or ends with ("__ivan__", "!!!"); all-symbol tokens keep their first unit. */
function trim(text: string, start: number, end: number): { start: number; end: number } {
  if (end - start === 1) return { start, end }
  let s = start
  while (s < end && EDGE.has(text.charCodeAt(s))) s++
  if (s === end) return { start, end: start + 1 }
  let e = end
  while (EDGE.has(text.charCodeAt(e - 1))) e--
  return { start: s, end: e }
}

/** End index (exclusive) of a run of single-character tokens starting at k. */
function spacedRun(text: string, toks: { start: number; end: number }[], k: number): number {
  let j = k
  let letters = 0
  let sep: string | null = null
  while (j < toks.length && toks[j]!.end - toks[j]!.start === 1) {
    const c = text[toks[j]!.start]!
    if (isLetter(c)) letters++
    else if (j === k || (!symToCyr[c] && !digToCyr[c] && !WILD.has(c))) break
    if (j > k) {
      const gap = text.slice(toks[j - 1]!.end, toks[j]!.start)
      if (!SPACED_GAP.test(gap)) break
      // One word is spaced with one kind of separator; a change ends it.
      const kind = gap.trim() === '' ? ' ' : gap.trim()
      if (sep !== null && sep !== kind) break
      sep = kind
    }
    j++
  }
  const n = j - k
  // Natural Russian has single-letter words (а, и, в, с, к, у, о, я): only
  // a run of 4+, or 3 joined by dots/dashes, is a spaced-out word.
  if (n < 3 || letters * 3 < n * 2) return k
  // Three letters spaced by blanks: -1 asks for a shadow token only.
  if (n === 3 && sep === ' ') return -1
  return j
}

// Chat vocabulary repeats: readings are computed once per distinct surface.
const formOf = memoByString(50_000, (surface): WordForm => ({ surface, ...readingsOf(surface) }))

function makeToken(surface: string, start: number, end: number, gapBefore: string, merged: boolean): Token {
  const form = formOf(surface)
  const { script, readings } = form
  return { surface, start, end, script, readings, primary: readings[0]!, merged, gapBefore, shadow: false, form }
}

// Digit runs: numbers written with digits, look-alike letters or words,
// split by spaces, dashes, dots or brackets ("8 (916) 123-45-67",
// "восемь девятьсот шестнадцать …"), joined back into one string of digits.
import numbers from './lexicon/numbers.json' with { type: 'json' }
import type { Analysis } from './analysis.js'
import { digitsOf, type Token, type WordForm } from './normalise.js'
import type { Span } from './mapped.js'
import { memoByObject } from './memo.js'

// A Map, not the JSON object: words are user text, and "constructor" or
// "toString" would otherwise find Object.prototype's members.
const WORDS = new Map<string, number>(Object.entries(numbers.words))

export interface DigitRun {
  digits: string
  /** Digits per piece as written (token or spoken group). */
  groups: number[]
  span: Span
  /**
   * The same run read with every spoken hundred standing alone ("восемь
   * девятьсот один два…" as 8 900 1 2…, not 8 901 2…); equal to `digits`
   * when nothing was spoken or no hundred took a following word.
   */
  alt: string
  /** Written with a leading "+". */
  plus: boolean
  /** At least one piece was a number word. */
  spoken: boolean
  /** Index in Analysis.words of the first token. */
  first: number
}

// What may sit between the pieces of one number.
const JOIN_GAP = /^[ \t\-.()+\u2010-\u2015/]{0,5}$/
// Between two number words a comma too: a dictated number is paused in groups
// ("восемь девять один шесть, сто двадцать три, сорок пять"); digits with
// commas are more often a list of sizes or prices.
const SPOKEN_GAP = /^[ \t\-.()+,\u2010-\u2015/]{0,5}$/

type Piece = { kind: 'digits'; value: string } | { kind: 'word'; value: number }

// A piece depends on the surface alone: kept per word form across messages.
const formPieceOnce = memoByObject(formPiece)
const pieceOf = (t: Token): Piece | null => formPieceOnce(t.form)

function formPiece(f: WordForm): Piece | null {
  if (f.script === 'number' || f.script === 'latin' || f.script === 'cyrillic') {
    const d = digitsOf(f.surface)
    if (d !== null) return { kind: 'digits', value: d }
  }
  for (const r of f.readings) {
    const v = WORDS.get(r)
    if (v !== undefined) return { kind: 'word', value: v }
  }
  return null
}

/** Combine spoken number words: "девятьсот шестнадцать" → "916", "восемь" → "8". */
class SpokenGroup {
  constructor(private readonly hundredsAlone = false) {}
  private h = -1
  private t = -1
  private u = -1
  out: string[] = []

  add(v: number): void {
    if (v >= 100) {
      if (this.h >= 0 || this.t >= 0 || this.u >= 0) this.flush()
      this.h = v / 100
      if (this.hundredsAlone) this.flush()
    } else if (v >= 20) {
      if (this.t >= 0 || this.u >= 0) this.flush()
      this.t = v / 10
    } else if (v >= 10) {
      if (this.t >= 0 || this.u >= 0) this.flush()
      this.t = Math.floor(v / 10)
      this.u = v % 10
    } else {
      if (this.u >= 0) this.flush()
      this.u = v
    }
  }

  flush(): void {
    if (this.h < 0 && this.t < 0 && this.u < 0) return
    let s = ''
    if (this.h >= 0) s = String(this.h) + String(Math.max(this.t, 0)) + String(Math.max(this.u, 0))
    else if (this.t >= 0) s = String(this.t) + String(Math.max(this.u, 0))
    else s = String(this.u)
    this.out.push(s)
    this.h = this.t = this.u = -1
  }
}

export function digitRuns(a: Analysis): DigitRun[] {
  const runs: DigitRun[] = []
  const words = a.words
  // Each word is looked at up to three times below; read it once.
  const piece = words.map(pieceOf)
  let i = 0
  while (i < words.length) {
    const p0 = piece[i]
    if (!p0) {
      i++
      continue
    }
    const first = i
    const groups: number[] = []
    let digits = ''
    let alt = ''
    let spoken = false
    const g = new SpokenGroup()
    const gAlt = new SpokenGroup(true)
    const drain = (): void => {
      g.flush()
      for (const s of g.out) {
        digits += s
        groups.push(s.length)
      }
      g.out = []
      gAlt.flush()
      alt += gAlt.out.join('')
      gAlt.out = []
    }
    let j = i
    for (;;) {
      const p = piece[j]!
      if (p.kind === 'digits') {
        drain()
        digits += p.value
        alt += p.value
        groups.push(p.value.length)
      } else {
        spoken = true
        g.add(p.value)
        gAlt.add(p.value)
      }
      const next = words[j + 1]
      const pNext = piece[j + 1]
      if (!next || !pNext) break
      const gap = p.kind === 'word' && pNext.kind === 'word' ? SPOKEN_GAP : JOIN_GAP
      if (!gap.test(next.gapBefore)) break
      j++
    }
    drain()
    const start = a.folded.origin(words[first]!.start, words[first]!.end).start
    const end = a.folded.origin(words[j]!.start, words[j]!.end).end
    const plus = /\+\s*$/.test(words[first]!.gapBefore)
    runs.push({
      digits,
      alt,
      groups,
      span: { start: plus ? a.original.lastIndexOf('+', start) : start, end },
      plus,
      spoken,
      first,
    })
    i = j + 1
  }
  return runs
}

// obscenity and insult: whole-token lexicon look-ups on every reading of
// every token (look-alikes, masks, squeezed repeats, spaced letters).
import obscenityFile from '../lexicon/obscenity.json' with { type: 'json' }
import insultFile from '../lexicon/insult.json' with { type: 'json' }
import { tokenSpan, type Analysis } from '../analysis.js'
import type { Finding } from '../findings.js'
import type { Token } from '../normalise.js'
import { compileWordLexicon } from '../wordlex.js'

const obscenity = compileWordLexicon(obscenityFile)
const insult = compileWordLexicon(insultFile)
const ADDRESS = new Set(insultFile.address)
const FILLERS = new Set(insultFile.fillers)
const SELF = new Set(insultFile.self)
const BREAK = /[.!?;\n]/

/** Is words[i] addressed to the reader: "ты козёл", "вы что, тупые?", "сам дурак". */
function addressed(a: Analysis, i: number): boolean {
  for (const dir of [-1, 1]) {
    let steps = 0
    for (let k = i + dir; k >= 0 && k < a.words.length && steps < 4; k += dir, steps++) {
      // Stop at a sentence break between the two words.
      const gap = dir < 0 ? a.words[k + 1]!.gapBefore : a.words[k]!.gapBefore
      if (BREAK.test(gap)) break
      const w = a.words[k]!.primary
      if (ADDRESS.has(w)) {
        // "у вас тупой нож": a pronoun after a preposition is not addressing.
        const prev = a.words[k - 1]?.primary
        if (w === 'тебя' && (prev === 'у' || prev === 'для')) break
        return true
      }
      // "вы тупые бараны": another insult in the chain is as good as a filler.
      if (!FILLERS.has(w) && !insult.match(a.words[k]!)) break
    }
  }
  return false
}

/** "я не идиот", "я что, дура?": the writer speaks of themself. */
function aboutSelf(a: Analysis, i: number): boolean {
  for (let k = i - 1, steps = 0; k >= 0 && steps < 3; k--, steps++) {
    if (BREAK.test(a.words[k + 1]!.gapBefore)) return false
    const w = a.words[k]!.primary
    if (SELF.has(w)) return true
    if (!FILLERS.has(w)) return false
  }
  return false
}

/** Index of `t` in a.words (ordered by start), or undefined for a token left out of the phrase. */
function wordIndex(a: Analysis, t: Token): number | undefined {
  let lo = 0
  let hi = a.words.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (a.words[mid]!.start < t.start) lo = mid + 1
    else hi = mid
  }
  for (let i = lo; i < a.words.length && a.words[i]!.start === t.start; i++) if (a.words[i] === t) return i
  return undefined
}

export function detectWords(a: Analysis): Finding[] {
  const out: Finding[] = []
  for (const t of a.tokens) {
    const span = tokenSpan(a, t)
    const o = obscenity.match(t)
    if (o) {
      out.push({
        rule: 'obscenity',
        start: span.start,
        end: span.end,
        certain: true,
        kind: o.masked ? 'masked' : 'word',
      })
      continue
    }
    const ins = insult.match(t)
    if (!ins) continue
    const i = wordIndex(a, t)
    if (i !== undefined && aboutSelf(a, i)) continue
    if (ins.weak && (i === undefined || !addressed(a, i))) continue
    out.push({ rule: 'insult', start: span.start, end: span.end, certain: true, kind: ins.masked ? 'masked' : 'word' })
  }
  return out
}

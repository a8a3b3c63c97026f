// One pass of normalisation shared by every rule: the folded text, its word
// tokens and the "phrase" string (primary readings joined by single spaces,
// with " | " at sentence breaks) that intent patterns run over.
import { fold, tokenize, type Token } from './normalise.js'
import type { MappedText, Span } from './mapped.js'

export interface Phrase {
  /** Tokens that form the phrase string, in order. */
  words: Token[]
  phrase: string
  /** Start offset of each of `words` in `phrase`. */
  phraseStarts: number[]
}

export interface Analysis extends Phrase {
  original: string
  folded: MappedText
  /** All tokens, including shadow readings of spaced letters and split alternatives. */
  tokens: Token[]
  /** The primary phrase and, when a spaced run may begin with a preposition, the split reading. */
  variants: Phrase[]
}

const SENTENCE_BREAK = /[.!?;\n…]/

function buildPhrase(tokens: Token[], split: boolean): Phrase {
  const words: Token[] = []
  const phraseStarts: number[] = []
  let phrase = ''
  for (const t0 of tokens) {
    if (t0.shadow) continue
    for (const t of split && t0.split ? t0.split : [t0]) {
      if (words.length > 0) phrase += SENTENCE_BREAK.test(t.gapBefore) ? ' | ' : ' '
      phraseStarts.push(phrase.length)
      phrase += t.primary.replace(/[ |]/g, '')
      words.push(t)
    }
  }
  return { words, phrase, phraseStarts }
}

export function analyse(original: string): Analysis {
  const folded = fold(original)
  const base = tokenize(folded)
  const primary = buildPhrase(base, false)
  const variants = [primary]
  const tokens = base
  if (base.some((t) => t.split)) {
    variants.push(buildPhrase(base, true))
    tokens.push(...base.flatMap((t) => (t.split ? t.split.map((s) => ({ ...s, shadow: true })) : [])))
  }
  return { original, folded, tokens, ...primary, variants }
}

/** Original span of a token. */
export function tokenSpan(a: Analysis, t: Token): Span {
  return a.folded.origin(t.start, t.end)
}

/** Original span covered by phrase range [start, end). */
export function phraseSpan(a: Analysis, p: Phrase, start: number, end: number): Span {
  const first = wordAt(p, start)
  const last = wordAt(p, Math.max(start, end - 1))
  const s = a.folded.origin(p.words[first]!.start, p.words[first]!.end)
  const e = a.folded.origin(p.words[last]!.start, p.words[last]!.end)
  return { start: s.start, end: e.end }
}

/** Index of the word whose phrase range contains (or precedes) offset. */
export function wordAt(a: Phrase, offset: number): number {
  let lo = 0
  let hi = a.phraseStarts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (a.phraseStarts[mid]! <= offset) lo = mid
    else hi = mid - 1
  }
  return lo
}

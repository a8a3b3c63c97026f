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
  // Arrays sized up front: grown word by word they would be copied again and again.
  const n = countWords(tokens, split)
  const acc: PhraseParts = {
    words: new Array<Token>(n),
    phraseStarts: new Array<number>(n),
    parts: new Array<string>(Math.max(0, 2 * n - 1)),
    count: 0,
    length: 0,
  }
  for (const t of tokens) {
    if (t.shadow) continue
    if (split && t.split) for (const half of t.split) addWord(acc, half)
    else addWord(acc, t)
  }
  return { words: acc.words, phrase: acc.parts.join(''), phraseStarts: acc.phraseStarts }
}

function countWords(tokens: Token[], split: boolean): number {
  let n = 0
  for (const t of tokens) if (!t.shadow) n += split && t.split ? t.split.length : 1
  return n
}

interface PhraseParts {
  words: Token[]
  phraseStarts: number[]
  /** Words and the separators between them, joined once at the end. */
  parts: string[]
  /** Words added so far. */
  count: number
  /** Length of the phrase so far. */
  length: number
}

function addWord(acc: PhraseParts, t: Token): void {
  const k = acc.count++
  if (k > 0) {
    const sep = t.gapBefore !== ' ' && SENTENCE_BREAK.test(t.gapBefore) ? ' | ' : ' '
    acc.parts[2 * k - 1] = sep
    acc.length += sep.length
  }
  acc.phraseStarts[k] = acc.length
  const word = t.primary.includes(' ') || t.primary.includes('|') ? t.primary.replace(/[ |]/g, '') : t.primary
  acc.parts[2 * k] = word
  acc.length += word.length
  acc.words[k] = t
}

export function analyse(original: string): Analysis {
  const folded = fold(original)
  const base = tokenize(folded)
  const primary = buildPhrase(base, false)
  const variants = [primary]
  const tokens = base
  if (base.some((t) => t.split)) {
    variants.push(buildPhrase(base, true))
    // The split halves are also looked up as words, as shadows (after every base token).
    const count = base.length
    for (let i = 0; i < count; i++) {
      const halves = base[i]!.split
      if (halves) for (const half of halves) tokens.push({ ...half, shadow: true })
    }
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

// Word lexicons: whole-token regular expressions (roots with the prefixes and
// endings they really take) plus exceptions, kept in lexicon/*.json. Matching
// whole tokens is what keeps "рубля", "мандарин" or "скипидар" clean.
import type { Token, WordForm } from './normalise.js'
import { memoByString, memoByObject } from './memo.js'

export interface WordLexiconFile {
  /** {name} in entries is replaced by (?:macro). */
  macros?: Record<string, string>
  entries: string[]
  /** Words that only count when addressed to the reader ("ты козёл", not "козёл на ферме"). */
  weak?: string[]
  except?: string[]
  /** Full words a masked token (х*й, f**k) may stand for. */
  masks?: string[]
}

export interface LexiconMatch {
  word: string
  masked: boolean
  weak: boolean
}

export interface WordLexicon {
  /** The result is shared between calls: read it, do not change it. */
  match(t: Token): LexiconMatch | null
}

function expandMacros(src: string, macros: Record<string, string>): string {
  return src.replace(/\{(\w+)\}/g, (m, name: string) => (macros[name] !== undefined ? `(?:${macros[name]})` : m))
}

function wholeWord(list: string[], macros: Record<string, string>): RegExp | null {
  if (list.length === 0) return null
  return new RegExp(`^(?:${list.map((e) => expandMacros(e, macros)).join('|')})$`, 'u')
}

/** Regex for a masked reading: each run of k wildcards stands for 1..max(3,k+1) letters. */
function maskRegex(reading: string): { re: RegExp; known: number } | null {
  let known = 0
  let src = '^'
  const parts = reading.split(/(\*+)/)
  for (const p of parts) {
    if (p === '') continue
    if (p[0] === '*') src += `\\p{L}{1,${Math.max(3, p.length + 1)}}`
    else {
      known += [...p].length
      src += p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    }
  }
  if (known < 2) return null
  return { re: new RegExp(src + '$', 'u'), known }
}

export function compileWordLexicon(file: WordLexiconFile): WordLexicon {
  const macros = file.macros ?? {}
  const strong = wholeWord(file.entries, macros)
  const weak = wholeWord(file.weak ?? [], macros)
  const except = wholeWord(file.except ?? [], macros)
  const masks = file.masks ?? []
  // Memo of plain readings: chat vocabulary repeats, the regexes are the cost.
  const plain = memoByString(50_000, (r): LexiconMatch | null | 'except' =>
    except?.test(r)
      ? 'except'
      : strong?.test(r)
        ? { word: r, masked: false, weak: false }
        : weak?.test(r)
          ? { word: r, masked: false, weak: true }
          : null,
  )
  const matchReadings = (readings: readonly string[]): LexiconMatch | null => {
    for (const r of readings) {
      if (r.includes('*')) {
        const m = maskRegex(r)
        if (!m) continue
        const len = [...r.replace(/\*+/g, '')].length
        for (const w of masks) {
          const wl = [...w].length
          // The visible letters must be a fair share of the word: "на*" is not "нахуй".
          if (len * 5 < wl * 2 || (r.endsWith('*') && wl > len + 2)) continue
          if (m.re.test(w)) return { word: w, masked: true, weak: false }
        }
        continue
      }
      const v = plain(r)
      if (v === 'except') return null
      if (v) return v
    }
    return null
  }
  // The verdict depends on the readings alone, so it is kept per word form:
  // one WeakMap look-up per token instead of one string look-up per reading.
  const byForm = memoByObject((form: WordForm) => matchReadings(form.readings))
  return { match: (t) => byForm(t.form) }
}

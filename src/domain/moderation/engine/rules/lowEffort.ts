// low_effort_reply (sellers only): a reply with no words, one word, or only
// curt words ("да", "нет", "ок", "не знаю", "+").
import lowEffort from '../lexicon/low_effort.json' with { type: 'json' }
import type { Analysis } from '../analysis.js'
import type { Finding } from '../findings.js'

const CURT = new Set(lowEffort.curt)

export function detectLowEffort(a: Analysis): Finding[] {
  const trimmed = a.original.trim()
  if (trimmed === '') return []
  const start = a.original.indexOf(trimmed)
  const finding: Finding = { rule: 'low_effort_reply', start, end: start + trimmed.length, certain: true }
  const words = a.words
  if (words.length <= 1) return [finding]
  // "н е т": three spaced letters read as one word.
  if (words.length === 3 && a.tokens.some((t) => t.shadow && t.start === words[0]!.start && t.end === words[2]!.end))
    return [finding]
  if (words.length <= lowEffort.maxCurtWords && words.every((w) => CURT.has(w.primary))) return [finding]
  return []
}

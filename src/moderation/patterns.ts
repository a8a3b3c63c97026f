// Intent patterns (lexicon/intents.json) compiled once: macros expanded,
// `~` turned into "rest of the word", every pattern held to whole words.
import intents from './lexicon/intents.json' with { type: 'json' }
import type { ModerationRule } from '../config/policy.js'
import { phraseSpan, type Analysis, type Phrase } from './analysis.js'
import type { Finding } from './findings.js'
import { isAllowedHost } from './domains.js'

interface Entry {
  re: RegExp
  unless: RegExp | null
}

interface IntentFile {
  macros: Record<string, string>
  markets: Record<string, string>
  rules: Partial<Record<ModerationRule, { re: string; unless?: string }[]>>
}

const file = intents as IntentFile

function expand(src: string, depth = 0): string {
  if (depth > 5) throw new Error('intents.json: macro nesting too deep')
  const out = src.replace(/\{([a-z]+)\}/g, (m, name: string) => {
    const body = file.macros[name]
    return body === undefined ? m : `(?:${expand(body, depth + 1)})`
  })
  return out.replace(/~/g, '[^ |]*')
}

function compile(src: string, flags: string): RegExp {
  return new RegExp(`(?<![^ |])(?:${expand(src)})(?![^ |])`, flags)
}

const markets = Object.entries(file.markets).map(([re, domain]) => ({ re: new RegExp(re, 'u'), domain }))

export const INTENT_RULES = Object.keys(file.rules) as ModerationRule[]

const compiled = new Map<ModerationRule, Entry[]>()
for (const rule of INTENT_RULES) {
  compiled.set(
    rule,
    file.rules[rule]!.map((e) => ({ re: compile(e.re, 'gu'), unless: e.unless ? compile(e.unless, 'u') : null })),
  )
}

function sentenceAround(phrase: string, start: number, end: number): string {
  const s = phrase.lastIndexOf(' | ', start)
  const e = phrase.indexOf(' | ', end)
  return phrase.slice(s < 0 ? 0 : s + 3, e < 0 ? phrase.length : e)
}

/** Run one intent rule's patterns over the phrase string. */
export function matchIntent(rule: ModerationRule, a: Analysis, allowed: readonly string[]): Finding[] {
  const out: Finding[] = []
  for (const p of a.variants) {
    for (const { re, unless } of compiled.get(rule) ?? []) matchOne(rule, a, p, re, unless, allowed, out)
  }
  return out
}

function matchOne(rule: ModerationRule, a: Analysis, p: Phrase, re: RegExp, unless: RegExp | null, allowed: readonly string[], out: Finding[]): void {
  {
    re.lastIndex = 0
    let m: RegExpExecArray | null
    while ((m = re.exec(p.phrase)) !== null) {
      const start = m.index
      const end = start + m[0].length
      if (end === start) {
        re.lastIndex++
        continue
      }
      if (unless && unless.test(sentenceAround(p.phrase, start, end))) continue
      const mp = m.groups?.['mp']
      // Naming the platform itself ("закажите на Ozon" when Ozon is the platform) is fine.
      if (mp !== undefined && markets.some((x) => x.re.test(mp) && isAllowedHost(x.domain, allowed))) continue
      const span = phraseSpan(a, p, start, end)
      out.push({ rule, start: span.start, end: span.end, certain: true })
    }
  }
}

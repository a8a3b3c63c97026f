// Intent patterns (lexicon/intents.json) compiled once: macros expanded,
// `~` turned into "rest of the word", every pattern held to whole words.
// Scanning the whole phrase with each of ~75 patterns was most of the cost of
// a long message; instead each pattern is tried, sticky, only at the word
// starts where one of its literal first words occurs (anchors.ts), all found
// in one walk of a prefix trie. The matches are the same as a full scan's.
import intents from './lexicon/intents.json' with { type: 'json' }
import type { ModerationRule } from '../../../config/policy.js'
import { phraseSpan, type Analysis, type Phrase } from './analysis.js'
import type { Finding } from './findings.js'
import { isAllowedHost } from './domains.js'
import { matchPrefixes } from './anchors.js'
import { PrefixTrie } from './prefixTrie.js'

interface Entry {
  /** Index in ENTRIES and in the prefix trie. */
  id: number
  /** Global: scans the whole phrase; used only for a pattern without literal first words. */
  re: RegExp
  /** Sticky copies, tried only where one of the pattern's first words occurs. */
  sticky: RegExp
  /** The same without the u flag where that means the same on text without surrogates: about twice as fast. */
  stickyBmp: RegExp
  /** Literal prefixes every match starts with; null when unknown. */
  prefixes: string[] | null
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

/**
 * Does `source` mean the same with and without the u flag on text without
 * surrogates? Only \p{…}, \u{…} and astral literals differ there.
 */
function sameWithoutU(source: string): boolean {
  return !/\\[pP]|\\u\{|[\ud800-\udfff]/.test(source)
}

function compile(src: string, flags: string): RegExp {
  return new RegExp(`(?<![^ |])(?:${expand(src)})(?![^ |])`, flags)
}

const markets = Object.entries(file.markets).map(([re, domain]) => ({ re: new RegExp(re, 'u'), domain }))

export const INTENT_RULES = Object.keys(file.rules) as ModerationRule[]

const ENTRIES: Entry[] = []
const compiled = new Map<ModerationRule, Entry[]>()
for (const rule of INTENT_RULES) {
  compiled.set(
    rule,
    file.rules[rule]!.map((e) => {
      const re = compile(e.re, 'gu')
      const sticky = new RegExp(re.source, 'uy')
      const entry: Entry = {
        id: ENTRIES.length,
        re,
        sticky,
        stickyBmp: sameWithoutU(re.source) ? new RegExp(re.source, 'y') : sticky,
        prefixes: matchPrefixes(re.source),
        unless: e.unless ? compile(e.unless, 'u') : null,
      }
      ENTRIES.push(entry)
      return entry
    }),
  )
}
// Patterns begin with (?<![^ |]): at the start or after a space or a bar.
const FIRST_WORDS = new PrefixTrie(
  ENTRIES.map((e) => e.prefixes ?? []),
  ' |',
)
const SURROGATE = /[\ud800-\udfff]/

/** Every compiled pattern's source, for the test that holds the prefix filter to the full scan. */
export const INTENT_SOURCES: readonly string[] = ENTRIES.map((e) => e.re.source)

function sentenceAround(phrase: string, start: number, end: number): string {
  const s = phrase.lastIndexOf(' | ', start)
  const e = phrase.indexOf(' | ', end)
  return phrase.slice(s < 0 ? 0 : s + 3, e < 0 ? phrase.length : e)
}

/** Run every intent pattern over every phrase variant. */
export function matchIntents(a: Analysis, allowed: readonly string[]): Finding[] {
  const out: Finding[] = []
  const starts = a.variants.map((p) => FIRST_WORDS.startsIn(p.phrase))
  // Phrases are made of token readings, which hold no surrogates; should one
  // ever do, the u-mode copies keep the matching exact.
  const bmp = a.variants.map((p) => !SURROGATE.test(p.phrase))
  for (const rule of INTENT_RULES) {
    a.variants.forEach((p, v) => {
      for (const e of compiled.get(rule)!) {
        if (e.prefixes === null) matchOne(rule, a, p, e, allowed, out)
        else matchAt(rule, a, p, e, bmp[v] ? e.stickyBmp : e.sticky, starts[v]![e.id] ?? [], allowed, out)
      }
    })
  }
  return out
}

/** Same matches as scanning with the global regex: the leftmost match at or after the previous one's end. */
function matchAt(
  rule: ModerationRule,
  a: Analysis,
  p: Phrase,
  e: Entry,
  sticky: RegExp,
  starts: readonly number[],
  allowed: readonly string[],
  out: Finding[],
): void {
  let from = 0
  for (const at of starts) {
    if (at < from) continue
    sticky.lastIndex = at
    const m = sticky.exec(p.phrase)
    if (m === null) continue
    from = at + m[0].length
    report(rule, a, p, e, m, allowed, out)
  }
}

function matchOne(
  rule: ModerationRule,
  a: Analysis,
  p: Phrase,
  e: Entry,
  allowed: readonly string[],
  out: Finding[],
): void {
  const re = e.re
  re.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(p.phrase)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex++
      continue
    }
    report(rule, a, p, e, m, allowed, out)
  }
}

function report(
  rule: ModerationRule,
  a: Analysis,
  p: Phrase,
  e: Entry,
  m: RegExpExecArray,
  allowed: readonly string[],
  out: Finding[],
): void {
  const start = m.index
  const end = start + m[0].length
  if (e.unless && e.unless.test(sentenceAround(p.phrase, start, end))) return
  const mp = m.groups?.['mp']
  // Naming the platform itself ("закажите на Ozon" when Ozon is the platform) is fine.
  if (mp !== undefined && markets.some((x) => x.re.test(mp) && isAllowedHost(x.domain, allowed))) return
  const span = phraseSpan(a, p, start, end)
  out.push({ rule, start: span.start, end: span.end, certain: true })
}

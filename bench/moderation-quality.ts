// Precision and recall of the moderation engine per rule over the labelled
// corpus (test/moderation/corpus.jsonl), split into plain and obfuscated
// messages. Run: npx tsx bench/moderation-quality.ts
// test/moderation/quality.test.ts asserts the targets on the same figures.
import { readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { MODERATION_RULES } from '../src/config/policy.js'
import { findViolations } from '../src/domain/moderation/engine/engine.js'
import type { SenderRole } from '../src/domain/moderation/engine/index.js'

export interface CorpusRow {
  text: string
  sender_role: SenderRole
  expected: string[]
  obfuscated: boolean
  card?: boolean
  allowed_domains?: string[]
}

export const PLATFORM_DOMAINS = ['ozon.ru', 'wildberries.ru', 'market.yandex.ru']
const CORPUS = fileURLToPath(new URL('../test/moderation/corpus.jsonl', import.meta.url))

export function loadCorpus(path = CORPUS): CorpusRow[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CorpusRow)
}

export interface Score {
  tp: number
  fp: number
  fn: number
  precision: number
  recall: number
}

function score(tp: number, fp: number, fn: number): Score {
  // With nothing predicted (or nothing to find) the ratio is vacuously perfect.
  return { tp, fp, fn, precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) }
}

export type Split = 'plain' | 'obfuscated' | 'all'
/** Per category (each rule, plus 'card_number') and split. */
export type Report = Record<string, Record<Split, Score>>

export interface Miss {
  text: string
  missing: string[]
  extra: string[]
}

export function evaluate(rows: CorpusRow[] = loadCorpus()): { report: Report; misses: Miss[] } {
  const cats = [...MODERATION_RULES, 'card_number']
  // [tp, fp, fn] per category and split.
  const counts: Record<string, Record<Split, number[]>> = {}
  for (const c of cats) counts[c] = { plain: [0, 0, 0], obfuscated: [0, 0, 0], all: [0, 0, 0] }
  const misses: Miss[] = []
  for (const row of rows) {
    const findings = findViolations(row.text, {
      senderRole: row.sender_role,
      allowedDomains: [...PLATFORM_DOMAINS, ...(row.allowed_domains ?? [])],
    })
    const got = new Set<string>(findings.map((f) => f.rule))
    if (findings.some((f) => f.kind === 'card')) got.add('card_number')
    const want = new Set(row.expected)
    if (row.card) want.add('card_number')
    const split: Split = row.obfuscated ? 'obfuscated' : 'plain'
    for (const c of cats) {
      const i: number = got.has(c) && want.has(c) ? 0 : got.has(c) ? 1 : want.has(c) ? 2 : -1
      if (i < 0) continue
      const byCat = counts[c]!
      byCat[split][i] = (byCat[split][i] ?? 0) + 1
      byCat.all[i] = (byCat.all[i] ?? 0) + 1
    }
    const missing = [...want].filter((r) => !got.has(r))
    const extra = [...got].filter((r) => !want.has(r))
    if (missing.length || extra.length) misses.push({ text: row.text, missing, extra })
  }
  const report: Report = {}
  for (const c of cats) {
    const r = counts[c]!
    const sc = (x: number[]): Score => score(x[0] ?? 0, x[1] ?? 0, x[2] ?? 0)
    report[c] = { plain: sc(r.plain), obfuscated: sc(r.obfuscated), all: sc(r.all) }
  }
  return { report, misses }
}

function pct(x: number): string {
  return x.toFixed(3)
}

function main(): void {
  const rows = loadCorpus()
  const { report, misses } = evaluate(rows)
  console.log(`corpus: ${rows.length} messages (${rows.filter((r) => r.obfuscated).length} obfuscated)\n`)
  console.log('rule                     split       tp   fp   fn  precision  recall')
  for (const [cat, bySplit] of Object.entries(report)) {
    for (const split of ['plain', 'obfuscated', 'all'] as const) {
      const s = bySplit[split]
      if (s.tp + s.fp + s.fn === 0) continue
      console.log(
        `${cat.padEnd(24)} ${split.padEnd(10)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)}  ${pct(s.precision).padStart(9)}  ${pct(s.recall).padStart(6)}`,
      )
    }
  }
  if (process.argv.includes('--misses')) {
    console.log('\nmisses:')
    for (const m of misses) console.log(`  ${JSON.stringify(m.text)}  missing=[${m.missing}] extra=[${m.extra}]`)
  } else console.log(`\n${misses.length} messages with a wrong label set (run with --misses to list them)`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main()

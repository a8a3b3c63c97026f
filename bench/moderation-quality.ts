// Precision and recall of the moderation engine per rule over a labelled set,
// split into plain and obfuscated messages, and per message (flagged or not,
// right rule). By default the tuning corpus (test/moderation/corpus.jsonl);
// `--set path.jsonl` (repeatable) scores any set of the same format instead.
// Run: npx tsx bench/moderation-quality.ts [--set path.jsonl]... [--misses]
// With no --set it scores the tuning corpus, the development set and the blind set, one after the other.
// test/moderation/quality.test.ts asserts the targets on the tuning corpus.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
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
/** Written from the rule definitions to find the engine's misses; tuned on, so never a measure of unseen text. */
const DEV_SET = fileURLToPath(new URL('../test/moderation/dev/dev-set.jsonl', import.meta.url))
/** Written without sight of the engine; never tuned on (test/moderation/blind/README.md). */
const BLIND_SET = fileURLToPath(new URL('../test/moderation/blind/blind-set.jsonl', import.meta.url))

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

/**
 * Per message: flagged means any violation (verdict block or review);
 * precision and recall of flagging a message that breaks a rule; right rule
 * is the share of rule-breaking messages whose every expected rule was found.
 */
export interface MessageSummary {
  messages: number
  positives: number
  flagged: number
  precision: number
  recall: number
  rightRule: number
  /** Rule-breaking messages caught only by uncertain findings (verdict review). */
  reviewOnly: number
}

export function evaluate(rows: CorpusRow[] = loadCorpus()): {
  report: Report
  misses: Miss[]
  summary: MessageSummary
} {
  const cats = [...MODERATION_RULES, 'card_number']
  // [tp, fp, fn] per category and split.
  const counts: Record<string, Record<Split, number[]>> = {}
  for (const c of cats) counts[c] = { plain: [0, 0, 0], obfuscated: [0, 0, 0], all: [0, 0, 0] }
  const misses: Miss[] = []
  const m = { positives: 0, flagged: 0, tp: 0, right: 0, reviewOnly: 0 }
  for (const row of rows) {
    const findings = findViolations(row.text, {
      senderRole: row.sender_role,
      allowedDomains: [...PLATFORM_DOMAINS, ...(row.allowed_domains ?? [])],
    })
    const got = new Set<string>(findings.map((f) => f.rule))
    if (findings.some((f) => f.kind === 'card')) got.add('card_number')
    const want = new Set(row.expected)
    if (row.card) want.add('card_number')
    const positive = row.expected.length > 0
    const flagged = findings.length > 0
    m.positives += positive ? 1 : 0
    m.flagged += flagged ? 1 : 0
    if (positive && flagged) {
      m.tp++
      if (!findings.some((f) => f.certain)) m.reviewOnly++
    }
    if (positive && row.expected.every((r) => got.has(r))) m.right++
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
  const summary: MessageSummary = {
    messages: rows.length,
    positives: m.positives,
    flagged: m.flagged,
    precision: m.flagged === 0 ? 1 : m.tp / m.flagged,
    recall: m.positives === 0 ? 1 : m.tp / m.positives,
    rightRule: m.positives === 0 ? 1 : m.right / m.positives,
    reviewOnly: m.reviewOnly,
  }
  return { report, misses, summary }
}

function pct(x: number): string {
  return x.toFixed(3)
}

/** Every `--set path` given on the command line, or the tuning corpus, the development set and the frozen blind set. */
function setsFromArgs(argv: string[]): string[] {
  const sets: string[] = []
  argv.forEach((a, i) => {
    if (a === '--set' && argv[i + 1]) sets.push(argv[i + 1]!)
    else if (a.startsWith('--set=')) sets.push(a.slice('--set='.length))
  })
  return sets.length > 0 ? sets : [CORPUS, DEV_SET, BLIND_SET]
}

function printSet(path: string, showMisses: boolean): void {
  const rows = loadCorpus(path)
  const { report, misses, summary: s } = evaluate(rows)
  const blind = resolve(path) === BLIND_SET
  console.log(`${path}: ${rows.length} messages (${rows.filter((r) => r.obfuscated).length} obfuscated)\n`)
  console.log('rule                     split       tp   fp   fn  precision  recall')
  for (const [cat, bySplit] of Object.entries(report)) {
    for (const split of ['plain', 'obfuscated', 'all'] as const) {
      const sc = bySplit[split]
      if (sc.tp + sc.fp + sc.fn === 0) continue
      console.log(
        `${cat.padEnd(24)} ${split.padEnd(10)} ${String(sc.tp).padStart(4)} ${String(sc.fp).padStart(4)} ${String(sc.fn).padStart(4)}  ${pct(sc.precision).padStart(9)}  ${pct(sc.recall).padStart(6)}`,
      )
    }
  }
  console.log(
    `\nper message: ${s.positives} break a rule, ${s.flagged} flagged; precision ${pct(s.precision)}, recall ${pct(s.recall)}, right rule ${pct(s.rightRule)} (${s.reviewOnly} caught by review alone)`,
  )
  // The blind set's messages are never printed: nothing may be tuned on them.
  if (showMisses && !blind) {
    console.log('\nmisses:')
    for (const m of misses) console.log(`  ${JSON.stringify(m.text)}  missing=[${m.missing}] extra=[${m.extra}]`)
  } else
    console.log(`${misses.length} messages with a wrong label set${blind ? '' : ' (run with --misses to list them)'}`)
}

function main(): void {
  const argv = process.argv.slice(2)
  const sets = setsFromArgs(argv)
  sets.forEach((path, i) => {
    if (i > 0) console.log('\n' + '-'.repeat(72) + '\n')
    printSet(path, argv.includes('--misses'))
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main()

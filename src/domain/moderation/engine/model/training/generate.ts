// The training corpus: messages composed from hand-written fragments
// (fragments.ru.ts, fragments.en.ts) and clean filler, in varied styles
// (typos, no punctuation, caps, look-alike letters, long complaints with one
// bad phrase). Deterministic for a seed. Each message keeps the spans of the
// fragments that break a rule, so the model can learn per sentence.
//
// The split is by template: a fifth of the templates (of every category,
// filler included) is held out, and validation messages are made only of
// those, so validation measures paraphrases the model never saw.
//
// Run: npx tsx src/domain/moderation/engine/model/training/generate.ts  (writes train.jsonl and validation.jsonl)
import { writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ModerationRule } from '../../../../../config/policy.js'
import type { SenderRole } from '../../index.js'
import { EN } from './fragments.en.js'
import { RU } from './fragments.ru.js'
import type { Category, FragmentEntry, FragmentSet } from './fragments.js'
import { cleanSentence, wordSalad } from './clean.js'
import { expand, hashString, pick, prng, type Rand, type Slots } from './template.js'

export interface LabelledSpan {
  start: number
  end: number
  rules: ModerationRule[]
}

export interface TrainingRow {
  text: string
  sender_role: SenderRole
  expected: ModerationRule[]
  obfuscated: boolean
  lang: 'ru' | 'en'
  /** Where in `text` each rule-breaking fragment sits. */
  spans: LabelledSpan[]
  /** Holds a card number (the quality bench scores card numbers apart). */
  card?: boolean
}

export const DEFAULT_SEED = 20_260_305

type Lang = 'ru' | 'en'
type Part = 'train' | 'validation'

interface Template {
  id: string
  text: string
  role: 'buyer' | 'seller' | null
  rules: ModerationRule[]
}

type RuleCategory =
  | 'threat'
  | 'off_platform_lure'
  | 'insult'
  | 'platform_disparagement'
  | 'personal_data_request'
  | 'review_manipulation'
  | 'contact_exchange'
  | 'obscenity'
  | 'external_link'

/** How often each rule is drawn for a rule-breaking fragment: the intent rules the model learns come first. */
const RULE_WEIGHTS: Record<RuleCategory, number> = {
  threat: 5,
  off_platform_lure: 5,
  insult: 5,
  platform_disparagement: 4,
  personal_data_request: 4,
  review_manipulation: 4,
  contact_exchange: 1.5,
  obscenity: 1,
  external_link: 0.7,
}

function toTemplate(lang: Lang, cat: Category, i: number, entry: FragmentEntry): Template {
  const raw = typeof entry === 'string' ? entry : entry.t
  const also = typeof entry === 'string' ? [] : entry.also
  const m = /^([SB]):/.exec(raw)
  const role = m ? (m[1] === 'S' ? 'seller' : 'buyer') : null
  const isRule = cat !== 'hard' && cat !== 'filler_buyer' && cat !== 'filler_seller'
  return {
    id: `${lang}.${cat}.${i}`,
    text: m ? raw.slice(2) : raw,
    role,
    rules: isRule ? [cat, ...also] : also,
  }
}

/** A fifth of the templates, chosen by a hash of their id, is validation's alone. */
export function partOf(id: string): Part {
  return hashString(id) % 5 === 0 ? 'validation' : 'train'
}

type Library = Record<Lang, Record<Part, Record<Category, Template[]>>>

function library(): Library {
  const out = {} as Library
  for (const [lang, set] of [
    ['ru', RU],
    ['en', EN],
  ] as [Lang, FragmentSet][]) {
    out[lang] = { train: {}, validation: {} } as Library[Lang]
    for (const [cat, entries] of Object.entries(set.fragments) as [Category, FragmentEntry[]][]) {
      const all = entries.map((e, i) => toTemplate(lang, cat, i, e))
      for (const part of ['train', 'validation'] as const) {
        const mine = all.filter((t) => partOf(t.id) === part)
        // A category too small to split keeps at least one template on each side.
        out[lang][part][cat] =
          mine.length > 0 ? mine : all.slice(part === 'train' ? 1 : 0, part === 'train' ? undefined : 1)
      }
    }
  }
  return out
}

// --- generated slot values: contacts, cards, order numbers -----------------

function digits(rand: Rand, n: number): string {
  let s = ''
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 10)
  return s
}

function luhnComplete(head: string): string {
  let sum = 0
  for (let i = 0; i < head.length; i++) {
    let d = head.charCodeAt(head.length - 1 - i) - 48
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return head + ((10 - (sum % 10)) % 10)
}

/** A Luhn-valid card number in one of many layouts people type. */
function card(rand: Rand): string {
  const prefix = pick(rand, ['4276', '5469', '2202', '4111', '5536', '2200', '4377'])
  const d = luhnComplete(prefix + digits(rand, 11))
  const g4 = [d.slice(0, 4), d.slice(4, 8), d.slice(8, 12), d.slice(12)]
  return pick(rand, [
    g4.join(' '),
    d,
    g4.join('-'),
    g4.join('.'),
    g4.join('  '),
    d.match(/../g)!.join(' '),
    `${g4[0]} ${g4[1]}${g4[2]} ${g4[3]}`,
    g4.join('\n'),
    [...d].join(' '),
    `${d.slice(0, 6)} ${d.slice(6)}`,
    g4.join(' / '),
  ])
}

function phoneRu(rand: Rand): string {
  const code = pick(rand, ['916', '903', '925', '985', '999', '968', '977', '912'])
  const a = digits(rand, 3)
  const b = digits(rand, 2)
  const c = digits(rand, 2)
  return pick(rand, [
    `+7 ${code} ${a}-${b}-${c}`,
    `8 (${code}) ${a} ${b} ${c}`,
    `8${code}${a}${b}${c}`,
    `8-${code}-${a}-${b}-${c}`,
    `+7(${code})${a}${b}${c}`,
    `+7${code}${a}${b}${c}`,
  ])
}

function phoneEn(rand: Rand): string {
  return pick(rand, [
    `+44 7${digits(rand, 3)} ${digits(rand, 6)}`,
    `+1 (${pick(rand, ['212', '415', '312'])}) ${digits(rand, 3)}-${digits(rand, 4)}`,
    `+7 916 ${digits(rand, 3)} ${digits(rand, 2)} ${digits(rand, 2)}`,
  ])
}

function generatedSlots(rand: Rand): Slots {
  const many = (f: (r: Rand) => string, n = 120): string[] => Array.from({ length: n }, () => f(rand))
  const handle = (r: Rand): string =>
    pick(r, ['ivan', 'marina', 'shop', 'sale', 'tech', 'best', 'olga', 'max']) +
    pick(r, ['_', '', '.']) +
    pick(r, ['petrov', 'store', 'official', 'deals', '24', '77', 'home', 'optom'])
  return {
    phone: many(phoneRu),
    phone_en: many(phoneEn),
    card: many(card),
    order: many((r) => pick(r, ['', '№', '#']) + digits(r, 8)),
    shop_handle: many(handle),
    email: many((r) => `${handle(r)}@${pick(r, ['mail.ru', 'gmail.com', 'yandex.ru', 'bk.ru', 'outlook.com'])}`),
  }
}

// --- styles ------------------------------------------------------------------

interface Style {
  lower: boolean
  noPunct: boolean
  typos: number
  lookalike: number
  caps: boolean
  newlines: boolean
  noYo: boolean
  suffix: boolean
}

function drawStyle(rand: Rand): Style {
  return {
    lower: rand() < 0.35,
    noPunct: rand() < 0.25,
    typos: rand() < 0.3 ? 0.04 + rand() * 0.1 : 0,
    lookalike: rand() < 0.08 ? 0.3 : 0,
    caps: rand() < 0.05,
    newlines: rand() < 0.1,
    noYo: rand() < 0.5,
    suffix: rand() < 0.12,
  }
}

const CYR_TO_LAT: Record<string, string> = { а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', х: 'x', у: 'y', к: 'k' }
const LAT_TO_CYR: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', y: 'у' }

function typo(rand: Rand, w: string): string {
  if (w.length < 4 || /\d|@/.test(w)) return w
  const i = 1 + Math.floor(rand() * (w.length - 2))
  const op = rand()
  if (op < 0.35) return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2)
  if (op < 0.65) return w.slice(0, i) + w.slice(i + 1)
  if (op < 0.85) return w.slice(0, i) + w[i] + w.slice(i)
  return w.slice(0, i) + w[i]!.repeat(3) + w.slice(i + 1)
}

function styled(rand: Rand, text: string, st: Style, lang: Lang): { text: string; obfuscated: boolean } {
  let s = text
  let obfuscated = false
  if (st.noYo) s = s.replace(/ё/g, 'е')
  if (st.typos > 0) s = s.replace(/[\p{L}]+/gu, (w) => (rand() < st.typos ? typo(rand, w) : w))
  if (st.lookalike > 0) {
    const table = lang === 'ru' ? CYR_TO_LAT : LAT_TO_CYR
    s = s.replace(/\p{L}/gu, (c) => {
      const to = table[c]
      if (to && rand() < st.lookalike) {
        obfuscated = true
        return to
      }
      return c
    })
  }
  if (st.noPunct) s = s.replace(/[.,!?;:«»"]/g, '')
  if (st.caps) s = s.toUpperCase()
  else if (st.lower) s = s.toLowerCase()
  return { text: s.replace(/ {2,}/g, ' ').trim(), obfuscated }
}

// --- composition ---------------------------------------------------------------

function weighted<T extends string>(rand: Rand, weights: Record<T, number>): T {
  const entries = Object.entries(weights) as [T, number][]
  let r = rand() * entries.reduce((s, [, w]) => s + w, 0)
  for (const [k, w] of entries) if ((r -= w) < 0) return k
  return entries[entries.length - 1]![0]
}

function fits(t: Template, role: 'buyer' | 'seller'): boolean {
  return t.role === null || t.role === role
}

function pickFor(rand: Rand, list: Template[], role: 'buyer' | 'seller'): Template | undefined {
  const ok = list.filter((t) => fits(t, role))
  return ok.length > 0 ? pick(rand, ok) : undefined
}

/** Clean filler: in training also sentences of the clean grammar and dictionary word salads. */
function filler(rand: Rand, part: Part, lang: Lang, fillers: Template[]): Template {
  const r = rand()
  if (part === 'validation' || r < 0.45) return pick(rand, fillers)
  const text = lang === 'ru' && r > 0.85 ? wordSalad(rand) : cleanSentence(rand, lang)
  return { id: 'clean', text, role: null, rules: [] }
}

function message(rand: Rand, lib: Library, part: Part, slots: Record<Lang, Slots>): TrainingRow {
  const lang: Lang = rand() < 0.6 ? 'ru' : 'en'
  const cats = lib[lang][part]
  const sl = slots[lang]
  const picked: Template[] = []
  let role: 'buyer' | 'seller' = rand() < 0.5 ? 'buyer' : 'seller'
  const kind = rand()
  if (kind < 0.04) {
    // A bare one-word answer: only a seller's counts.
    const t = pick(rand, cats.low_effort_reply)
    const text = expand(t.text, sl, rand)
    return { text, sender_role: 'seller', expected: ['low_effort_reply'], obfuscated: false, lang, spans: [] }
  }
  const positive = kind < 0.56
  if (positive) {
    const first = pick(rand, cats[weighted(rand, RULE_WEIGHTS)])
    if (first.role) role = first.role
    picked.push(first)
    if (rand() < 0.12) {
      const second = pickFor(rand, cats[weighted(rand, RULE_WEIGHTS)], role)
      if (second) picked.push(second)
    }
  }
  const hardCount = positive ? (rand() < 0.25 ? 1 : 0) : rand() < 0.75 ? 1 + (rand() < 0.25 ? 1 : 0) : 0
  for (let i = 0; i < hardCount; i++) {
    const h = pickFor(rand, cats.hard, role)
    if (h) picked.push(h)
  }
  const long = rand() < 0.2
  const fillerCount = long ? 3 + Math.floor(rand() * 4) : Math.floor(rand() * 3)
  const fillers = role === 'buyer' ? cats.filler_buyer : cats.filler_seller
  const body: Template[] = [...picked]
  for (let i = 0; i < fillerCount; i++)
    body.splice(Math.floor(rand() * (body.length + 1)), 0, filler(rand, part, lang, fillers))
  // A seller's lone greeting is a one-word answer; a clean message says something.
  while (body.length === 0 || body.every((t) => t.text.startsWith('{greet}'))) body.push(pick(rand, fillers))
  // A greeting, when there is one, leads.
  const st = drawStyle(rand)
  let text = ''
  const spans: LabelledSpan[] = []
  let obfuscated = false
  for (const t of body) {
    let frag = expand(t.text, sl, rand)
    if (!st.noPunct && !/[.!?,:)]$/.test(frag)) frag += pick(rand, ['.', '.', '.', '!', '?', ''])
    const s = styled(rand, frag, st, lang)
    obfuscated ||= s.obfuscated
    if (text !== '') text += st.newlines && rand() < 0.5 ? '\n' : ' '
    const start = text.length
    text += s.text
    if (t.rules.length > 0) spans.push({ start, end: text.length, rules: t.rules })
  }
  if (st.suffix) text += pick(rand, [' )))', ' !!!', ' ((', ' ...', ' 😡', ' 🙏', ' ?!'])
  const expected = [...new Set(spans.flatMap((s) => s.rules))]
  const row: TrainingRow = { text, sender_role: role, expected, obfuscated, lang, spans }
  if (body.some((t) => t.text.includes('{card}'))) row.card = true
  return row
}

export function generateCorpus(
  seed = DEFAULT_SEED,
  sizes = { train: 14_000, validation: 3_000 },
): Record<Part, TrainingRow[]> {
  const rand = prng(seed)
  const lib = library()
  const slots: Record<Lang, Slots> = {
    ru: { ...RU.slots, ...generatedSlots(rand) },
    en: { ...EN.slots, ...generatedSlots(rand) },
  }
  const out: Record<Part, TrainingRow[]> = { train: [], validation: [] }
  for (const part of ['train', 'validation'] as const) {
    const seen = new Set<string>()
    for (let guard = 0; out[part].length < sizes[part] && guard < sizes[part] * 3; guard++) {
      const row = message(rand, lib, part, slots)
      if (seen.has(row.text)) continue
      seen.add(row.text)
      out[part].push(row)
    }
  }
  return out
}

export const TRAINING_DIR = fileURLToPath(new URL('.', import.meta.url))

function main(): void {
  const corpus = generateCorpus()
  for (const part of ['train', 'validation'] as const) {
    const path = `${TRAINING_DIR}${part}.jsonl`
    writeFileSync(path, corpus[part].map((r) => JSON.stringify(r)).join('\n') + '\n')
    const pos = corpus[part].filter((r) => r.expected.length > 0).length
    console.log(`${path}: ${corpus[part].length} messages, ${pos} breaking a rule`)
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main()

// The statistical layer: a one-vs-rest logistic regression over the hashed
// features of features.ts, trained by `npm run moderation:train` and loaded
// from weights.json at start. It reads each chunk of a message and reports a
// rule whose probability reaches the threshold as an uncertain finding: the
// verdict `review` (delivered, flagged for arbiters) unless a precise rule
// blocks anyway. Rules the precise detectors already found are not scored.
import type { ModerationRule } from '../../../../config/policy.js'
import { tokenSpan, type Analysis } from '../analysis.js'
import type { Finding } from '../findings.js'
import { BUCKETS, HASH_BITS, chunkFeatures, chunksOf } from './features.js'
import model from './weights.json' with { type: 'json' }
import { decodeWeights, type ModelFile } from './weights.js'

const file: ModelFile = model
if (file.hash_bits !== HASH_BITS)
  throw new Error(`weights.json: hash_bits ${file.hash_bits}, features use ${HASH_BITS}`)

export const MODEL_RULES = file.classes as ModerationRule[]
const C = MODEL_RULES.length
const Q = decodeWeights(file.weights, BUCKETS, C)
// A probability threshold is a threshold on the logit: no exp per chunk.
const LOGIT = file.review_thresholds.map((p) => Math.log(p / (1 - p)))

/** The model's logit per class for each chunk of the message. */
export function chunkLogits(a: Analysis): { start: number; end: number; logits: Float64Array }[] {
  const out: { start: number; end: number; logits: Float64Array }[] = []
  const feats: number[] = []
  const sums = new Int32Array(C)
  for (const chunk of chunksOf(a)) {
    feats.length = 0
    sums.fill(0)
    chunkFeatures(a, chunk, feats)
    for (const f of feats) {
      const base = f * C
      for (let c = 0; c < C; c++) sums[c]! += Q[base + c]!
    }
    const logits = new Float64Array(C)
    for (let c = 0; c < C; c++) logits[c] = file.bias[c]! + file.scale[c]! * sums[c]!
    const s = tokenSpan(a, a.words[chunk.first]!)
    const e = tokenSpan(a, a.words[chunk.last]!)
    out.push({ start: s.start, end: e.end, logits })
  }
  return out
}

/** Uncertain findings for the rules in MODEL_RULES not among `found`. */
export function classify(a: Analysis, found: ReadonlySet<ModerationRule>): Finding[] {
  // A lone word is the lexicons' business (and the dictionary test's).
  if (a.words.length < 2 || MODEL_RULES.every((r) => found.has(r))) return []
  const out: Finding[] = []
  for (const { start, end, logits } of chunkLogits(a)) {
    for (let c = 0; c < C; c++) {
      const rule = MODEL_RULES[c]!
      if (logits[c]! >= LOGIT[c]! && !found.has(rule)) out.push({ rule, start, end, certain: false, kind: 'model' })
    }
  }
  return out
}

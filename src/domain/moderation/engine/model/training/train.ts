// Trains the moderation model: one-vs-rest logistic regression by SGD with
// AdaGrad steps and L2, over the chunks of the generated training corpus
// (generate.ts), each chunk labelled with the rules of the fragments it
// covers. Writes src/domain/moderation/engine/model/weights.json and prints
// the model's own figures (without the precise rules) on the validation split.
// Run: npm run moderation:train (which then scores the whole engine too).
import { writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ModerationRule } from '../../../../../config/policy.js'
import { analyse, tokenSpan } from '../../analysis.js'
import { BUCKETS, HASH_BITS, chunkFeatures, chunksOf } from '../features.js'
import { encodeWeights, type ModelFile } from '../weights.js'
import { DEFAULT_SEED, TRAINING_DIR, generateCorpus, type TrainingRow } from './generate.js'
import { prng } from './template.js'

/** The intent rules the model learns; the lexical ones (obscenity, links, numbers) stay with the precise detectors. */
export const CLASSES: ModerationRule[] = [
  'threat',
  'off_platform_lure',
  'insult',
  'platform_disparagement',
  'personal_data_request',
  'review_manipulation',
]
const C = CLASSES.length
const EPOCHS = 4
const LEARNING_RATE = 0.1
const L2 = 1e-3
/** A rule-breaking chunk is rarer than a clean one; its errors count this much more. */
const POSITIVE_WEIGHT = 1.5
/** The default threshold of an uncertain finding, and the lowest a class may be given. */
const REVIEW_THRESHOLD = 0.95
const THRESHOLD_GRID = [0.9, 0.93]
/** A class gets a lower threshold only where it keeps this precision on the validation split. */
const MIN_PRECISION = 0.88
const MODEL_PATH = fileURLToPath(new URL('../weights.json', import.meta.url))

interface Example {
  feats: Int32Array
  labels: Uint8Array
}

/** A chunk is labelled with a fragment's rules when it holds at least half of that fragment. */
export function examples(row: TrainingRow): Example[] {
  const a = analyse(row.text)
  const out: Example[] = []
  for (const chunk of chunksOf(a)) {
    const s = tokenSpan(a, a.words[chunk.first]!).start
    const e = tokenSpan(a, a.words[chunk.last]!).end
    const labels = new Uint8Array(C)
    for (const span of row.spans) {
      const overlap = Math.min(e, span.end) - Math.max(s, span.start)
      if (overlap * 2 < span.end - span.start) continue
      for (const r of span.rules) {
        const c = CLASSES.indexOf(r)
        if (c >= 0) labels[c] = 1
      }
    }
    const feats: number[] = []
    chunkFeatures(a, chunk, feats)
    out.push({ feats: Int32Array.from(feats), labels })
  }
  return out
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z))
}

interface Trained {
  w: Float32Array
  bias: Float64Array
}

export interface TrainOptions {
  epochs: number
  l2: number
  positiveWeight: number
}

const DEFAULTS: TrainOptions = { epochs: EPOCHS, l2: L2, positiveWeight: POSITIVE_WEIGHT }

export function train(data: Example[], seed: number, opts: TrainOptions = DEFAULTS): Trained {
  const { epochs, l2, positiveWeight } = opts
  const w = new Float32Array(BUCKETS * C)
  const g2 = new Float32Array(BUCKETS * C).fill(1e-2)
  const bias = new Float64Array(C)
  const b2 = new Float64Array(C).fill(1e-2)
  const rand = prng(seed)
  const order = data.map((_, i) => i)
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    let loss = 0
    for (const idx of order) {
      const { feats, labels } = data[idx]!
      for (let c = 0; c < C; c++) {
        let z = bias[c]!
        for (let k = 0; k < feats.length; k++) z += w[feats[k]! * C + c]!
        const p = sigmoid(z)
        const y = labels[c]!
        const weight = y === 1 ? positiveWeight : 1
        loss -= weight * (y === 1 ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12))
        const g = weight * (p - y)
        if (Math.abs(g) < 1e-4) continue
        b2[c]! += g * g
        bias[c]! -= (LEARNING_RATE * g) / Math.sqrt(b2[c]!)
        for (let k = 0; k < feats.length; k++) {
          const at = feats[k]! * C + c
          const gi = g + l2 * w[at]!
          g2[at]! += gi * gi
          w[at]! -= (LEARNING_RATE * gi) / Math.sqrt(g2[at]!)
        }
      }
    }
    console.log(`epoch ${epoch + 1}: mean loss per chunk ${(loss / data.length).toFixed(4)}`)
  }
  return { w, bias }
}

/** int8 per weight with a step per class; weights below half a step vanish (the file keeps the rest). */
function quantise(t: Trained): { q: Int8Array; scale: number[] } {
  const scale: number[] = []
  const q = new Int8Array(BUCKETS * C)
  for (let c = 0; c < C; c++) {
    let max = 0
    for (let b = 0; b < BUCKETS; b++) max = Math.max(max, Math.abs(t.w[b * C + c]!))
    const step = max / 127 || 1
    scale.push(step)
    for (let b = 0; b < BUCKETS; b++) q[b * C + c] = Math.round(t.w[b * C + c]! / step)
  }
  return { q, scale }
}

/** Per message and class, the highest logit of any chunk (a lone word is never scored). */
function maxLogits(rows: TrainingRow[], q: Int8Array, scale: number[], bias: Float64Array): Float64Array[] {
  return rows.map((row) => {
    const out = new Float64Array(C).fill(-Infinity)
    const a = analyse(row.text)
    if (a.words.length < 2) return out
    for (const chunk of chunksOf(a)) {
      const feats: number[] = []
      chunkFeatures(a, chunk, feats)
      for (let c = 0; c < C; c++) {
        let s = 0
        for (const f of feats) s += q[f * C + c]!
        out[c] = Math.max(out[c]!, bias[c]! + scale[c]! * s)
      }
    }
    return out
  })
}

function counts(
  rows: TrainingRow[],
  logits: Float64Array[],
  c: number,
  p: number,
): { tp: number; fp: number; fn: number } {
  const at = Math.log(p / (1 - p))
  const k = { tp: 0, fp: 0, fn: 0 }
  rows.forEach((row, i) => {
    const got = logits[i]![c]! >= at
    const want = row.expected.includes(CLASSES[c]!)
    if (got && want) k.tp++
    else if (got) k.fp++
    else if (want) k.fn++
  })
  return k
}

/**
 * Per class, the lowest threshold of the grid at which the model alone keeps
 * MIN_PRECISION on the validation split (held-out templates, never an
 * evaluation set); REVIEW_THRESHOLD where none does. Prints the model's figures.
 */
function thresholds(rows: TrainingRow[], q: Int8Array, scale: number[], bias: Float64Array): number[] {
  const logits = maxLogits(rows, q, scale, bias)
  console.log('\nthe model alone on the validation split (per message), at the chosen threshold:')
  console.log('rule                     threshold   tp   fp   fn  precision  recall')
  return CLASSES.map((r, c) => {
    const precision = (k: { tp: number; fp: number }): number => (k.tp + k.fp === 0 ? 1 : k.tp / (k.tp + k.fp))
    const p = THRESHOLD_GRID.find((t) => precision(counts(rows, logits, c, t)) >= MIN_PRECISION) ?? REVIEW_THRESHOLD
    const k = counts(rows, logits, c, p)
    const rc = k.tp + k.fn === 0 ? 1 : k.tp / (k.tp + k.fn)
    console.log(
      `${r.padEnd(24)} ${p.toFixed(2).padStart(9)} ${String(k.tp).padStart(5)} ${String(k.fp).padStart(4)} ${String(k.fn).padStart(4)}  ${precision(k).toFixed(3).padStart(9)}  ${rc.toFixed(3).padStart(6)}`,
    )
    return p
  })
}

function main(): void {
  const corpus = generateCorpus(DEFAULT_SEED)
  for (const part of ['train', 'validation'] as const)
    writeFileSync(`${TRAINING_DIR}${part}.jsonl`, corpus[part].map((r) => JSON.stringify(r)).join('\n') + '\n')
  const data = corpus.train.flatMap(examples)
  const positives = data.filter((e) => e.labels.some((l) => l === 1)).length
  console.log(`${corpus.train.length} training messages → ${data.length} chunks (${positives} breaking a rule)`)
  const trained = train(data, DEFAULT_SEED)
  const { q, scale } = quantise(trained)
  const file: ModelFile = {
    trained: `${new Date().toISOString().slice(0, 10)}: ${corpus.train.length} messages of src/domain/moderation/engine/model/training (seed ${DEFAULT_SEED}), ${EPOCHS} epochs`,
    hash_bits: HASH_BITS,
    classes: CLASSES,
    bias: [...trained.bias].map((b) => Number(b.toFixed(5))),
    scale: scale.map((s) => Number(s.toPrecision(6))),
    review_thresholds: thresholds(corpus.validation, q, scale, trained.bias),
    weights: encodeWeights(q, BUCKETS, C),
  }
  writeFileSync(MODEL_PATH, JSON.stringify(file) + '\n')
  let nonZero = 0
  for (const x of q) if (x !== 0) nonZero++
  console.log(`${MODEL_PATH}: ${nonZero} non-zero weights, ${Math.round(file.weights.length / 1024)} KiB encoded`)
}

// Run as a script; imported (by a sweep over the options), it only exports.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main()

// Chat moderation (docs/moderation.md): a pure function from a message and its
// sender to a verdict and the violations found, each with the offending
// excerpt of the original text and a hint how to say it within the rules
// (in Russian; hints.ts gives it in the language a request asks for).
import type { ModerationRule } from '../../../config/policy.js'
import { findViolations } from './engine.js'
import { hintText } from './hints.js'
import type { Finding, ModerationContext, SenderRole } from './findings.js'

export type { ModerationContext, SenderRole }

export interface Violation {
  rule: ModerationRule
  excerpt: string
  hint: string
}

export interface ModerationResult {
  verdict: 'deliver' | 'block' | 'review'
  violations: Violation[]
}

// Enough excerpts per rule for the sender to see what to change.
const MAX_PER_RULE = 3

export function moderate(text: string, ctx: ModerationContext): ModerationResult {
  return toResult(text, findViolations(text, ctx))
}

export function toResult(text: string, findings: Finding[]): ModerationResult {
  const violations: Violation[] = []
  const seen = new Set<string>()
  const perRule = new Map<string, number>()
  let certain = false
  for (const f of findings) {
    const excerpt = text.slice(f.start, f.end)
    const key = `${f.rule}\u0000${excerpt}`
    const n = perRule.get(f.rule) ?? 0
    if (seen.has(key) || n >= MAX_PER_RULE) {
      certain ||= f.certain
      continue
    }
    seen.add(key)
    perRule.set(f.rule, n + 1)
    certain ||= f.certain
    violations.push({ rule: f.rule, excerpt, hint: hintText(f.hint ?? f.rule, f.rule) })
  }
  const verdict = violations.length === 0 ? 'deliver' : certain ? 'block' : 'review'
  return { verdict, violations }
}

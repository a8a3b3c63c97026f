// Runs every detector over one shared analysis of the message.
import { analyse } from './analysis.js'
import type { ModerationRule } from '../../../config/policy.js'
import type { Finding, ModerationContext } from './findings.js'
import { classify } from './model/classifier.js'
import { matchIntents } from './patterns.js'
import { detectDigits } from './rules/digits.js'
import { detectLinks } from './rules/links.js'
import { detectLowEffort } from './rules/lowEffort.js'
import { detectWords } from './rules/words.js'

export function findViolations(text: string, ctx: ModerationContext): Finding[] {
  const a = analyse(text)
  const allowed = ctx.allowedDomains.map((d) => d.toLowerCase().replace(/^\.+|\.+$/g, ''))
  const out: Finding[] = [...detectWords(a), ...detectLinks(a, allowed), ...detectDigits(a)]
  out.push(...matchIntents(a, allowed))
  // One-word answers are a seller's duty; buyers, arbiters and the system may be brief.
  if (ctx.senderRole === 'seller') out.push(...detectLowEffort(a))
  // The model reads what the precise rules let through; its findings are uncertain (verdict review).
  out.push(...classify(a, new Set<ModerationRule>(out.map((f) => f.rule))))
  return out.sort((x, y) => x.start - y.start || y.end - x.end)
}

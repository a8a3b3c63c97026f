// Runs every detector over one shared analysis of the message, and again over
// the message in the order it displays when right-to-left layout reorders it.
import { analyse } from './analysis.js'
import type { ModerationRule } from '../../../config/policy.js'
import { displayOrder } from './display-order.js'
import type { Finding, ModerationContext } from './findings.js'
import { classify } from './model/classifier.js'
import { matchIntents } from './patterns.js'
import { detectDigits } from './rules/digits.js'
import { detectLinks } from './rules/links.js'
import { detectLowEffort } from './rules/lowEffort.js'
import { detectWords } from './rules/words.js'

export function findViolations(text: string, ctx: ModerationContext): Finding[] {
  const allowed = ctx.allowedDomains.map((d) => d.toLowerCase().replace(/^\.+|\.+$/g, ''))
  const out = detect(text, ctx, allowed)
  const shown = displayOrder(text)
  if (shown) {
    for (const f of detect(shown.text, ctx, allowed)) {
      const span = shown.origin(f.start, f.end)
      // What both orders show once is reported once, as the typed order found it.
      if (!out.some((o) => o.rule === f.rule && o.start < span.end && span.start < o.end)) out.push({ ...f, ...span })
    }
  }
  return out.sort((x, y) => x.start - y.start || y.end - x.end)
}

function detect(text: string, ctx: ModerationContext, allowed: string[]): Finding[] {
  const a = analyse(text)
  const out: Finding[] = [...detectWords(a), ...detectLinks(a, allowed), ...detectDigits(a)]
  out.push(...matchIntents(a, allowed))
  // One-word answers are a seller's duty; buyers, arbiters and the system may be brief, and so may a label.
  if (ctx.senderRole === 'seller' && !ctx.label) out.push(...detectLowEffort(a))
  // The model reads what the precise rules let through; its findings are uncertain (verdict review).
  out.push(...classify(a, new Set<ModerationRule>(out.map((f) => f.rule))))
  return out
}

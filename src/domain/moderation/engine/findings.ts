// What a detector reports before the engine turns it into a public Violation.
import type { ModerationRule } from '../../../config/policy.js'

export type SenderRole = 'buyer' | 'seller' | 'arbiter' | 'system'

export interface ModerationContext {
  senderRole: SenderRole
  /** Domains links may point to: platform_domains policy plus the seller's registered official domains (lowercase, e.g. 'ozon.ru', 'samsung.com'). Subdomains of an allowed domain are allowed. */
  allowedDomains: readonly string[]
  /** A short label rather than a reply (a part's name, a tracking number): the low-effort rule does not apply. */
  label?: boolean
}

export interface Finding {
  rule: ModerationRule
  /** Range in the original text. */
  start: number
  end: number
  /** Key into hints.json; defaults to the rule name. */
  hint?: string
  /** False for weak signals: they alone give the verdict `review`. */
  certain: boolean
  /** Which detector fired, for the quality bench (e.g. 'card', 'phone', 'phishing'). */
  kind?: string
}

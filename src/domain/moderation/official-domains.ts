// Which hosts may become a seller's official domain, and which of a seller's
// domains relax moderation (docs/moderation.md, "Official domains").
import { domainToASCII } from 'node:url'
import forbidden from './engine/lexicon/forbidden-official-domains.json' with { type: 'json' }
import { isAllowedHost } from './engine/domains.js'

export interface ForbiddenHost {
  /** mail, messenger, shortener, marketplace or payment. */
  category: string
  reason: string
}

// Kept in punycode, as registered domains are.
const FORBIDDEN = new Map<string, ForbiddenHost>()
for (const [category, { reason, domains }] of Object.entries(forbidden.categories)) {
  for (const d of domains) FORBIDDEN.set(domainToASCII(d) || d, { category, reason })
}

/** Why `host` (lowercase, punycode) can never be an official domain: it is, or is under, a listed host; null otherwise. */
export function forbiddenOfficialDomain(host: string): ForbiddenHost | null {
  const labels = host.replace(/\.$/, '').split('.')
  for (let i = 0; i < labels.length - 1; i++) {
    const hit = FORBIDDEN.get(labels.slice(i).join('.'))
    if (hit) return hit
  }
  return null
}

/**
 * The domains links may point to in a seller's threads: the platform's and
 * the seller's approved ones, less any the forbidden list covers (it may have
 * grown since an arbiter approved the domain).
 */
export function relaxingDomains(platform: readonly string[], approved: readonly string[]): string[] {
  return [...platform, ...approved.filter((d) => isAllowedHost(d, platform) || forbiddenOfficialDomain(d) === null)]
}

// Sellers' official domains (manufacturer, service centre), which links in
// their threads may point to once an arbiter has approved them. Hosts that
// would carry contacts past moderation (mail, messengers, shorteners, other
// marketplaces, payment sites) are refused outright; see docs/moderation.md.
import { domainToASCII, domainToUnicode } from 'node:url'
import type { Db } from '../../db/database.js'
import type { Policy } from '../../config/policy.js'
import type { Principal } from '../../auth/principal.js'
import { requireRole } from '../../auth/require-role.js'
import { DomainError, notFound, validation } from '../../shared/errors.js'
import { moderate } from '../moderation/engine/index.js'
import { imitatesAllowed, isAllowedHost } from '../moderation/engine/domains.js'
import { forbiddenOfficialDomain } from '../moderation/official-domains.js'
import { paginate, type CursorCodec } from '../../shared/cursor.js'
import type { Clock } from '../../shared/clock.js'
import * as repo from './official-domains.repository.js'

export const OFFICIAL_DOMAINS_MAX = 20

export interface OfficialDomainsServiceDeps {
  db: Db
  policy: Policy
  clock: Clock
  cursors: CursorCodec
}

export type OfficialDomainDecision = 'approve' | 'refuse'

const DECISIONS: Record<OfficialDomainDecision, { to: 'approved' | 'refused'; from: string[] }> = {
  // An arbiter may change their mind: refused can be approved, approved refused.
  approve: { to: 'approved', from: ['pending', 'refused'] },
  refuse: { to: 'refused', from: ['pending', 'approved'] },
}

/** What the seller sees of a domain. */
export function sellerDomainView(r: repo.OfficialDomainRow) {
  return {
    domain: r.domain,
    status: r.status,
    requested_at: r.created_at.toISOString(),
    reviewed_at: r.reviewed_at?.toISOString() ?? null,
  }
}

/** What an arbiter sees. */
export function reviewView(r: repo.OfficialDomainRow) {
  return {
    id: r.id,
    seller_id: r.seller_id,
    domain: r.domain,
    // IDN domains are stored in punycode; arbiters read them as written.
    display: domainToUnicode(r.domain) || r.domain,
    status: r.status,
    requested_at: r.created_at.toISOString(),
    reviewed_at: r.reviewed_at?.toISOString() ?? null,
    reviewed_by: r.reviewed_by,
    review_comment: r.review_comment,
  }
}

const officialDomainForbidden = (domain: string, reason: string) =>
  new DomainError({
    status: 422,
    slug: 'official-domain-forbidden',
    title: 'Not an official domain',
    detail: `${domain}: ${reason}`,
    extensions: { domain },
  })

export class OfficialDomainsService {
  constructor(private readonly deps: OfficialDomainsServiceDeps) {}

  async list(principal: Principal) {
    requireRole(principal, ['seller'], 'only sellers have official domains')
    return { domains: (await repo.domainsOf(this.deps.db, principal.id)).map(sellerDomainView) }
  }

  /** Replaces the seller's set; new domains are pending until an arbiter approves them. */
  async replace(principal: Principal, domains: readonly string[]) {
    requireRole(principal, ['seller'], 'only sellers have official domains')
    const normalised = validateOfficialDomains(domains, this.deps.policy.platform_domains)
    const at = new Date(this.deps.clock.now())
    await this.deps.db.transaction().execute((tx) => repo.replaceDomains(tx, principal.id, normalised, at))
    return this.list(principal)
  }

  /** The arbiters' review list: pending by default, oldest first. */
  async listForReview(
    principal: Principal,
    query: { status?: 'pending' | 'approved' | 'refused'; seller_id?: string; limit: number; cursor?: string },
  ) {
    requireRole(principal, ['arbiter'], 'only arbiters review official domains')
    const after = query.cursor ? this.deps.cursors.openTime('official-domains', query.cursor) : undefined
    const rows = await repo.listForReview(
      this.deps.db,
      { status: query.status ?? 'pending', seller_id: query.seller_id },
      { limit: query.limit, after: after && { created_at: after.at, id: after.id } },
    )
    const { page, next_cursor } = paginate(rows, query.limit, (last) =>
      this.deps.cursors.sealTime('official-domains', last.created_at, last.id),
    )
    return { items: page.map(reviewView), next_cursor }
  }

  async decide(principal: Principal, id: string, decision: OfficialDomainDecision, comment: string | undefined) {
    requireRole(principal, ['arbiter'], 'only arbiters review official domains')
    const rule = DECISIONS[decision]
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const current = await repo.findForUpdate(tx, id)
      if (!current) throw notFound('official domain')
      if (!rule.from.includes(current.status)) {
        throw new DomainError({
          status: 409,
          slug: 'official-domain-state-conflict',
          title: 'Not allowed in the current state',
          detail: `this domain is already ${current.status}`,
          extensions: { status: current.status },
        })
      }
      // The list may have grown since the seller registered it.
      const hit = decision === 'approve' ? forbiddenOfficialDomain(current.domain) : null
      if (hit && !isAllowedHost(current.domain, this.deps.policy.platform_domains))
        throw officialDomainForbidden(current.domain, hit.reason)
      return repo.setReview(tx, id, {
        status: rule.to,
        reviewed_by: principal.id,
        reviewed_at: new Date(this.deps.clock.now()),
        review_comment: comment ?? null,
      })
    })
    return reviewView(row)
  }
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/

/**
 * Lowercase hostnames (IDN in punycode), at most OFFICIAL_DOMAINS_MAX. Refused:
 * what is not a hostname; the platform's own domains (always allowed); a host
 * on the forbidden list or under one (mail providers, messengers, link
 * shorteners, marketplaces, payment sites); any other messenger or contact
 * host moderation knows; and a host that imitates a platform domain.
 */
export function validateOfficialDomains(input: readonly string[], platformDomains: readonly string[]): string[] {
  const errors: { domain: string; reason: string }[] = []
  const out = new Set<string>()
  for (const raw of input) {
    const trimmed = raw.trim().toLowerCase().replace(/\.$/, '')
    const ascii = domainToASCII(trimmed)
    const labels = ascii.split('.')
    if (
      !ascii ||
      ascii.length > 253 ||
      labels.length < 2 ||
      !labels.every((l) => LABEL.test(l)) ||
      !TLD.test(labels.at(-1)!)
    ) {
      errors.push({ domain: raw, reason: 'not a hostname (give e.g. "service.example.com", without scheme or path)' })
      continue
    }
    const reason = refusal(ascii, platformDomains)
    if (reason) {
      errors.push({ domain: raw, reason })
      continue
    }
    out.add(ascii)
  }
  if (out.size > OFFICIAL_DOMAINS_MAX) errors.push({ domain: '*', reason: `at most ${OFFICIAL_DOMAINS_MAX} domains` })
  if (errors.length > 0) throw validation('some official domains were refused', { errors })
  return [...out]
}

function refusal(ascii: string, platformDomains: readonly string[]): string | null {
  if (isAllowedHost(ascii, platformDomains)) return 'a platform domain: links to it are always allowed'
  const forbidden = forbiddenOfficialDomain(ascii)
  if (forbidden) return forbidden.reason
  const contact = moderate(`https://${ascii}/`, { senderRole: 'seller', allowedDomains: platformDomains }).violations
  if (contact.some((v) => v.rule === 'contact_exchange'))
    return 'messenger and contact hosts cannot be official domains'
  if (imitatesAllowed(domainToUnicode(ascii) || ascii, platformDomains)) return 'imitates a platform domain'
  return null
}

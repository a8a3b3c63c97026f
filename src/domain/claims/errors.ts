// The claims domain's problems (docs/api.md lists every problem type).
import { DomainError } from '../../shared/errors.js'

export const actionNotAllowed = (action: string, state: string): DomainError =>
  new DomainError({
    status: 409,
    slug: 'action-not-allowed',
    title: 'Action not allowed in this state',
    detail: `${action} is not allowed while the claim is ${state}`,
    extensions: { action, state },
  })

export const abuseReportLimit = (max: number): DomainError =>
  new DomainError({
    status: 409,
    slug: 'abuse-report-limit',
    title: 'Abuse report limit reached',
    detail: `this claim already has the ${max} abuse reports a claim takes (policy abuse_reports_per_claim_max); the arbiters have them`,
    extensions: { max },
  })

export const claimAlreadyOpen = (): DomainError =>
  new DomainError({
    status: 409,
    slug: 'claim-already-open',
    title: 'A claim is already open for this line',
    detail: 'close or withdraw the open claim on this order line first',
  })

export const claimsRestricted = (): DomainError =>
  new DomainError({
    status: 403,
    slug: 'claims-restricted',
    title: 'Claims restricted',
    detail: 'new claims from this account are restricted pending an arbiter review',
  })

export const lineNotDelivered = (): DomainError =>
  new DomainError({
    status: 422,
    slug: 'line-not-delivered',
    title: 'Line not delivered',
    detail: 'a claim needs a delivered order line',
  })

export const claimWindowPassed = (): DomainError =>
  new DomainError({
    status: 422,
    slug: 'claim-window-passed',
    title: 'Claim window passed',
    detail: 'the claim window for this order line has passed',
  })

export const staleVersion = (expected: number, current: number): DomainError =>
  new DomainError({
    status: 409,
    slug: 'stale-version',
    title: 'Claim has changed',
    detail: `expected version ${expected}, the claim is at version ${current}; reload it and retry`,
    extensions: { current_version: current },
  })

export const keptChanging = (current: number): DomainError =>
  new DomainError({
    status: 409,
    slug: 'stale-version',
    title: 'Claim has changed',
    detail: 'the claim kept changing while this action was applied; reload it and retry',
    extensions: { current_version: current },
  })

export const offerOutOfBounds = (lineTotal: number): DomainError =>
  new DomainError({
    status: 422,
    slug: 'offer-out-of-bounds',
    title: 'Offer amount out of bounds',
    detail: `amount must be an integer from 1 to ${lineTotal - 1} (the line total is ${lineTotal}); offer a refund for the full price`,
    extensions: { field: 'amount', min: 1, max: lineTotal - 1 },
  })

export const machineVersionMismatch = (stored: number, running: number): DomainError =>
  new DomainError({
    status: 500,
    slug: 'machine-version-mismatch',
    title: 'Claim stored by another machine version',
    detail: `claim snapshot has machine version ${stored}, this build runs ${running}`,
  })

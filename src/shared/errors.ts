// Domain errors. Every failure the API reports is one of these; the HTTP error
// handler maps them to RFC 9457 problem+json with a stable `type`.

export const PROBLEM_BASE = 'https://claimdesk.dev/problems/'

export interface ProblemInit {
  status: number
  /** Stable slug, becomes `${PROBLEM_BASE}${slug}`. Integrations switch on it. */
  slug: string
  title: string
  detail?: string
  /** Extra members merged into the problem body (e.g. `violations`). */
  extensions?: Record<string, unknown>
}

export class DomainError extends Error {
  readonly status: number
  readonly slug: string
  readonly title: string
  readonly detail: string | undefined
  readonly extensions: Record<string, unknown>

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title)
    this.name = 'DomainError'
    this.status = init.status
    this.slug = init.slug
    this.title = init.title
    this.detail = init.detail
    this.extensions = init.extensions ?? {}
  }

  get type(): string {
    return PROBLEM_BASE + this.slug
  }
}

export const notFound = (what: string): DomainError =>
  new DomainError({ status: 404, slug: 'not-found', title: 'Not found', detail: `${what} was not found` })

export const validation = (detail: string, extensions?: Record<string, unknown>): DomainError =>
  new DomainError({ status: 422, slug: 'validation-failed', title: 'Validation failed', detail, extensions })

export const badRequest = (detail: string): DomainError =>
  new DomainError({ status: 400, slug: 'bad-request', title: 'Bad request', detail })

export const forbidden = (detail: string): DomainError =>
  new DomainError({ status: 403, slug: 'action-forbidden', title: 'Action not permitted', detail })

export const forbiddenRole = (detail: string): DomainError =>
  new DomainError({ status: 403, slug: 'forbidden-role', title: 'Role not permitted', detail })

export const unauthorized = (detail: string): DomainError =>
  new DomainError({ status: 401, slug: 'unauthorized', title: 'Authentication required', detail })

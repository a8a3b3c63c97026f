// RFC 9457 problems from the API as one error type the pages can show and branch on.
export interface ProblemBody {
  type?: string
  title?: string
  status?: number
  detail?: string
  [extension: string]: unknown
}

const PROBLEM_BASE = 'https://claimdesk.dev/problems/'

export class ApiProblem extends Error {
  readonly status: number
  readonly slug: string
  readonly title: string
  readonly detail: string | undefined
  readonly body: ProblemBody

  constructor(status: number, body: ProblemBody) {
    super(body.detail ?? body.title ?? `HTTP ${status}`)
    this.status = status
    this.body = body
    this.title = body.title ?? `HTTP ${status}`
    this.detail = body.detail
    this.slug = body.type?.startsWith(PROBLEM_BASE) ? body.type.slice(PROBLEM_BASE.length) : 'unknown'
  }
}

export const isProblem = (err: unknown, slug?: string): err is ApiProblem =>
  err instanceof ApiProblem && (slug === undefined || err.slug === slug)

/** A network failure or a body that is not a problem still reads as one. */
export function toProblem(status: number, error: unknown): ApiProblem {
  if (error && typeof error === 'object') return new ApiProblem(status, error as ProblemBody)
  return new ApiProblem(status, { title: status ? `HTTP ${status}` : 'Network error', detail: String(error ?? '') })
}

/**
 * openapi-fetch's result → the data, or an ApiProblem thrown for TanStack Query.
 * `T` is the response type the caller names (api/types.ts) while the contract is incomplete.
 */
export async function unwrap<T>(
  call: Promise<{ data?: unknown; error?: unknown; response: Response }>,
): Promise<T> {
  let result: Awaited<typeof call>
  try {
    result = await call
  } catch (err) {
    throw toProblem(0, { title: 'Network error', detail: err instanceof Error ? err.message : String(err) })
  }
  if (!result.response.ok) throw toProblem(result.response.status, result.error)
  return result.data as T
}

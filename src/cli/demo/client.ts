// A small HTTP client for seeding through the public API, signing its own tokens.
import { signToken, type PrincipalRole } from '../../auth/principal.js'

export type As = [PrincipalRole, string]

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly secret: string,
  ) {}

  token([role, id]: As, expiresInSeconds = 12 * 3600): string {
    return signToken(this.secret, { role, id }, expiresInSeconds)
  }

  async call(as: As, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token(as)}` }
    let payload: FormData | string | undefined
    if (body instanceof FormData) payload = body
    else if (body !== undefined) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(body)
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload })
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : undefined }
  }

  async ok(as: As, method: string, path: string, body?: unknown): Promise<any> {
    const result = await this.call(as, method, path, body)
    if (result.status >= 400) throw new Error(`${method} ${path} → ${result.status} ${JSON.stringify(result.body)}`)
    return result.body
  }

  /** An action guarded by the claim's current version, as the app sends it. */
  async act(as: As, claimId: string, body: Record<string, unknown>): Promise<any> {
    const claim = await this.ok(as, 'GET', `/v1/claims/${claimId}`)
    return this.ok(as, 'POST', `/v1/claims/${claimId}/actions`, { ...body, expected_version: claim.version })
  }
}

// One webhook POST: SSRF-checked (the literal host up front, resolved names
// through the guarded lookup), no redirects followed, a hard timeout. The
// response body is never read and no error text of the target's or the
// network's is kept: what is logged (last_error, the attempts, shown to the
// webhook's owner) is the status with its standard reason, or the error code,
// so a target cannot be made to echo an internal page into the log.
import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { checkWebhookUrl, guardedLookup, hostOf, UnsafeUrlError } from './url-safety.js'

export interface PostResult {
  ok: boolean
  statusCode: number | null
  durationMs: number
  error: string | null
  /** The target was refused as unsafe (no request was sent). */
  unsafe: boolean
}

export interface PostOptions {
  allowPrivate: boolean
  timeoutMs: number
}

/** The status with the standard reason phrase (never the target's own). */
export function statusText(code: number): string {
  const reason = http.STATUS_CODES[code]
  return reason ? `HTTP ${code} ${reason}` : `HTTP ${code}`
}

/** A network failure as its code (ECONNREFUSED, ETIMEDOUT…): its message may name an address. */
function networkError(err: NodeJS.ErrnoException): string {
  return `request failed (${err.code ?? 'network error'})`
}

export async function postWebhook(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  opts: PostOptions,
): Promise<PostResult> {
  const started = performance.now()
  const done = (r: Omit<PostResult, 'durationMs'>): PostResult => ({
    ...r,
    durationMs: Math.round(performance.now() - started),
  })
  let url: URL
  try {
    // Literal IPs and localhost are refused here; names are re-resolved by the guarded lookup at connect time.
    url = await checkLiteral(rawUrl, opts.allowPrivate)
  } catch (err) {
    if (err instanceof UnsafeUrlError)
      return done({ ok: false, statusCode: null, error: `refused: ${err.message}`, unsafe: true })
    return done({ ok: false, statusCode: null, error: (err as Error).message, unsafe: false })
  }
  const client = url.protocol === 'https:' ? https : http
  return new Promise<PostResult>((resolve) => {
    let settled = false
    const finish = (r: Omit<PostResult, 'durationMs'>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(done(r))
    }
    const req = client.request(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(opts.allowPrivate),
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (res) => {
        const code = res.statusCode ?? 0
        const ok = code >= 200 && code < 300
        finish({ ok, statusCode: code, error: ok ? null : statusText(code), unsafe: false })
        // Nothing of the body is wanted: close the connection (agent: false, so no pool to keep it for).
        res.destroy()
      },
    )
    const timer = setTimeout(() => {
      finish({ ok: false, statusCode: null, error: `timed out after ${opts.timeoutMs} ms`, unsafe: false })
      req.destroy()
    }, opts.timeoutMs)
    req.on('error', (err) => {
      if (err instanceof UnsafeUrlError)
        return finish({ ok: false, statusCode: null, error: `refused: ${err.message}`, unsafe: true })
      finish({ ok: false, statusCode: null, error: networkError(err), unsafe: false })
    })
    req.end(body)
  })
}

/** A literal address (or, when private targets are not allowed, localhost) is checked before any socket opens. */
async function checkLiteral(rawUrl: string, allowPrivate: boolean): Promise<URL> {
  const url = new URL(rawUrl)
  const host = hostOf(url)
  if (isIP(host) || host === 'localhost' || host.endsWith('.localhost'))
    return checkWebhookUrl(rawUrl, { allowPrivate })
  return url
}

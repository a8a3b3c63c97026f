// One webhook POST: SSRF-checked (the literal host up front, resolved names
// through the guarded lookup), no redirects followed, a hard timeout, and at
// most a few KB of the response read.
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

const RESPONSE_KEEP = 2048

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
        let kept = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          if (kept.length < RESPONSE_KEEP) kept += chunk.slice(0, RESPONSE_KEEP - kept.length)
        })
        res.on('end', () => {
          const ok = code >= 200 && code < 300
          finish({
            ok,
            statusCode: code,
            error: ok ? null : `HTTP ${code}${kept ? `: ${kept.slice(0, 200)}` : ''}`,
            unsafe: false,
          })
        })
        res.on('error', (err) => finish({ ok: false, statusCode: code, error: err.message, unsafe: false }))
      },
    )
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`))
    }, opts.timeoutMs)
    req.on('error', (err) => {
      const unsafe = err instanceof UnsafeUrlError
      finish({ ok: false, statusCode: null, error: unsafe ? `refused: ${err.message}` : err.message, unsafe })
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

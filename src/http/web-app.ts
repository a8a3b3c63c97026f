// The web app (web/, built by Vite into web/dist) served at `/` by the API's own Fastify.
// Hashed files under /assets/ never change, so browsers keep them for a year; index.html
// is revalidated on every load so a new build is picked up at once. Only the app's own
// client routes fall back to index.html: /v1, /docs, /metrics, /admin, /healthz and /readyz
// keep their own routes and their problem+json 404s. Every HTML page says who may frame it
// (FRAME_ANCESTORS, src/config/frame-ancestors.ts).
import { existsSync } from 'node:fs'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { framingHeaders } from '../config/frame-ancestors.js'

/** The first path segments the app's router owns (web/src/app/routes.tsx); each also takes sub-paths. */
export const CLIENT_ROUTES = ['arbiter', 'seller', 'buyer', 'signed-out', 'sign-in'] as const

const IMMUTABLE = 'public, max-age=31536000, immutable'
const REVALIDATE = 'no-cache'

export const webAppPlugin: FastifyPluginAsync<{ root: string; frameAncestors?: readonly string[] }> = async (
  app,
  opts,
) => {
  const root = path.resolve(opts.root)
  const framing = framingHeaders(opts.frameAncestors ?? [])
  if (!existsSync(path.join(root, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .code(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', REVALIDATE)
        .headers(framing)
        .send(notBuiltPage(root)),
    )
    return
  }

  await app.register(fastifyStatic, {
    root,
    // One route per file found at start-up: a build's file set is fixed, and no
    // catch-all route shadows the API's 404s.
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders(res, filePath) {
      const inAssets = path.relative(root, filePath).startsWith(`assets${path.sep}`)
      res.setHeader('cache-control', inAssets ? IMMUTABLE : REVALIDATE)
      if (filePath.endsWith('.html')) for (const [name, value] of Object.entries(framing)) res.setHeader(name, value)
    },
  })

  const sendIndex = async (_request: FastifyRequest, reply: FastifyReply) => reply.sendFile('index.html')
  for (const url of ['/', ...CLIENT_ROUTES.flatMap((segment) => [`/${segment}`, `/${segment}/*`])]) {
    app.get(url, { schema: { hide: true } }, sendIndex)
  }
}

function notBuiltPage(root: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Claimdesk: web app not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The web app is not built yet</h1>
<p>The API is running (see <a href="/docs">/docs</a>), but there is no built web app in <code>${escapeHtml(root)}</code>.</p>
<p>Build it with <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it), then reload.
For development, <code>npm run dev:web</code> serves it with live reload and the API proxied.</p>
</body></html>
`
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

// Shared by the photo HTTP tests: an app with its own storage directory,
// multipart bodies built by hand, and the "nothing was stored" probes.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import type { PolicyFile } from '../../src/config/policy.js'
import { buildTestApp, type TestApp, type TestAppOptions } from '../helpers/app.js'
import type { OrderFixture } from '../helpers/fixtures.js'

export const P = 'https://claimdesk.dev/problems/'

export interface PhotoTestApp extends TestApp {
  storageDir: string
}

/** buildTestApp with a fresh STORAGE_DIR (a tmp dir removed at teardown). */
export async function photoApp(
  t: Test,
  policy: PolicyFile = {},
  options: Omit<TestAppOptions, 'storageDir'> = {},
): Promise<PhotoTestApp> {
  const storageDir = await mkdtemp(path.join(tmpdir(), 'claimdesk-photos-'))
  t.teardown(() => rm(storageDir, { recursive: true, force: true }))
  const app = await buildTestApp(t, policy, { ...options, storageDir })
  return Object.assign(app, { storageDir })
}

export interface FilePart {
  name?: string
  filename?: string
  contentType?: string
  data: Buffer
}

/** A multipart/form-data body: text fields first, then the file parts (named "photos" unless told). */
export function multipart(
  fields: Record<string, string | number | boolean>,
  files: FilePart[] = [],
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----claimdesk${randomBytes(8).toString('hex')}`
  const chunks: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${String(value)}\r\n`),
    )
  }
  files.forEach((file, i) => {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'photos'}"; filename="${file.filename ?? `photo-${i + 1}.jpg`}"\r\n` +
          `Content-Type: ${file.contentType ?? 'image/jpeg'}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    )
  })
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

export const claimFields = (order: OrderFixture, extra: Record<string, string> = {}) => ({
  order_id: order.id,
  line_id: 'l1',
  reason: 'defect',
  description: 'The kettle leaks from the bottom seam after two uses.',
  requested_resolution: 'refund',
  ...extra,
})

/** POST /v1/claims as multipart with these photos. */
export function postClaim(
  app: TestApp,
  order: OrderFixture,
  photos: Buffer[] | FilePart[],
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  const files = photos.map((p) => (Buffer.isBuffer(p) ? { data: p } : p))
  const body = multipart(claimFields(order, extra), files)
  return app.call(['buyer', order.buyer], {
    method: 'POST',
    url: '/v1/claims',
    payload: body.payload,
    headers: { ...body.headers, ...headers },
  })
}

/** Every file under the storage directory (relative paths). */
export async function storedFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort()
}

export async function rowCounts(app: TestApp): Promise<{ claims: number; photos: number; photo_reuse: number }> {
  const one = async (table: 'claims' | 'photos' | 'photo_reuse') =>
    Number(
      (
        await app.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return { claims: await one('claims'), photos: await one('photos'), photo_reuse: await one('photo_reuse') }
}

/** The view of a 640×480 JPEG upload (the fixtures' first photo), as claim and message views list it. */
export const jpeg640View = (id: string, uploadedBy: string) => ({
  id: String,
  mime: 'image/jpeg',
  uploaded_by: uploadedBy,
  variants: {
    full: { url: `/v1/photos/${id}/full`, width: 640, height: 480, bytes: Number },
    preview: { url: `/v1/photos/${id}/preview`, width: 640, height: 480 },
    thumb: { url: `/v1/photos/${id}/thumb`, width: 256, height: 192 },
  },
})

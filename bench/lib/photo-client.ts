// The upload client of bench/photos.ts. Claims are opened the way a buyer's
// app opens them: register the order (as the marketplace), then POST
// /v1/claims as multipart with one photo.
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { signToken } from '../../src/auth/principal.js'
import { HttpClient } from './http-load.js'
import { registerBenchOrder } from './claimdesk.js'

export interface Reply {
  status: number
  body: string
  ms: number
}

/** One multipart POST, written in three pieces so the photo is never copied. */
function postMultipart(
  agent: http.Agent,
  port: number,
  token: string,
  fields: Record<string, string>,
  photo: Buffer,
  filename: string,
): Promise<Reply> {
  const boundary = `----bench${randomBytes(8).toString('hex')}`
  const head = Buffer.from(
    Object.entries(fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/claims',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + photo.length + tail.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.write(head)
    req.write(photo)
    req.end(tail)
  })
}

export interface ClientOptions {
  /** The API, e.g. http://127.0.0.1:3000. */
  baseUrl: string
  jwtSecret: string
  /** Keeps order ids apart when several clients share one database. */
  tag: string
}

/** Opens defect claims with a photo each, every one on a freshly registered order. */
export class ClaimOpener {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
  private readonly json: HttpClient
  private readonly port: number
  private readonly serviceAuth: string
  private orders = 0

  constructor(private readonly opts: ClientOptions) {
    this.json = new HttpClient(opts.baseUrl)
    this.port = Number(new URL(opts.baseUrl).port)
    this.serviceAuth = `Bearer ${signToken(opts.jwtSecret, { role: 'service', id: 'bench' })}`
  }

  async open(photo: Buffer, filename: string): Promise<Reply> {
    this.orders += 1
    const id = `bench-${this.opts.tag}-${this.orders}`
    const buyer = `buyer-${this.opts.tag}-${this.orders}`
    const deliveredAt = new Date(Date.now() - 86_400_000).toISOString()
    await registerBenchOrder(this.json, { id, buyer, seller: `shop-${this.orders % 7}`, deliveredAt }, this.serviceAuth)
    const token = signToken(this.opts.jwtSecret, { role: 'buyer', id: buyer })
    const fields = {
      order_id: id,
      line_id: 'l1',
      reason: 'defect',
      description: 'Cracked lid, see photo.',
      requested_resolution: 'refund',
    }
    return postMultipart(this.agent, this.port, token, fields, photo, filename)
  }

  /** A closed loop: `concurrency` claims in flight until `seconds` have passed; every claim must be 201. */
  async closedLoop(photo: Buffer, concurrency: number, seconds: number): Promise<LoopResult> {
    const started = performance.now()
    const deadline = started + seconds * 1000
    const latencies: number[] = []
    const loop = async (): Promise<void> => {
      while (performance.now() < deadline) {
        const r = await this.open(photo, 'photo.jpg')
        if (r.status !== 201) throw new Error(`claim: ${r.status} ${r.body}`)
        latencies.push(r.ms)
      }
    }
    await Promise.all(Array.from({ length: concurrency }, loop))
    return { latencies, elapsed: (performance.now() - started) / 1000 }
  }

  close(): void {
    this.agent.destroy()
    this.json.close()
  }
}

export interface LoopResult {
  latencies: number[]
  /** Seconds. */
  elapsed: number
}

// SSRF protection for webhook targets. A URL whose host is, or resolves to, a
// private, loopback, link-local (cloud metadata), CGNAT, multicast or
// otherwise non-public address is refused at registration, and again at every
// delivery: the delivery connects through `guardedLookup`, so the address it
// connects to is the one that was checked (no DNS-rebinding window).
// WEBHOOK_ALLOW_PRIVATE=true lifts the rule (tests, on-premise receivers).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'

const blockedV4 = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT (also Alibaba's metadata 100.100.100.200)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local: 169.254.169.254 metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blockedV4.addSubnet(net, prefix, 'ipv4')
}

// IPv6 is allow-listed: only global unicast (2000::/3) may be a target, so
// every form that embeds an IPv4 address outside it is refused whatever it
// embeds: IPv4-compatible ::a.b.c.d (::/96, with :: and ::1), IPv4-translated
// ::ffff:0:a.b.c.d (::ffff:0:0/96), NAT64 64:ff9b::/96 and 64:ff9b:1::/48,
// and with them unique local, link-local, site-local and multicast.
const globalUnicastV6 = new BlockList()
globalUnicastV6.addSubnet('2000::', 3, 'ipv6')
// Inside global unicast, the special ranges that are not a public host or that
// tunnel to an embedded IPv4 address: protocol assignments with Teredo
// (2001::/23), documentation (2001:db8::/32, 3fff::/20) and 6to4 (2002::/16).
const blockedV6 = new BlockList()
for (const [net, prefix] of [
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['3fff::', 20],
] as const) {
  blockedV6.addSubnet(net, prefix, 'ipv6')
}
// IPv4-mapped ::ffff:a.b.c.d is the IPv4 address itself on a dual-stack
// socket: it is judged by the IPv4 rules (BlockList checks a mapped address
// against its IPv4 subnets).
const mappedV6 = new BlockList()
mappedV6.addSubnet('::ffff:0:0', 96, 'ipv6')

/** True for any address a webhook must not reach. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return true
  if (family === 4) return blockedV4.check(address, 'ipv4')
  if (mappedV6.check(address, 'ipv6')) return blockedV4.check(address, 'ipv6')
  return !globalUnicastV6.check(address, 'ipv6') || blockedV6.check(address, 'ipv6')
}

export function allowPrivateFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.WEBHOOK_ALLOW_PRIVATE === 'true'
}

/** A refused target. The message names the host as given, never what a name resolved to. */
export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnsafeUrlError'
  }
}

const MAX_URL = 2048

/** Syntax only: http(s), no credentials, a host. Throws UnsafeUrlError. */
export function parseWebhookUrl(raw: string): URL {
  if (raw.length > MAX_URL) throw new UnsafeUrlError(`the URL is longer than ${MAX_URL} characters`)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UnsafeUrlError('not a valid absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UnsafeUrlError('only http and https URLs are accepted')
  if (url.username || url.password)
    throw new UnsafeUrlError('credentials in the URL are not accepted; authenticate with the signature')
  if (!url.hostname) throw new UnsafeUrlError('the URL has no host')
  return url
}

/** The host as net/dns want it: IPv6 literals without brackets. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)))
  })
}

/**
 * Checks a URL for use as a webhook target: syntax, then every address its
 * host resolves to (any forbidden one refuses it). Throws UnsafeUrlError.
 */
export async function checkWebhookUrl(
  raw: string,
  opts: { allowPrivate: boolean; resolve?: (host: string) => Promise<LookupAddress[]> },
): Promise<URL> {
  const url = parseWebhookUrl(raw)
  if (opts.allowPrivate) return url
  const host = hostOf(url)
  if (isIP(host)) {
    if (isForbiddenAddress(host))
      throw new UnsafeUrlError(`${host} is a private, loopback, link-local or reserved address`)
    return url
  }
  if (host === 'localhost' || host.endsWith('.localhost')) throw new UnsafeUrlError(`${host} is a loopback host`)
  // A name that resolves to an internal address gets the answer a name that
  // does not resolve gets: neither the address nor even that the name exists
  // inside is told to whoever registers names.
  const noPublicAddress = new UnsafeUrlError(`${host} has no public address`)
  let addresses: LookupAddress[]
  try {
    addresses = await (opts.resolve ?? resolveAll)(host)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOTFOUND' || code === 'ENODATA') throw noPublicAddress
    throw new UnsafeUrlError(`${host} could not be resolved (${code ?? 'error'}); try again later`)
  }
  if (addresses.length === 0 || addresses.some((a) => isForbiddenAddress(a.address))) throw noPublicAddress
  return url
}

/**
 * A `lookup` for http.request that refuses forbidden addresses, so the socket
 * connects only to an address that passed the check (node skips lookup for IP
 * literals: check those with checkWebhookUrl first).
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(
      hostname,
      { all: true, verbatim: true, family: options.family as number | undefined },
      (err, addresses) => {
        if (err) return callback(err, '', 0)
        if (!allowPrivate && addresses.some((a) => isForbiddenAddress(a.address)))
          return callback(new UnsafeUrlError(`${hostname} has no public address`) as NodeJS.ErrnoException, '', 0)
        if (addresses.length === 0)
          return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '', 0)
        if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
        const first = addresses[0]!
        callback(null, first.address, first.family)
      },
    )
  }
}

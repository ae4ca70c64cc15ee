/**
 * Where webhooks may be sent. A webhook URL is chosen by whoever subscribes, so without
 * checks it would let them make this server call its own admin pages, the database host
 * next door or the cloud metadata service (SSRF). Refused: loopback, private, link-local,
 * carrier-grade NAT, multicast, reserved and documentation ranges, in IPv4 and IPv6
 * — for IP literals and for every address a host name resolves to — unless
 * WEBHOOK_ALLOW_LIST names the host or covers the address.
 *
 * IPv6 addresses that carry an IPv4 address (IPv4-mapped and -compatible, SIIT, NAT64,
 * 6to4, Teredo: see embedded-ipv4.ts) are refused outright, whatever the IPv4 address.
 * Extracting it and judging it as IPv4 would be exact only for the mapped form: for the
 * translation ranges the host finally reached is decided by a gateway or relay we do not
 * see (a network-specific NAT64 prefix, a 6to4 relay), and no public receiver needs these
 * forms: it has a plain IPv4 or IPv6 address. The refusal names the embedded IPv4
 * address, and says when it is private, so the mistake is easy to see.
 *
 * The check runs when subscribing (a clear 400) and again on every connection, inside the
 * socket's DNS lookup (`guardedLookup`): the address checked is the address connected
 * to, so a name that resolves to a public address at check time and to 127.0.0.1 a
 * moment later (DNS rebinding) cannot slip through.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import net from 'node:net';
import { embeddedIpv4 } from './embedded-ipv4.js';

export type AllowEntry =
  { kind: 'host'; host: string } | { kind: 'net'; address: string; prefix: number; family: 'ipv4' | 'ipv6' };

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Host name → addresses; tests inject one (no DNS offline), production uses the system resolver. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT (and some clouds' metadata, e.g. 100.100.100.200)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, including 169.254.169.254 (cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255
];

const BLOCKED_V6: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (including fd00:ec2::254, cloud metadata)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

function blockList(): net.BlockList {
  const list = new net.BlockList();
  for (const [a, p] of BLOCKED_V4) list.addSubnet(a, p, 'ipv4');
  for (const [a, p] of BLOCKED_V6) list.addSubnet(a, p, 'ipv6');
  return list;
}

const BLOCKED = blockList();

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** `127.0.0.1, 10.1.0.0/16, hooks.internal, ::1` → entries; anything else is reported as invalid. */
export function parseAllowList(text: string): { entries: AllowEntry[]; invalid: string[] } {
  const entries: AllowEntry[] = [];
  const invalid: string[] = [];
  for (const raw of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [addr = '', bits] = raw.split('/');
    const family = net.isIP(addr);
    if (family !== 0) {
      const max = family === 4 ? 32 : 128;
      const prefix = bits === undefined ? max : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) invalid.push(raw);
      else entries.push({ kind: 'net', address: addr, prefix, family: family === 4 ? 'ipv4' : 'ipv6' });
    } else if (bits === undefined && HOST_NAME.test(raw))
      entries.push({ kind: 'host', host: raw.toLowerCase().replace(/\.$/, '') });
    else invalid.push(raw);
  }
  return { entries, invalid };
}

export class TargetRefusedError extends Error {
  override readonly name = 'TargetRefusedError';
}

/** `[::1]` → `::1`: URL keeps brackets around IPv6 literals. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

export class TargetPolicy {
  private readonly allowed = new net.BlockList();
  private readonly allowedHosts: Set<string>;

  constructor(
    allow: readonly AllowEntry[],
    readonly resolve: Resolver = systemResolver,
  ) {
    this.allowedHosts = new Set(allow.flatMap((e) => (e.kind === 'host' ? [e.host] : [])));
    for (const e of allow) if (e.kind === 'net') this.allowed.addSubnet(e.address, e.prefix, e.family);
  }

  /** Why the URL can never be a webhook target (scheme, credentials, shape), or null. */
  syntaxProblem(raw: string): string | null {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'must be an absolute https:// URL';
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https:// URL';
    if (url.username || url.password) return 'must not contain a user name or password';
    if (url.hash) return 'must not contain a #fragment';
    if (raw.length > 2000) return 'must be at most 2000 characters';
    if (url.protocol === 'http:' && !this.isAllowListed(url.hostname))
      return 'must use https:// (plain http only for hosts on WEBHOOK_ALLOW_LIST)';
    return null;
  }

  private isAllowListed(hostname: string): boolean {
    const host = bareHost(hostname).toLowerCase();
    if (this.allowedHosts.has(host)) return true;
    const family = net.isIP(host);
    return family !== 0 && this.allowed.check(host, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** Why connecting to this address (reached via `hostname`) is refused, or null. */
  addressProblem(hostname: string, address: string): string | null {
    const host = bareHost(hostname).toLowerCase();
    if (this.allowedHosts.has(host)) return null;
    const family = net.isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(address, type)) return null;
    const refuse = (what: string) =>
      host === address ? `${address} is ${what}` : `${host} resolves to ${address}, ${what}`;
    // Node's BlockList also matches IPv4-mapped addresses against the IPv4 ranges.
    if (BLOCKED.check(address, type)) return refuse('a loopback, private, link-local or reserved address');
    const embedded = type === 'ipv6' ? embeddedIpv4(address) : null;
    if (embedded) {
      const inner = !embedded.ipv4
        ? 'an IPv4 address'
        : BLOCKED.check(embedded.ipv4, 'ipv4')
          ? `${embedded.ipv4}, a loopback, private, link-local or reserved address`
          : embedded.ipv4;
      return refuse(
        `${/^[aeiouAEIOU]/.test(embedded.range) ? 'an' : 'a'} ${embedded.range} IPv6 address embedding ${inner}; IPv6 forms of IPv4 addresses are refused (use the plain address)`,
      );
    }
    return null;
  }

  /**
   * Resolves the URL's host and checks every address; returns them, or throws
   * TargetRefusedError saying why. Every address must pass: one bad A record is enough
   * for a connection to land on it.
   */
  async check(raw: string): Promise<ResolvedAddress[]> {
    const syntax = this.syntaxProblem(raw);
    if (syntax) throw new TargetRefusedError(syntax);
    return this.checkHost(new URL(raw).hostname);
  }

  /** Resolves a host name (or takes an IP literal) and checks every address. */
  async checkHost(hostname: string): Promise<ResolvedAddress[]> {
    const host = bareHost(hostname);
    const family = net.isIP(host);
    const addresses: ResolvedAddress[] =
      family !== 0 ? [{ address: host, family: family === 6 ? 6 : 4 }] : await this.lookupOrRefuse(host);
    if (addresses.length === 0) throw new TargetRefusedError(`${host} does not resolve to any address`);
    for (const a of addresses) {
      const problem = this.addressProblem(host, a.address);
      if (problem) throw new TargetRefusedError(problem);
    }
    return addresses;
  }

  private async lookupOrRefuse(host: string): Promise<ResolvedAddress[]> {
    try {
      return await this.resolve(host);
    } catch (err) {
      throw new TargetRefusedError(
        `${host} could not be resolved (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
  }

  /**
   * A `lookup` for net/tls.connect (undici's `connect.lookup`): resolves with this policy's
   * resolver, refuses the connection when any address is not allowed, and hands the
   * socket only the addresses it checked.
   */
  guardedLookup(): net.LookupFunction {
    return (hostname, options, callback) => {
      this.checkHost(hostname)
        .then((addresses) => {
          const wanted =
            options.family === 4 || options.family === 6
              ? addresses.filter((a) => a.family === options.family)
              : addresses;
          if (wanted.length === 0)
            throw new TargetRefusedError(`${hostname} has no IPv${options.family} address`);
          if (options.all) callback(null, wanted);
          else callback(null, wanted[0]!.address, wanted[0]!.family);
        })
        .catch((err: unknown) => callback(err as NodeJS.ErrnoException, '', 4));
    };
  }
}

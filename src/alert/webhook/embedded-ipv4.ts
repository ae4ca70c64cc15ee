/**
 * IPv6 addresses that stand for an IPv4 address. A connection to one of them ends up at
 * an IPv4 host — directly (IPv4-mapped on a dual-stack socket, IPv4-compatible on some
 * stacks) or through a translator or relay (SIIT, NAT64, 6to4, Teredo) — so
 * `[::7f00:1]` could reach 127.0.0.1 although no IPv6 range of the block list covers it.
 */
import net from 'node:net';

export interface EmbeddedIpv4 {
  /** `IPv4-mapped`, `NAT64`, `6to4`, …: how the address carries its IPv4 address. */
  range: string;
  /** The dotted IPv4 address carried, or null where its position is not fixed (local-use NAT64). */
  ipv4: string | null;
}

/** The 16 bytes of an IPv6 address (any textual form, zone id ignored), or null. */
export function ipv6Bytes(address: string): Uint8Array | null {
  let text = address.split('%')[0] ?? '';
  if (!net.isIPv6(text)) return null;
  const dotted = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return null;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  });
  return bytes;
}

const dottedAt = (b: Uint8Array, at: number, xor = 0): string =>
  Array.from(b.subarray(at, at + 4), (x) => String(x ^ xor)).join('.');

const zero = (b: Uint8Array, from: number, to: number): boolean => b.subarray(from, to).every((x) => x === 0);

/** How an IPv6 address embeds an IPv4 address, or null when it does not. */
export function embeddedIpv4(address: string): EmbeddedIpv4 | null {
  const b = ipv6Bytes(address);
  if (!b) return null;
  // ::/96, IPv4-compatible (RFC 4291 §2.5.5.1, deprecated). `::` and `::1` are not IPv4 addresses.
  if (zero(b, 0, 12) && !(zero(b, 12, 15) && b[15]! <= 1))
    return { range: 'IPv4-compatible', ipv4: dottedAt(b, 12) };
  // ::ffff:0:0/96, IPv4-mapped (RFC 4291 §2.5.5.2).
  if (zero(b, 0, 10) && b[10] === 0xff && b[11] === 0xff)
    return { range: 'IPv4-mapped', ipv4: dottedAt(b, 12) };
  // ::ffff:0:0:0/96, IPv4-translated (SIIT, RFC 2765).
  if (zero(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && zero(b, 10, 12))
    return { range: 'IPv4-translated (SIIT)', ipv4: dottedAt(b, 12) };
  // 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052).
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    if (zero(b, 4, 12)) return { range: 'NAT64', ipv4: dottedAt(b, 12) };
    // 64:ff9b:1::/48, local-use NAT64 (RFC 8215): the IPv4 address's place depends on the prefix length.
    if (b[4] === 0x00 && b[5] === 0x01) return { range: 'local-use NAT64', ipv4: null };
  }
  // 2002::/16, 6to4 (RFC 3056): the relay's IPv4 address follows the prefix.
  if (b[0] === 0x20 && b[1] === 0x02) return { range: '6to4', ipv4: dottedAt(b, 2) };
  // 2001::/32, Teredo (RFC 4380): the client's IPv4 address, inverted, in the last 32 bits.
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x00 && b[3] === 0x00)
    return { range: 'Teredo', ipv4: dottedAt(b, 12, 0xff) };
  return null;
}

/**
 * Secrets in links and keys. Links (confirm, unsubscribe, manage) are signed with
 * ALERT_SECRET rather than stored: nothing to look up, nothing to leak from the database,
 * and an unsubscribe link keeps working for as long as the subscription exists. Random
 * tokens (feed URLs, API keys) are stored only as sha256 hashes.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type LinkPurpose = 'confirm' | 'unsubscribe' | 'manage';

interface LinkPayload {
  /** purpose */
  p: LinkPurpose;
  /** subject: a subscription id, or an e-mail address for 'manage' */
  s: string;
  /** expiry, unix seconds; absent = does not expire */
  e?: number;
}

export class LinkSigner {
  constructor(private readonly secret: string) {}

  sign(purpose: LinkPurpose, subject: string, expiresAt?: Date): string {
    const payload: LinkPayload = {
      p: purpose,
      s: subject,
      ...(expiresAt ? { e: Math.floor(expiresAt.getTime() / 1000) } : {}),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The subject when the token is genuine, for this purpose and unexpired; otherwise null. */
  verify(purpose: LinkPurpose, token: string, now: Date = new Date()): string | null {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined || body.length > 2000) return null;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let payload: LinkPayload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LinkPayload;
    } catch {
      return null;
    }
    if (payload.p !== purpose || typeof payload.s !== 'string') return null;
    if (payload.e !== undefined && payload.e * 1000 < now.getTime()) return null;
    return payload.s;
  }

  /** A per-subscription key derived from ALERT_SECRET (webhook signatures); the nonce rotates it. */
  derive(label: string, id: string, nonce: string): string {
    return createHmac('sha256', this.secret).update(`${label}\u0000${id}\u0000${nonce}`).digest('hex');
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(`link\u0000${body}`).digest('base64url');
  }
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** Ids are random, not serial: they appear in URLs and must not reveal how many others exist. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString('base64url')}`;
}

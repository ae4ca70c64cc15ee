/** The URLs alerts hand out: signed confirm, unsubscribe and manage links, and feed URLs. */
import { LinkSigner } from './tokens.js';

/** Routes of src/web/alerts (kept here so messages and routes cannot disagree). */
export const ALERT_PATHS = {
  confirm: '/alerts/confirm',
  unsubscribe: '/alerts/unsubscribe',
  manage: '/alerts/manage',
  feed: '/alerts/feed',
} as const;

const MANAGE_LINK_HOURS = 24;
/** Manage links inside alert e-mails: long enough to be useful from an old alert. */
const MANAGE_LINK_IN_ALERT_DAYS = 30;

export class AlertLinks {
  constructor(
    readonly baseUrl: string,
    readonly signer: LinkSigner,
    private readonly confirmHours: number,
  ) {}

  confirm(subscriptionId: string, now = new Date()): string {
    const token = this.signer.sign(
      'confirm',
      subscriptionId,
      new Date(now.getTime() + this.confirmHours * 3_600_000),
    );
    return `${this.baseUrl}${ALERT_PATHS.confirm}?token=${encodeURIComponent(token)}`;
  }

  /** Does not expire: an unsubscribe link must work from any old e-mail. */
  unsubscribe(subscriptionId: string): string {
    return `${this.baseUrl}${ALERT_PATHS.unsubscribe}?token=${encodeURIComponent(this.signer.sign('unsubscribe', subscriptionId))}`;
  }

  manage(email: string, now = new Date(), fromAlert = false): string {
    const ms = fromAlert ? MANAGE_LINK_IN_ALERT_DAYS * 86_400_000 : MANAGE_LINK_HOURS * 3_600_000;
    const token = this.signer.sign('manage', email, new Date(now.getTime() + ms));
    return `${this.baseUrl}${ALERT_PATHS.manage}?token=${encodeURIComponent(token)}`;
  }

  /** The speech on this site (it redirects to its place in its debate, following revisions). */
  speech(gid: string): string {
    return `${this.baseUrl}/speeches/${encodeURI(gid)}`;
  }

  feed(token: string): string {
    return `${this.baseUrl}${ALERT_PATHS.feed}/${encodeURIComponent(token)}`;
  }

  get confirmHoursValid(): number {
    return this.confirmHours;
  }
}

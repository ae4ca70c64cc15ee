/**
 * The next e-mail a subscription would bring, rendered from stored speeches and sent to
 * nobody (issue #20): `hansard-watch alerts preview <id> [--date …]` and the preview page
 * under the manage link. An e-mail subscription is previewed with the other active
 * alerts of its address, as the roll-up would gather them; the day is `date` or the
 * latest sitting stored. Nothing is logged: the same day previews the same mail again.
 */
import type { AlertMatcher } from './alert-matcher.js';
import type { AlertLinks } from './links.js';
import type { RenderedEmail } from './render/email.js';
import { renderRollupEmail, type RollupSection } from './render/rollup-email.js';
import type { MailShape } from './settings.js';
import type { AlertSpeechSource } from './speech-source.js';
import type { SubscriptionRepository } from './subscription-repository.js';
import { emailOf, type Subscription } from './types.js';

export interface Preview {
  /** The sitting day previewed (null: nothing stored). */
  date: string | null;
  /** Matches in the mail (a speech several alerts match counts once per alert). */
  matches: number;
  /** null when nothing matched: no mail would go. */
  mail: RenderedEmail | null;
}

export interface PreviewDeps {
  matcher: Pick<AlertMatcher, 'preview'>;
  speeches: Pick<AlertSpeechSource, 'gidsOn'>;
  subscriptions: Pick<SubscriptionRepository, 'byEmail'>;
  links: AlertLinks;
  shape: MailShape;
}

export async function previewMail(
  deps: PreviewDeps,
  sub: Subscription,
  date: string | null,
  now = new Date(),
): Promise<Preview> {
  const day = await deps.speeches.gidsOn(date);
  const email = emailOf(sub);
  const others = email
    ? (await deps.subscriptions.byEmail(email)).filter(
        (s) => s.id !== sub.id && s.status === 'active' && s.frequency === sub.frequency,
      )
    : [];
  const sections: RollupSection[] = [];
  for (const s of [sub, ...others]) {
    const items = await deps.matcher.preview(s.criteria, day.gids);
    if (items.length > 0) sections.push({ subscription: s, items });
  }
  const matches = sections.reduce((n, s) => n + s.items.length, 0);
  if (sections.length === 0) return { date: day.date, matches: 0, mail: null };
  const kind = sub.frequency === 'immediate' ? 'alert' : sub.frequency;
  const mail = renderRollupEmail(email ?? '(no address)', sections, deps.links, now, {
    kind,
    maxSpeeches: deps.shape.maxSpeeches,
    lastOfDay: null,
  });
  return { date: day.date, matches, mail };
}

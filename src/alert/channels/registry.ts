/**
 * The alert channels. Adding one: a file in this folder implementing AlertChannel, a line
 * here, and a test (tests/alert/channels.test.ts shows a channel delivering through the
 * dispatcher). Its settings go in `channel_settings`; no migration is needed.
 */
import type { FieldIssue } from '../../input/field-issues.js';
import type { Subscription } from '../types.js';
import type { AlertChannel, ChannelRequest, ChannelServices, ChannelSettings } from './channel.js';
import { emailChannel } from './email.js';
import { feedChannel } from './feed.js';
import { webhookChannel } from './webhook.js';

const BUILT_IN = {
  email: emailChannel,
  webhook: webhookChannel,
  feed: feedChannel,
} as const satisfies Record<string, AlertChannel>;

/** A built-in channel's name. */
export type Channel = keyof typeof BUILT_IN;
/** The built-in channels' names, in the order the API documents them. */
export const CHANNELS = Object.keys(BUILT_IN) as [Channel, ...Channel[]];

/** Where a subscription's messages go, for people; null for a feed or a channel this build does not know. */
export function channelTarget(channel: string, settings: ChannelSettings): string | null {
  return (BUILT_IN as Record<string, AlertChannel>)[channel]?.target(settings) ?? null;
}

/** The channels of one `Alerts`, bound to the services they check and send with. */
export class ChannelRegistry {
  private readonly byName = new Map<string, AlertChannel>();

  /** `extra`: channels beside the built-in ones (tests, a deployment's own). */
  constructor(
    readonly services: ChannelServices,
    extra: readonly AlertChannel[] = [],
  ) {
    for (const channel of [...Object.values(BUILT_IN), ...extra]) {
      if (this.byName.has(channel.name))
        throw new Error(`alert channel "${channel.name}" is registered twice`);
      this.byName.set(channel.name, channel);
    }
  }

  get(name: string): AlertChannel | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  settings(channel: AlertChannel, request: ChannelRequest, issues: FieldIssue[]): Promise<ChannelSettings> {
    return channel.settings(request, this.services, issues);
  }

  /** The secret shown once on creating the subscription, if its channel has one. */
  secret(subscription: Subscription): string | null {
    return this.get(subscription.channel)?.secret?.(subscription, this.services) ?? null;
  }
}

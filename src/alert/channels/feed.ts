/**
 * The feed channel: nothing is pushed. Matches wait in the delivery log and are read from
 * the subscription's Atom feed (GET /alerts/feed/:token, render/atom.ts), whose address
 * every subscription gets once active. Needs an API key (or the operator).
 */
import { NothingToSend, type AlertChannel } from './channel.js';

export const feedChannel: AlertChannel = {
  name: 'feed',
  access: 'api-key',
  settings: async () => ({}),
  target: () => null,
  deliver: async () => {
    throw new NothingToSend('nothing to send on channel feed');
  },
};

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';

const log = pino({ level: 'silent' });

interface Events {
  ping: { n: number };
}

describe('EventBus', () => {
  it('runs subscribers one after another in subscription order, each awaited', async () => {
    const bus = new EventBus<Events>();
    const seen: string[] = [];
    bus.on('ping', 'slow first', async (e) => {
      await new Promise((r) => setTimeout(r, 20));
      seen.push(`first ${e.n}`);
    });
    bus.on('ping', 'second', async (e) => void seen.push(`second ${e.n}`));
    await bus.publish('ping', { n: 1 }, { log });
    expect(seen).toEqual(['first 1', 'second 1']);
    expect(bus.names('ping')).toEqual(['slow first', 'second']);
  });

  it('fails the publish when a subscriber throws, and skips the ones after it', async () => {
    const bus = new EventBus<Events>();
    const seen: string[] = [];
    bus.on('ping', 'fails', async () => {
      throw new Error('store down');
    });
    bus.on('ping', 'after', async () => void seen.push('after'));
    await expect(bus.publish('ping', { n: 1 }, { log })).rejects.toThrow('store down');
    expect(seen).toEqual([]);
  });

  it('refuses a second subscriber of one name, and unsubscribes', async () => {
    const bus = new EventBus<Events>();
    const seen: number[] = [];
    const off = bus.on('ping', 'a', async (e) => void seen.push(e.n));
    expect(() => bus.on('ping', 'a', async () => undefined)).toThrow(/already registered/);
    await bus.publish('ping', { n: 1 }, { log });
    off();
    await bus.publish('ping', { n: 2 }, { log });
    expect(seen).toEqual([1]);
    expect(bus.names('ping')).toEqual([]);
  });
});

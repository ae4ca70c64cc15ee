/**
 * A small in-process event bus. The composition root (src/app) subscribes the features;
 * publishers (ingest, the pipeline's stages) know only the event names and payloads in
 * src/events, never who listens.
 *
 * Publishing awaits every subscriber of the event, one after another in subscription
 * order, so the root's order is a guarantee (tagging before alerts; search indexing
 * before tagging, except in a batch on a server, where the root runs the two at once:
 * src/app/subscriptions.ts). A subscriber that throws stops the rest and fails the publish, which is
 * how a queue job gets retried; subscribers must therefore be idempotent.
 */
import type { Logger } from '../log.js';

export interface EventContext {
  log: Logger;
  /** Aborted when the process is shutting down (queue jobs); never aborted otherwise. */
  signal?: AbortSignal | undefined;
}

export type EventHandler<E> = (event: E, ctx: EventContext) => Promise<void>;

export class EventBus<M extends object> {
  private readonly subscribers = new Map<keyof M, { name: string; handler: EventHandler<never> }[]>();

  /** Subscribes `handler` under a name unique per event; returns a function that unsubscribes. */
  on<K extends keyof M>(type: K, name: string, handler: EventHandler<M[K]>): () => void {
    const list = this.subscribers.get(type) ?? [];
    if (list.some((h) => h.name === name))
      throw new Error(`"${String(type)}" subscriber "${name}" is already registered`);
    const entry = { name, handler: handler as EventHandler<never> };
    list.push(entry);
    this.subscribers.set(type, list);
    return () => {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Subscriber names of `type`, in the order they run. */
  names(type: keyof M): string[] {
    return (this.subscribers.get(type) ?? []).map((h) => h.name);
  }

  async publish<K extends keyof M>(type: K, event: M[K], ctx: EventContext): Promise<void> {
    for (const { name, handler } of [...(this.subscribers.get(type) ?? [])]) {
      const started = performance.now();
      await (handler as EventHandler<M[K]>)(event, { ...ctx, log: ctx.log.child({ subscriber: name }) });
      ctx.log.debug(
        { event: String(type), subscriber: name, ms: Math.round(performance.now() - started) },
        'subscriber done',
      );
    }
  }
}

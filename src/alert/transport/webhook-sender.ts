/**
 * Webhook delivery over undici. Connections go through the target policy's guarded DNS
 * lookup, so the address checked is the address used; IP literals (which skip DNS) are
 * checked before the request. Redirects are not followed: a 3xx to an internal address
 * would be a way round the policy.
 */
import { Agent, request } from 'undici';
import { TargetRefusedError, type TargetPolicy } from '../webhook/target-policy.js';

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export class WebhookError extends Error {
  override readonly name = 'WebhookError';
}

export interface WebhookSenderOptions {
  timeoutMs?: number;
  userAgent?: string;
}

export class WebhookSender {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(
    private readonly policy: TargetPolicy,
    options: WebhookSenderOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.userAgent = options.userAgent ?? 'hansard-watch-webhooks/1';
    this.agent = new Agent({
      connect: { lookup: policy.guardedLookup(), timeout: this.timeoutMs },
      keepAliveTimeout: 10_000,
      // A receiver must not be able to make us hold a socket open for long.
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** Resolves on a 2xx answer; throws WebhookError (or TargetRefusedError) otherwise. */
  async send(req: WebhookRequest): Promise<void> {
    await this.policy.check(req.url);
    let res;
    try {
      res = await request(req.url, {
        method: 'POST',
        dispatcher: this.agent,
        body: req.body,
        headers: { 'content-type': 'application/json', 'user-agent': this.userAgent, ...req.headers },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      if (err instanceof TargetRefusedError) throw err;
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof TargetRefusedError) throw cause;
      throw new WebhookError(`could not reach ${new URL(req.url).host}: ${(err as Error).message}`);
    }
    // Only the status matters; the body is read (up to a point) and dropped so the socket can be reused.
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    if (res.statusCode < 200 || res.statusCode >= 300)
      throw new WebhookError(`${new URL(req.url).host} answered ${res.statusCode}`);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

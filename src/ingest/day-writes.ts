/**
 * Orders a batch's writes: up to `connections` files are written at once, each on its own
 * connection, while the versions of one day wait for each other so that they land in the
 * order they were queued (newest first, see newestFirst). A fixed lane per day left
 * connections idle whenever the files ready to write happened to share a lane.
 */
export class DayWrites {
  private readonly days = new Map<string, Promise<void>>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly connections: number) {}

  /** Runs `write` once `ready` settles and the day's earlier writes are done, when a connection is free. */
  queue<T>(
    day: string,
    ready: Promise<T>,
    write: (value: T) => Promise<void>,
    fail: (err: unknown) => Promise<void>,
  ) {
    const job = (this.days.get(day) ?? Promise.resolve()).then(async () => {
      let value: T;
      try {
        value = await ready;
      } catch (err) {
        return fail(err);
      }
      await this.withConnection(() => write(value));
    });
    this.days.set(day, job);
    void job.finally(() => {
      if (this.days.get(day) === job) this.days.delete(day);
    });
    return job;
  }

  private async withConnection(fn: () => Promise<void>): Promise<void> {
    if (this.active < this.connections) this.active++;
    // A finishing write hands its connection straight over, so none is taken twice.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

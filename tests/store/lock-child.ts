/** Child for store-lock.test.ts: tries the lock once, says whether it won, holds it long enough for every sibling to have tried. */
import { acquireStoreLock, StoreLockedError } from '../../src/store/store-lock.js';

const file = process.argv[2]!;
try {
  const lock = acquireStoreLock(file);
  process.stdout.write(`won ${lock.tookOverFrom?.pid ?? ''}\n`);
  await new Promise((resolve) => setTimeout(resolve, 6000));
  lock.release();
} catch (err) {
  if (!(err instanceof StoreLockedError)) throw err;
  process.stdout.write(`lost ${err.holder.pid}\n`);
}

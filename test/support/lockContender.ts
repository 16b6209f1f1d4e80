import { promises as fs } from 'node:fs';
import { withFileLock } from '../../src/store/fileLock';

export interface ContenderOrders {
  /** When the first round starts, in ms since the epoch; round n starts n × roundMs later. */
  startAt: number;
  roundMs: number;
  /** One file per round. */
  files: string[];
}

/**
 * A separate process contending for the store's lock (forked by test/unit/fileLock.test.ts): it
 * says it is ready, gets its orders, then for each file, at the same moment as its rivals, takes
 * the lock and logs entering and leaving to `<file>.holders`, so two holders at once show as two
 * entries in a row.
 */
async function contend({ startAt, roundMs, files }: ContenderOrders): Promise<void> {
  for (const [round, file] of files.entries()) {
    const at = startAt + round * roundMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
    await withFileLock(file, async () => {
      await fs.appendFile(`${file}.holders`, `enter ${process.pid}\n`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await fs.appendFile(`${file}.holders`, `leave ${process.pid}\n`);
    });
  }
}

process.once('message', (orders: ContenderOrders) => {
  contend(orders).then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
      process.exit(1);
    },
  );
});
process.send?.('ready');

import pg from 'pg';

/**
 * Requests that arrive while `maxInFlight` round trips of the same kind are under way wait and go
 * together in the next one (issue 6: under load, each round trip costs a system call on both sides
 * of the socket, and a hundred intakes checking their sessions at once need not be a hundred
 * queries). When the database is idle a request goes at once: no timer, no added latency.
 *
 * `run` gets the waiting items in arrival order and answers with one result per item, in the same
 * order. Should it fail, every item of that batch fails with its error — unless `retryAlone` says
 * of the error that nothing was done (the database refused the statement): then each item of a
 * batch of several is run alone, so one item's error stays its own and the others succeed. The
 * next batch is tried afresh.
 */
export function createBatcher<T, R>(
  run: (items: readonly T[]) => Promise<readonly R[]>,
  opts: { maxInFlight?: number; maxBatch?: number; retryAlone?: (err: unknown) => boolean } = {},
) {
  const maxInFlight = opts.maxInFlight ?? 2;
  const maxBatch = opts.maxBatch ?? 500;
  const retryAlone = opts.retryAlone;
  const attempt = (items: readonly T[]): Promise<readonly (R | Failed)[]> => run(items).catch((err: unknown) => {
    if (items.length === 1 || !retryAlone?.(err)) throw err;
    return Promise.all(items.map((x) => run([x]).then((r) => r[0]!, (e: unknown) => new Failed(e))));
  });
  const queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < maxInFlight && queue.length) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      let done: Promise<readonly (R | Failed)[]>;
      try {
        done = attempt(batch.map((b) => b.item));
      } catch (err) {
        done = Promise.reject(err);
      }
      // The next batch leaves before this one's callers resume.
      done.then((results) => {
        inFlight--;
        pump();
        if (results.length !== batch.length) {
          const err = new Error(`batch answered ${results.length} results for ${batch.length} items`);
          batch.forEach((b) => b.reject(err));
        } else {
          batch.forEach((b, i) => {
            const r = results[i]!;
            if (r instanceof Failed) b.reject(r.error);
            else b.resolve(r);
          });
        }
      }, (err: unknown) => {
        inFlight--;
        pump();
        batch.forEach((b) => b.reject(err));
      });
    }
  }

  return (item: T): Promise<R> => new Promise<R>((resolve, reject) => {
    queue.push({ item, resolve, reject });
    pump();
  });
}

/** An item's own failure when its batch was retried item by item. */
class Failed {
  constructor(readonly error: unknown) {}
}

/**
 * The database refused the statement (an error it answered: the statement did nothing, its
 * transaction rolled back) — as opposed to a lost connection, after which a commit may have
 * happened and trying again could do the work twice.
 */
export function isDatabaseRefusal(err: unknown): boolean {
  return err instanceof pg.DatabaseError;
}

import { describe, expect, it } from 'vitest';
import { createBatcher } from './batch.js';

/** A run whose calls the test finishes by hand, to see what waits and what goes together. */
function manualRun() {
  const calls: { items: readonly number[]; finish: (fail?: Error) => void }[] = [];
  const run = (items: readonly number[]) => new Promise<readonly string[]>((resolve, reject) => {
    calls.push({ items, finish: (fail) => (fail ? reject(fail) : resolve(items.map((i) => `r${i}`))) });
  });
  return { calls, run };
}

describe('createBatcher', () => {
  it('sends at once while fewer than maxInFlight runs are under way, then gathers the waiting items into the next run', async () => {
    const { calls, run } = manualRun();
    const take = createBatcher(run, { maxInFlight: 2 });
    const answers = [1, 2, 3, 4, 5].map((i) => take(i));
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
    calls[0]!.finish();
    await expect(answers[0]).resolves.toBe('r1');
    // 3, 4 and 5 waited together; each gets its own result.
    expect(calls.map((c) => c.items)).toEqual([[1], [2], [3, 4, 5]]);
    calls[2]!.finish();
    calls[1]!.finish();
    expect(await Promise.all(answers)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('fails every item of a failed run with its error, and tries the next run afresh', async () => {
    const { calls, run } = manualRun();
    const take = createBatcher(run, { maxInFlight: 1 });
    const first = take(1);
    const [a, b] = [take(2), take(3)];
    calls[0]!.finish();
    await first;
    calls[1]!.finish(new Error('database gone'));
    await expect(a).rejects.toThrow('database gone');
    await expect(b).rejects.toThrow('database gone');
    const later = take(4);
    expect(calls[2]!.items).toEqual([4]);
    calls[2]!.finish();
    await expect(later).resolves.toBe('r4');
  });

  it('keeps a batch within maxBatch items and refuses a run that answers the wrong number of results', async () => {
    const sizes: number[] = [];
    const take = createBatcher(async (items: readonly number[]) => { sizes.push(items.length); await new Promise((r) => setTimeout(r, 5)); return items; }, { maxInFlight: 1, maxBatch: 3 });
    expect(await Promise.all(Array.from({ length: 8 }, (_, i) => take(i)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sizes).toEqual([1, 3, 3, 1]);
    const short = createBatcher(async (items: readonly number[]) => items.slice(1));
    await expect(short(1)).rejects.toThrow('batch answered 0 results for 1 items');
  });

  it('runs each item of a refused batch alone when retryAlone says nothing was done, so one item’s error stays its own', async () => {
    const runs: (readonly number[])[] = [];
    class Refused extends Error {}
    const take = createBatcher(async (items: readonly number[]) => {
      runs.push(items);
      await new Promise((r) => setTimeout(r, 2));
      if (items.includes(3)) throw new Refused(`refused ${items.join(',')}`);
      return items.map((i) => i * 10);
    }, { maxInFlight: 1, retryAlone: (err) => err instanceof Refused });
    const answers = [1, 2, 3, 4].map((i) => take(i).then((r) => ({ r }), (e: unknown) => ({ e: (e as Error).message })));
    expect(await Promise.all(answers)).toEqual([{ r: 10 }, { r: 20 }, { e: 'refused 3' }, { r: 40 }]);
    // 1 alone, then 2–4 together (refused), then each of 2, 3, 4 alone.
    expect(runs).toEqual([[1], [2, 3, 4], [2], [3], [4]]);

    // Another failure (a lost connection: the work may have been done) fails the batch as it is.
    const lost: (readonly number[])[] = [];
    const other = createBatcher(async (items: readonly number[]) => {
      lost.push(items);
      await new Promise((r) => setTimeout(r, 2));
      if (items.length > 1) throw new Error('connection lost');
      return items;
    }, { maxInFlight: 1, retryAlone: (err) => err instanceof Refused });
    const got = await Promise.all([1, 2, 3].map((i) => other(i).then(String, (e: unknown) => (e as Error).message)));
    expect(got).toEqual(['1', 'connection lost', 'connection lost']);
    expect(lost).toEqual([[1], [2, 3]]);
  });
});

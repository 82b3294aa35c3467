/**
 * Micro-batching for the analysis worker: jobs running at the same moment (BullMQ concurrency) hand their
 * item to a batcher, which runs them together after `maxWaitMs` or once `maxSize` are waiting, so that one
 * SELECT and one INSERT serve many jobs. Each job still succeeds or fails on its own: `run` returns one
 * result or Error per item.
 */
export interface BatcherOptions {
  /** Flush once this many items wait (default 64). */
  maxSize?: number;
  /** Longest wait of the first item of a batch (default 2 ms). */
  maxWaitMs?: number;
}

export interface Batcher<T, R> {
  add(item: T): Promise<R>;
  /** Items waiting for the next flush. */
  pending(): number;
}

export function createBatcher<T, R>(
  run: (items: T[]) => Promise<(R | Error)[]>,
  { maxSize = 64, maxWaitMs = 2 }: BatcherOptions = {},
): Batcher<T, R> {
  let waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return;
    run(batch.map((b) => b.item)).then(
      (results) => {
        batch.forEach((b, i) => {
          const result = results[i];
          if (result instanceof Error) b.reject(result);
          else if (result === undefined) b.reject(new Error("The batch returned no result for this item"));
          else b.resolve(result);
        });
      },
      (error: unknown) => {
        for (const b of batch) b.reject(error);
      },
    );
  }

  return {
    add(item: T): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (waiting.length >= maxSize) flush();
        else timer ??= setTimeout(flush, maxWaitMs);
      });
    },
    pending: () => waiting.length,
  };
}

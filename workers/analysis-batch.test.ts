import { describe, expect, it } from "vitest";
import { createBatcher } from "./analysis-batch.ts";

describe("createBatcher", () => {
  it("runs items added together as one batch and gives each its own result or error", async () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number, string>(
      async (items) => {
        batches.push(items);
        return items.map((n) => (n < 0 ? new Error(`negative ${n}`) : `#${n}`));
      },
      { maxSize: 10, maxWaitMs: 5 },
    );
    const results = await Promise.allSettled([1, 2, -3, 4].map((n) => batcher.add(n)));
    expect(batches).toEqual([[1, 2, -3, 4]]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([
      "#1",
      "#2",
      "negative -3",
      "#4",
    ]);
  });

  it("flushes at maxSize without waiting, and fails every item of a batch that throws", async () => {
    const sizes: number[] = [];
    const batcher = createBatcher<number, number>(
      async (items) => {
        sizes.push(items.length);
        if (items.includes(99)) throw new Error("database down");
        return items;
      },
      { maxSize: 3, maxWaitMs: 1_000 },
    );
    const started = Date.now();
    await Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    expect(Date.now() - started).toBeLessThan(500);
    const failed = await Promise.allSettled([7, 99, 8].map((n) => batcher.add(n)));
    expect(failed.every((r) => r.status === "rejected")).toBe(true);
    expect(sizes).toEqual([3, 3]);
    expect(batcher.pending()).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { gramMatrix, type SparseVector } from "./linear.ts";
import {
  buildNeighbourIndex,
  leaveOneOutNeighbourScores,
  neighbourScore,
  standardDeviation,
} from "./neighbours.ts";

const vector = (pairs: [number, number][]): SparseVector => ({
  indices: Int32Array.from(pairs.map(([i]) => i)),
  values: Float64Array.from(pairs.map(([, v]) => v)),
});

describe("the off-topic neighbour score", () => {
  it("is the mean of the k nearest off-topic similarities minus that of the k nearest on-topic ones", () => {
    const off = Uint8Array.from([1, 1, 0, 0, 0]);
    expect(neighbourScore([0.9, 0.1, 0.5, 0.3, 0.2], off, 2)).toBeCloseTo((0.9 + 0.1) / 2 - (0.5 + 0.3) / 2);
    expect(neighbourScore([0.9, 0.1, 0.5, 0.3, 0.2], off, 1)).toBeCloseTo(0.9 - 0.5);
  });

  it("skips the text itself and copes with a side having fewer than k texts", () => {
    const off = Uint8Array.from([1, 0, 0]);
    expect(neighbourScore([-Infinity, 0.4, 0.2], off, 3)).toBeCloseTo(0 - 0.3);
    expect(neighbourScore([0.6, 0.4, 0.2], off, 3)).toBeCloseTo(0.6 - 0.3);
  });

  it("gives each text's dot product with every training text from the index", () => {
    const xs = [
      vector([[0, 1]]),
      vector([
        [1, 0.6],
        [2, 0.8],
      ]),
      vector([
        [0, 0.6],
        [2, 0.8],
      ]),
    ];
    const index = buildNeighbourIndex(xs, 3, [false, true, false]);
    const x = vector([
      [0, 0.6],
      [2, 0.8],
    ]);
    const sims = new Float64Array(3);
    for (let k = 0; k < x.indices.length; k++) {
      const j = x.indices[k];
      for (let e = index.start[j]; e < index.start[j + 1]; e++)
        sims[index.doc[e]] += x.values[k] * index.value[e];
    }
    expect(Array.from(sims).map((s) => Math.round(s * 1000) / 1000)).toEqual([0.6, 0.64, 1]);
    expect(Array.from(index.offTopic)).toEqual([0, 1, 0]);
  });

  it("scores training texts by leave-one-out from their Gram matrix", () => {
    // Two clusters: the off-topic pair near each other, the on-topic pair near each other.
    const xs = [
      vector([[0, 1]]),
      vector([
        [0, 0.8],
        [1, 0.6],
      ]),
      vector([[2, 1]]),
      vector([
        [2, 0.8],
        [3, 0.6],
      ]),
    ];
    const off = Uint8Array.from([1, 1, 0, 0]);
    const loo = leaveOneOutNeighbourScores(gramMatrix(xs, 4), 4, off, 1, 1);
    expect(loo[0]).toBeCloseTo(0.8);
    expect(loo[1]).toBeCloseTo(0.8);
    expect(loo[2]).toBeCloseTo(-0.8);
    expect(loo[3]).toBeCloseTo(-0.8);
  });

  it("measures spread as the standard deviation", () => {
    expect(standardDeviation([1, 3])).toBeCloseTo(1);
    expect(standardDeviation([2])).toBe(0);
  });
});

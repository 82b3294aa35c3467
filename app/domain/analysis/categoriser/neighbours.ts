/**
 * How "in-domain" a text is, from its nearest training texts: the mean cosine similarity of its k nearest
 * off-topic training texts minus that of its k nearest on-topic ones. Off-topic texts (adverts, consumer
 * complaints, questions to the wrong office) share little vocabulary with one another, so a single linear
 * score finds them hard; a text that sits closer to known off-topic texts than to any on-topic one is a
 * different, local kind of evidence. The categoriser adds it to the linear off-topic score.
 */
import type { SparseVector } from "./linear.ts";

/**
 * Neighbours counted on each side (off-topic, on-topic): about the square root of the off-topic texts in
 * the dev files. Measured 3–7 on the fold seeds (5 and 7 best); 10 did worse on the held-out dev files.
 */
export const NEIGHBOURS = 5;

/**
 * The training vectors stored by feature (compressed sparse columns): one pass over a text's features
 * gives its dot product with every training text.
 */
export interface NeighbourIndex {
  /** Whether each training text is off-topic. */
  offTopic: Uint8Array;
  /** Entries of feature j are start[j] … start[j+1]-1. */
  start: Int32Array;
  /** Training text of each entry. */
  doc: Int32Array;
  value: Float32Array;
}

export function buildNeighbourIndex(xs: SparseVector[], dims: number, offTopic: boolean[]): NeighbourIndex {
  const start = new Int32Array(dims + 1);
  for (const x of xs) for (let k = 0; k < x.indices.length; k++) start[x.indices[k] + 1]++;
  for (let j = 0; j < dims; j++) start[j + 1] += start[j];
  const next = start.slice(0, dims);
  const doc = new Int32Array(start[dims]);
  const value = new Float32Array(start[dims]);
  xs.forEach((x, i) => {
    for (let k = 0; k < x.indices.length; k++) {
      const at = next[x.indices[k]]++;
      doc[at] = i;
      value[at] = x.values[k];
    }
  });
  return { offTopic: Uint8Array.from(offTopic, (o) => (o ? 1 : 0)), start, doc, value };
}

/**
 * Mean of the k nearest off-topic similarities minus mean of the k nearest on-topic ones (each side with
 * fewer than k texts uses what it has; an empty side counts 0). Entries equal to -Infinity are skipped
 * (the text itself, when scoring training texts).
 */
export function neighbourScore(sims: ArrayLike<number>, offTopic: Uint8Array, k = NEIGHBOURS): number {
  // Two small sorted (descending) arrays of the best similarities so far: n·k work, no allocation per text.
  const best = [new Float64Array(k).fill(-Infinity), new Float64Array(k).fill(-Infinity)];
  const count = [0, 0];
  for (let i = 0; i < offTopic.length; i++) {
    const s = sims[i];
    if (s === -Infinity) continue;
    const side = offTopic[i];
    const top = best[side];
    count[side]++;
    if (s <= top[k - 1]) continue;
    let at = k - 1;
    while (at > 0 && top[at - 1] < s) {
      top[at] = top[at - 1];
      at--;
    }
    top[at] = s;
  }
  const mean = (side: number) => {
    const m = Math.min(k, count[side]);
    let total = 0;
    for (let i = 0; i < m; i++) total += best[side][i];
    return m > 0 ? total / m : 0;
  };
  return mean(1) - mean(0);
}

/**
 * Leave-one-out neighbour scores of the training texts from their Gram matrix (gramMatrix adds
 * `biasScale` to every dot product, taken off here): each text scored against all the others.
 */
export function leaveOneOutNeighbourScores(
  gram: Float64Array,
  n: number,
  offTopic: Uint8Array,
  biasScale = 1,
  k = NEIGHBOURS,
): Float64Array {
  const out = new Float64Array(n);
  const sims = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) sims[j] = gram[i * n + j] - biasScale;
    sims[i] = -Infinity;
    out[i] = neighbourScore(sims, offTopic, k);
  }
  return out;
}

/** Standard deviation of a sample (0 for fewer than two values). */
export function standardDeviation(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i] - mean) * (values[i] - mean);
  return Math.sqrt(sq / n);
}

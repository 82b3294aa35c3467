/**
 * The learning part: a TF-IDF vectoriser over a vocabulary kept from the training texts, and one-vs-rest
 * regularised least-squares classifiers (ridge regression) for many binary outputs at once.
 */
import { BLOCKS, type Block, type BlockWeights } from "./features.ts";

export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

export interface Vocabulary {
  features: string[];
  idf: Float32Array;
  index: Map<string, number>;
  block: Uint8Array;
}

/** Features seen in at least `minDf` training texts, sorted by name (so the order never depends on input order). */
export function fitVocabulary(docs: Map<string, number>[], minDf: number): Vocabulary {
  const df = new Map<string, number>();
  for (const doc of docs) for (const f of doc.keys()) df.set(f, (df.get(f) ?? 0) + 1);
  const features = [...df.entries()]
    .filter(([, n]) => n >= minDf)
    .map(([f]) => f)
    .sort();
  const n = docs.length;
  const idf = new Float32Array(features.length);
  features.forEach((f, i) => (idf[i] = Math.log((1 + n) / (1 + (df.get(f) ?? 0))) + 1));
  return vocabularyOf(features, idf);
}

export function vocabularyOf(features: string[], idf: Float32Array): Vocabulary {
  const index = new Map<string, number>();
  const block = new Uint8Array(features.length);
  features.forEach((f, i) => {
    index.set(f, i);
    block[i] = BLOCKS.indexOf(f.slice(0, f.indexOf(":")) as Block);
  });
  return { features, idf, index, block };
}

/** A text's features found in the vocabulary, with their TF-IDF values (sublinear term frequency). */
export interface TfIdf {
  indices: Int32Array;
  values: Float64Array;
}

export function tfidf(vocab: Vocabulary, raw: Map<string, number>): TfIdf {
  const indices = new Int32Array(raw.size);
  const values = new Float64Array(raw.size);
  let k = 0;
  for (const [f, count] of raw) {
    const i = vocab.index.get(f);
    if (i === undefined) continue;
    indices[k] = i;
    values[k] = (1 + Math.log(count)) * vocab.idf[i];
    k++;
  }
  return { indices: indices.subarray(0, k), values: values.subarray(0, k) };
}

/**
 * The factor weigh() applies to each block's values: the block L2-normalised and weighted, then the whole
 * vector normalised to length 1 (prediction applies it on the fly, see the categoriser's scores).
 */
export function blockScales(vocab: Vocabulary, x: TfIdf, weights: BlockWeights): Float64Array {
  const norms = new Float64Array(BLOCKS.length);
  const { indices, values } = x;
  for (let k = 0; k < indices.length; k++) norms[vocab.block[indices[k]]] += values[k] * values[k];
  const scale = new Float64Array(BLOCKS.length);
  let total = 0;
  for (let b = 0; b < BLOCKS.length; b++) {
    if (norms[b] > 0) {
      scale[b] = weights[BLOCKS[b]] / Math.sqrt(norms[b]);
      total += weights[BLOCKS[b]] * weights[BLOCKS[b]];
    }
  }
  const inv = total > 0 ? 1 / Math.sqrt(total) : 0;
  for (let b = 0; b < BLOCKS.length; b++) scale[b] *= inv;
  return scale;
}

/** Each block L2-normalised and weighted, then the whole vector normalised to length 1. */
export function weigh(vocab: Vocabulary, x: TfIdf, weights: BlockWeights): SparseVector {
  const scale = blockScales(vocab, x, weights);
  const { indices, values } = x;
  const out = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[k] * scale[vocab.block[indices[k]]];
  return { indices, values: out };
}

/** TF-IDF, weighted by block and normalised (see weigh). */
export function vectorize(vocab: Vocabulary, raw: Map<string, number>, weights: BlockWeights): SparseVector {
  return weigh(vocab, tfidf(vocab, raw), weights);
}

export interface LinearModel {
  /** Number of outputs. */
  outputs: number;
  dims: number;
  /** dims × outputs, row-major (one row per feature): one sparse pass scores every output. */
  weights: Float32Array;
  bias: Float32Array;
}

export interface RidgeResult {
  model: LinearModel;
  /**
   * Leave-one-out scores (n × outputs): each training example scored by the model trained on all the
   * others, exact for ridge regression and free once the system is factorised. Thresholds are chosen on
   * these, never on test texts.
   */
  looScores: Float64Array;
}

/**
 * Regularised least-squares classification (ridge regression on 0/1 targets) for `outputs` targets at
 * once, solved exactly in its dual form: (K + c·11ᵀ + λI)α = Y with K the Gram matrix of the training
 * vectors (the c·11ᵀ term is a lightly penalised bias). One Cholesky factorisation serves every output and
 * the exact leave-one-out scores; the primal weights w = Xᵀα are then stored for sparse, fast prediction.
 * Deterministic, no iterations, no learning rate; cost O(n²·nnz + n³), well under a second for the
 * dev set's few hundred examples and a few seconds at a couple of thousand.
 */
export function trainRidge(
  xs: SparseVector[],
  dims: number,
  y: Uint8Array,
  outputs: number,
  lambda: number,
  biasScale = 1,
): RidgeResult {
  return solveRidge(gramMatrix(xs, dims, biasScale), xs, dims, y, outputs, lambda, biasScale);
}

/** K + c·11ᵀ: the Gram matrix of the training vectors plus the bias term (n × n, row-major). */
export function gramMatrix(xs: SparseVector[], dims: number, biasScale = 1): Float64Array {
  const n = xs.length;
  const g = new Float64Array(n * n);
  const dense = new Float64Array(dims);
  for (let i = 0; i < n; i++) {
    const xi = xs[i];
    for (let k = 0; k < xi.indices.length; k++) dense[xi.indices[k]] = xi.values[k];
    for (let j = 0; j <= i; j++) {
      const xj = xs[j];
      let dot = 0;
      for (let k = 0; k < xj.indices.length; k++) dot += dense[xj.indices[k]] * xj.values[k];
      dot += biasScale;
      g[i * n + j] = dot;
      g[j * n + i] = dot;
    }
    for (let k = 0; k < xi.indices.length; k++) dense[xi.indices[k]] = 0;
  }
  return g;
}

/** Ridge solution for one penalty from a Gram matrix of gramMatrix() (which it does not modify). */
export function solveRidge(
  gram: Float64Array,
  xs: SparseVector[],
  dims: number,
  y: Uint8Array,
  outputs: number,
  lambda: number,
  biasScale = 1,
  sampleWeights?: Float64Array,
): RidgeResult {
  const n = xs.length;
  const L = outputs;
  const g = Float64Array.from(gram);
  // Weighted least squares: an example of weight w counts its squared error w times, which is λ/w on its
  // diagonal entry; the leave-one-out formula below stays exact.
  for (let i = 0; i < n; i++) g[i * n + i] += sampleWeights ? lambda / sampleWeights[i] : lambda;
  // Cholesky G = R·Rᵀ in place (lower triangle).
  for (let j = 0; j < n; j++) {
    let d = g[j * n + j];
    for (let k = 0; k < j; k++) d -= g[j * n + k] * g[j * n + k];
    if (d <= 0) throw new Error("Ridge system is not positive definite");
    const rjj = Math.sqrt(d);
    g[j * n + j] = rjj;
    for (let i = j + 1; i < n; i++) {
      let s = g[i * n + j];
      const ri = i * n;
      const rj = j * n;
      for (let k = 0; k < j; k++) s -= g[ri + k] * g[rj + k];
      g[ri + j] = s / rjj;
    }
  }
  // α = G⁻¹Y by forward then backward substitution, all outputs together.
  const alpha = new Float64Array(n * L);
  for (let i = 0; i < n * L; i++) alpha[i] = y[i];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const r = g[i * n + k];
      if (r === 0) continue;
      for (let l = 0; l < L; l++) alpha[i * L + l] -= r * alpha[k * L + l];
    }
    const rii = g[i * n + i];
    for (let l = 0; l < L; l++) alpha[i * L + l] /= rii;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const r = g[k * n + i];
      if (r === 0) continue;
      for (let l = 0; l < L; l++) alpha[i * L + l] -= r * alpha[k * L + l];
    }
    const rii = g[i * n + i];
    for (let l = 0; l < L; l++) alpha[i * L + l] /= rii;
  }
  // diag(G⁻¹) = column sums of squares of R⁻¹ (lower triangular), computed column by column.
  const ginvDiag = new Float64Array(n);
  const col = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    col.fill(0);
    col[c] = 1 / g[c * n + c];
    ginvDiag[c] += col[c] * col[c];
    for (let i = c + 1; i < n; i++) {
      let s = 0;
      const ri = i * n;
      for (let k = c; k < i; k++) s += g[ri + k] * col[k];
      col[i] = -s / g[ri + i];
      ginvDiag[c] += col[i] * col[i];
    }
  }
  // Leave-one-out: y_i − α_i / (G⁻¹)_ii.
  const looScores = new Float64Array(n * L);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < L; l++) looScores[i * L + l] = y[i * L + l] - alpha[i * L + l] / ginvDiag[i];
  }
  // Primal weights and bias.
  const weights = new Float64Array(dims * L);
  const bias = new Float64Array(L);
  for (let i = 0; i < n; i++) {
    const { indices, values } = xs[i];
    for (let k = 0; k < indices.length; k++) {
      const row = indices[k] * L;
      const v = values[k];
      for (let l = 0; l < L; l++) weights[row + l] += v * alpha[i * L + l];
    }
    for (let l = 0; l < L; l++) bias[l] += biasScale * alpha[i * L + l];
  }
  return {
    model: { outputs: L, dims, weights: Float32Array.from(weights), bias: Float32Array.from(bias) },
    looScores,
  };
}

/** Scores of outputs from..to-1 (default: all) for one vector, written to out[from..to-1]. */
export function predictScores(
  model: LinearModel,
  x: SparseVector,
  out = new Float64Array(model.outputs),
  from = 0,
  to = model.outputs,
): Float64Array {
  const L = model.outputs;
  const { weights } = model;
  for (let l = from; l < to; l++) out[l] = model.bias[l];
  const { indices, values } = x;
  for (let k = 0; k < indices.length; k++) {
    const row = indices[k] * L;
    const v = values[k];
    for (let l = from; l < to; l++) out[l] += v * weights[row + l];
  }
  return out;
}

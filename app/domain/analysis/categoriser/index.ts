/**
 * The categoriser of citizen submissions (issue 4): themes, target groups, kind, urgency and off-topic
 * learned from labelled examples; municipality from a gazetteer. Server-side (reads data files, uses
 * node:crypto and node:zlib); pages use only the types of ../analysis.types.ts.
 */
import { type Categoriser, trainCategoriser } from "./categoriser.ts";
import { loadDevExamples } from "./dev-data.ts";

export {
  ALGORITHM_VERSION,
  type Categoriser,
  type CategoriserMeta,
  type CategoriserOptions,
  DEFAULT_OPTIONS,
  deserializeCategoriser,
  type LabelsWithoutId,
  toLabels,
  trainCategoriser,
  trainedByThisAlgorithm,
  withMetrics,
} from "./categoriser.ts";
export {
  crossValidate,
  crossValidatedLabels,
  type CvMetrics,
  type CvOptions,
  evaluate,
  scoreLabels,
} from "./cv.ts";
export { devFiles, loadDevExamples, loadExamplesFile, parseLabelledLine } from "./dev-data.ts";
export { detectScript, textTokens } from "./features.ts";
export { detectMunicipality, type MunicipalityMatch, placeKey } from "./gazetteer.ts";

let cached: Categoriser | null = null;

/** The categoriser trained from the dev files, once per process. */
export function defaultCategoriser(): Categoriser {
  cached ??= trainCategoriser(loadDevExamples());
  return cached;
}

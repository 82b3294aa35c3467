/**
 * The priority score's formulas: pure functions of plain inputs (no database, no clock), shared by the
 * server (which gathers the inputs and stores the result), the weights page's preview and the unit tests.
 *
 * score = Σ wᵢ·vᵢ / Σ wᵢ, each component value vᵢ in [0, 1], so the score is in [0, 1] whatever the
 * weights (shown as 0–100). A component's contribution is wᵢ·vᵢ / Σ wᵢ: the contributions add up to the
 * score, which is what "why it is ranked here" lists. A weight of 0 takes its component out entirely.
 */

export const COMPONENT_KEYS = [
  "support",
  "breadth",
  "targetGroups",
  "urgency",
  "strategyGap",
  "recency",
] as const;
export type ComponentKey = (typeof COMPONENT_KEYS)[number];

/** How many of the top the weights page previews. */
export const PREVIEW_SIZE = 20;

export const WEIGHT_LIMITS = { min: 0, max: 10, step: 0.5 } as const;

/** Default component weights when the Directorate has set none for a consultation. */
export const DEFAULT_COMPONENT_WEIGHTS: Record<ComponentKey, number> = {
  support: 3,
  breadth: 2,
  targetGroups: 2,
  urgency: 3,
  strategyGap: 2,
  recency: 1,
};

/** z for a 95% interval in the Wilson lower bound. */
export const WILSON_Z = 1.96;
/** Distinct municipalities + organisations at which breadth reaches one half. */
export const BREADTH_HALF = 4;
/** Measures of the strategy tagged with a theme at which that theme counts as fully covered. */
export const FULL_COVERAGE_MEASURES = 2;
/** Age in days at which recency halves. */
export const RECENCY_HALF_LIFE_DAYS = 30;

export interface PriorityWeights {
  components: Record<ComponentKey, number>;
  /** Weight per target group key (the TargetGroup default unless the consultation overrides it). */
  targetGroups: Record<string, number>;
}

export interface Scored {
  key: string;
  confidence: number;
}

/** Everything a score depends on, gathered for one submission (hashed to skip unchanged rewrites). */
export interface PriorityInputs {
  submissionId: string;
  /** Supports, plus distinct commenters in favour (not the author). */
  positives: number;
  /** Distinct commenters against (not the author). */
  negatives: number;
  /** Distinct municipalities among the author, supporters and commenters (sorted ids). */
  municipalities: string[];
  /** Distinct organisations among the author, supporters and commenters (sorted ids). */
  organisations: string[];
  /** Target groups concerned: the effective labels, the author's choices at confidence 1. */
  targetGroups: Scored[];
  themes: Scored[];
  urgent: { value: boolean; confidence: number; source: "model" | "person" | "none" };
  /** Measures per theme key in the consultation's strategy version; null when it has none. */
  strategyMeasuresByTheme: Record<string, number> | null;
  /** Whole days between the submission's creation and the reference day (`asOf`). */
  ageDays: number;
  /** The reference day (UTC, yyyy-mm-dd): recency is measured to it, so a day's scores are stable. */
  asOf: string;
  /** Facets kept with the score for the Directorate view's filters (not used by the formulas). */
  facets: PriorityFacets;
}

export interface PriorityFacets {
  consultationId: string;
  kind: string;
  municipalityId: string | null;
  themes: string[];
  targetGroups: string[];
  urgent: boolean;
}

export interface ComponentResult {
  key: ComponentKey;
  /** The component's value in [0, 1] before weighting. */
  value: number;
  weight: number;
  /** weight · value / Σ weights: its share of the score. */
  contribution: number;
}

/** What PriorityScore.components holds: enough to explain the score and to re-weight it without the db. */
export interface StoredComponents {
  v: 1;
  asOf: string;
  components: ComponentResult[];
  /** The raw figures behind each component, for the explanation. */
  detail: {
    positives: number;
    negatives: number;
    municipalities: number;
    organisations: number;
    targetGroups: Scored[];
    topTargetGroup: string | null;
    urgent: PriorityInputs["urgent"];
    themes: { key: string; confidence: number; coverage: number }[];
    hasStrategy: boolean;
    ageDays: number;
    halfLifeDays: number;
  };
  facets: PriorityFacets;
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
/** Rounded so that floating-point noise never changes a stored score or a tie. */
const round = (x: number) => Math.round(x * 1e9) / 1e9;

/**
 * Support: the Wilson score lower bound of the share of positive reactions, positives / (positives +
 * negatives), at 95%. With no reactions it is 0; with only positives it is n / (n + z²), so it grows
 * with the number of supporters and one support out of one (0.21) ranks below 90 out of 100 (0.83).
 */
export function wilsonLowerBound(positives: number, total: number, z: number = WILSON_Z): number {
  if (total <= 0) return 0;
  const p = positives / total;
  const z2 = z * z;
  const centre = p + z2 / (2 * total);
  const margin = z * Math.sqrt((p * (1 - p) + z2 / (4 * total)) / total);
  return clamp01((centre - margin) / (1 + z2 / total));
}

/**
 * Breadth: b = distinct municipalities + distinct organisations among the people behind the submission
 * (author, supporters, commenters); value b / (b + BREADTH_HALF), 0 with nobody placed, ½ at four.
 */
export function breadthValue(municipalities: number, organisations: number): number {
  const b = Math.max(0, municipalities) + Math.max(0, organisations);
  return clamp01(b / (b + BREADTH_HALF));
}

/**
 * Target groups: the most heavily weighted group concerned, max over groups of weight·confidence,
 * divided by the largest weight any group has (so 1 = the most important group, surely concerned).
 * A submission concerning no group scores 0.
 */
export function targetGroupValue(
  groups: Scored[],
  weights: Record<string, number>,
): { value: number; top: string | null } {
  const maxWeight = Math.max(0, ...Object.values(weights));
  if (maxWeight <= 0) return { value: 0, top: null };
  let best = 0;
  let top: string | null = null;
  // Sorted by key so that equal products always pick the same group.
  for (const g of [...groups].sort((a, b) => a.key.localeCompare(b.key))) {
    const product = (weights[g.key] ?? 0) * clamp01(g.confidence);
    if (product > best) {
      best = product;
      top = g.key;
    }
  }
  return { value: clamp01(best / maxWeight), top };
}

/** Urgency: the confidence that the submission is urgent (1 when a person said so, 0 when not urgent). */
export function urgencyValue(urgent: PriorityInputs["urgent"]): number {
  return urgent.value ? clamp01(urgent.confidence) : 0;
}

/**
 * Strategy gap: 1 − coverage of the submission's themes by the consultation's strategy version. A theme's
 * coverage is min(1, measures tagged with it / FULL_COVERAGE_MEASURES); the gap is the confidence-weighted
 * mean of (1 − coverage) over the submission's themes. No strategy version: nothing is covered (gap 1).
 * No themes known: 0, since an unknown theme is no evidence of a gap.
 */
export function strategyGapValue(
  themes: Scored[],
  measuresByTheme: Record<string, number> | null,
): { value: number; themes: { key: string; confidence: number; coverage: number }[] } {
  const detail = [...themes]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((t) => ({
      key: t.key,
      confidence: clamp01(t.confidence),
      coverage: measuresByTheme ? clamp01((measuresByTheme[t.key] ?? 0) / FULL_COVERAGE_MEASURES) : 0,
    }));
  const total = detail.reduce((sum, t) => sum + t.confidence, 0);
  if (total <= 0) return { value: 0, themes: detail };
  const gap = detail.reduce((sum, t) => sum + t.confidence * (1 - t.coverage), 0) / total;
  return { value: clamp01(gap), themes: detail };
}

/** Recency: halves every RECENCY_HALF_LIFE_DAYS days of age, 1 on the day of posting. */
export function recencyValue(ageDays: number, halfLifeDays: number = RECENCY_HALF_LIFE_DAYS): number {
  return clamp01(0.5 ** (Math.max(0, ageDays) / halfLifeDays));
}

/** Combines component values with weights: contributions and the score (see the file comment). */
export function combine(
  values: Record<ComponentKey, number>,
  weights: Record<ComponentKey, number>,
): { score: number; components: ComponentResult[] } {
  const totalWeight = COMPONENT_KEYS.reduce((sum, k) => sum + Math.max(0, weights[k] ?? 0), 0);
  const components = COMPONENT_KEYS.map((key) => {
    const weight = Math.max(0, weights[key] ?? 0);
    const value = round(clamp01(values[key]));
    const contribution = totalWeight > 0 ? round((weight * value) / totalWeight) : 0;
    return { key, value, weight, contribution };
  });
  // From the unrounded products, so rounding the contributions never pushes the score past 1.
  const weighted = components.reduce((sum, c) => sum + c.weight * c.value, 0);
  const score = totalWeight > 0 ? round(clamp01(weighted / totalWeight)) : 0;
  return { score, components };
}

/** The whole score of one submission from its inputs and the consultation's weights. */
export function scorePriority(
  inputs: PriorityInputs,
  weights: PriorityWeights,
): { score: number; stored: StoredComponents } {
  const groups = targetGroupValue(inputs.targetGroups, weights.targetGroups);
  const gap = strategyGapValue(inputs.themes, inputs.strategyMeasuresByTheme);
  const values: Record<ComponentKey, number> = {
    support: wilsonLowerBound(inputs.positives, inputs.positives + inputs.negatives),
    breadth: breadthValue(inputs.municipalities.length, inputs.organisations.length),
    targetGroups: groups.value,
    urgency: urgencyValue(inputs.urgent),
    strategyGap: gap.value,
    recency: recencyValue(inputs.ageDays),
  };
  const { score, components } = combine(values, weights.components);
  return {
    score,
    stored: {
      v: 1,
      asOf: inputs.asOf,
      components,
      detail: {
        positives: inputs.positives,
        negatives: inputs.negatives,
        municipalities: inputs.municipalities.length,
        organisations: inputs.organisations.length,
        targetGroups: [...inputs.targetGroups].sort((a, b) => a.key.localeCompare(b.key)),
        topTargetGroup: groups.top,
        urgent: inputs.urgent,
        themes: gap.themes,
        hasStrategy: inputs.strategyMeasuresByTheme !== null,
        ageDays: inputs.ageDays,
        halfLifeDays: RECENCY_HALF_LIFE_DAYS,
      },
      facets: inputs.facets,
    },
  };
}

/**
 * The score a stored result would have under other weights, without the database: every component
 * value is kept, and the target-group value is recomputed from the groups and their new weights.
 */
export function rescore(stored: StoredComponents, weights: PriorityWeights): number {
  const values = Object.fromEntries(stored.components.map((c) => [c.key, c.value])) as Record<
    ComponentKey,
    number
  >;
  values.targetGroups = targetGroupValue(stored.detail.targetGroups, weights.targetGroups).value;
  return combine(values, weights.components).score;
}

/** Ranking order: higher score first, ties by id, so the same inputs always give the same ranking. */
export function compareRanked(a: { score: number; id: string }, b: { score: number; id: string }): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Days (whole, UTC) from `from` to the reference day `asOf` (yyyy-mm-dd). */
export function ageInDays(from: Date, asOf: string): number {
  const ref = Date.parse(`${asOf}T00:00:00Z`);
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  return Math.max(0, Math.round((ref - start) / 86_400_000));
}

/** The reference day of a moment (UTC). */
export function dayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

// The categoriser's contract, shared by the model code (app/domain/analysis/categoriser/), the CLI
// (`npm run analyse`), the analysis worker and the pages. No server-only imports: pages may use the types.

export const THEME_KEYS = [
  "income_poverty",
  "employment",
  "education_training",
  "housing",
  "health_care",
  "local_environment",
] as const;
export type ThemeKey = (typeof THEME_KEYS)[number];

export const TARGET_GROUP_KEYS = [
  "child_family",
  "disability",
  "elderly",
  "roma",
  "unemployed",
  "substance_use",
  "mental_health",
  "abuse",
  "refugees_migrants",
  "homeless",
] as const;
export type TargetGroupKey = (typeof TARGET_GROUP_KEYS)[number];

export const KINDS = ["proposal", "need", "opinion"] as const;
export type Kind = (typeof KINDS)[number];

/** One labelled line of the dev files (../shared/data/LABELS.md), or a correction turned into one. */
export interface LabelledExample {
  id: string;
  text: string;
  themes: ThemeKey[];
  target_groups: TargetGroupKey[];
  kind: Kind;
  urgent: boolean;
  /** The municipality's official genitive name (Municipality.name_el in western-greece.json), or null. */
  municipality: string | null;
  off_topic: boolean;
}

export interface Scored<T> {
  key: T;
  /** 0..1 */
  confidence: number;
}

/** What the categoriser predicts for one text. */
export interface Prediction {
  /** The themes predicted (above their threshold), best first. */
  themes: Scored<ThemeKey>[];
  targetGroups: Scored<TargetGroupKey>[];
  kind: { value: Kind; confidence: number };
  urgent: { value: boolean; confidence: number };
  offTopic: { value: boolean; confidence: number };
  /** Official genitive name (as LabelledExample.municipality), or null when none is named or implied. */
  municipality: { name: string; confidence: number } | null;
}

/** The CLI's output line: the LABELS.md fields for one input line. */
export interface LabelsLine {
  id: string;
  themes: ThemeKey[];
  target_groups: TargetGroupKey[];
  kind: Kind;
  urgent: boolean;
  municipality: string | null;
  off_topic: boolean;
}

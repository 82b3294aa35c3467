/**
 * Quality measures of the categoriser: k-fold cross-validation on labelled examples (each fold's model
 * never sees its test texts; thresholds are chosen inside the training folds), and evaluation of a trained
 * model on a held-out set.
 */
import { type LabelledExample, type LabelsLine, TARGET_GROUP_KEYS, THEME_KEYS } from "../analysis.types.ts";
import { type Categoriser, type CategoriserOptions, foldsOf, trainFromRaw } from "./categoriser.ts";
import { rawFeatures } from "./features.ts";

export interface CvMetrics {
  examples: number;
  themes_macro_f1: number;
  themes_micro_f1: number;
  groups_micro_f1: number;
  groups_macro_f1: number;
  kind_acc: number;
  urgent_p: number;
  urgent_r: number;
  urgent_f1: number;
  muni_acc: number;
  offtopic_p: number;
  offtopic_r: number;
  offtopic_f1: number;
  /** F1 of each theme and target group, keyed "theme:<key>" / "group:<key>". */
  per_label_f1: Record<string, number>;
}

type Labels = Omit<LabelsLine, "id">;

const round = (x: number) => Math.round(x * 1000) / 1000;

function f1(tp: number, fp: number, fn: number): number {
  return tp === 0 ? (fp === 0 && fn === 0 ? 1 : 0) : (2 * tp) / (2 * tp + fp + fn);
}

/** Metrics of predicted labels against the truth, example by example. */
export function scoreLabels(truth: LabelledExample[], predicted: Labels[]): CvMetrics {
  const perLabel: Record<string, number> = {};
  const setScores = (
    keys: readonly string[],
    prefix: string,
    get: (l: Labels | LabelledExample) => string[],
  ) => {
    let tpAll = 0;
    let fpAll = 0;
    let fnAll = 0;
    let macro = 0;
    for (const key of keys) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      truth.forEach((t, i) => {
        const want = get(t).includes(key);
        const got = get(predicted[i]).includes(key);
        if (want && got) tp++;
        else if (got) fp++;
        else if (want) fn++;
      });
      perLabel[`${prefix}:${key}`] = round(f1(tp, fp, fn));
      macro += f1(tp, fp, fn);
      tpAll += tp;
      fpAll += fp;
      fnAll += fn;
    }
    return { macro: round(macro / keys.length), micro: round(f1(tpAll, fpAll, fnAll)) };
  };
  const themes = setScores(THEME_KEYS, "theme", (l) => l.themes);
  const groups = setScores(TARGET_GROUP_KEYS, "group", (l) => l.target_groups);
  const binary = (get: (l: Labels | LabelledExample) => boolean) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    truth.forEach((t, i) => {
      const want = get(t);
      const got = get(predicted[i]);
      if (want && got) tp++;
      else if (got) fp++;
      else if (want) fn++;
    });
    return {
      p: round(tp + fp === 0 ? 1 : tp / (tp + fp)),
      r: round(tp + fn === 0 ? 1 : tp / (tp + fn)),
      f1: round(f1(tp, fp, fn)),
    };
  };
  const urgent = binary((l) => l.urgent);
  const offTopic = binary((l) => l.off_topic);
  const n = truth.length || 1;
  return {
    examples: truth.length,
    themes_macro_f1: themes.macro,
    themes_micro_f1: themes.micro,
    groups_micro_f1: groups.micro,
    groups_macro_f1: groups.macro,
    kind_acc: round(truth.filter((t, i) => t.kind === predicted[i].kind).length / n),
    urgent_p: urgent.p,
    urgent_r: urgent.r,
    urgent_f1: urgent.f1,
    muni_acc: round(truth.filter((t, i) => t.municipality === predicted[i].municipality).length / n),
    offtopic_p: offTopic.p,
    offtopic_r: offTopic.r,
    offtopic_f1: offTopic.f1,
    per_label_f1: perLabel,
  };
}

/** Metrics of a trained categoriser on examples it was not trained on. */
export function evaluate(categoriser: Categoriser, examples: LabelledExample[]): CvMetrics {
  return scoreLabels(
    examples,
    examples.map((e) => categoriser.toLabels(categoriser.predict(e.text))),
  );
}

export interface CvOptions {
  folds?: number;
  seed?: number;
  options?: Partial<CategoriserOptions>;
}

/**
 * k-fold cross-validation (seeded folds): every example is predicted by a model trained on the other
 * folds only, whose thresholds come from an inner cross-validation on those folds; metrics are computed
 * on all the out-of-fold predictions together.
 */
export function crossValidate(examples: LabelledExample[], cv: CvOptions = {}): CvMetrics {
  return scoreLabels(examples, crossValidatedLabels(examples, cv));
}

/** The out-of-fold predicted labels of every example (see crossValidate). */
export function crossValidatedLabels(
  examples: LabelledExample[],
  { folds = 5, seed = 42, options }: CvOptions = {},
): Labels[] {
  const raws = examples.map((e) => rawFeatures(e.text));
  const fold = foldsOf(examples.length, folds, seed);
  const predicted: Labels[] = new Array(examples.length);
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    examples.forEach((_, i) => (fold[i] === f ? test : train).push(i));
    const model = trainFromRaw(
      train.map((i) => examples[i]),
      train.map((i) => raws[i]),
      options,
    );
    for (const i of test) predicted[i] = model.toLabels(model.predict(examples[i].text));
  }
  return predicted;
}

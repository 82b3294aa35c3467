import { describe, expect, it } from "vitest";
import {
  ageInDays,
  breadthValue,
  combine,
  compareRanked,
  COMPONENT_KEYS,
  DEFAULT_COMPONENT_WEIGHTS,
  recencyValue,
  rescore,
  scorePriority,
  strategyGapValue,
  targetGroupValue,
  urgencyValue,
  wilsonLowerBound,
  type ComponentKey,
  type PriorityInputs,
  type PriorityWeights,
} from "./priority.ts";
import { csvField, toCsv } from "./priority.server.ts";
import { weightSchema } from "./priority.schema.ts";

const weights: PriorityWeights = {
  components: { ...DEFAULT_COMPONENT_WEIGHTS },
  targetGroups: { homeless: 3, elderly: 1, roma: 2 },
};

function inputs(over: Partial<PriorityInputs> = {}): PriorityInputs {
  return {
    submissionId: "00000000-0000-4000-8000-000000000001",
    positives: 5,
    negatives: 1,
    municipalities: ["patras"],
    organisations: [],
    targetGroups: [{ key: "elderly", confidence: 0.8 }],
    themes: [{ key: "housing", confidence: 0.9 }],
    urgent: { value: false, confidence: 0, source: "model" },
    strategyMeasuresByTheme: { housing: 1 },
    ageDays: 3,
    asOf: "2026-11-23",
    facets: {
      consultationId: "c",
      kind: "proposal",
      municipalityId: "patras",
      themes: ["housing"],
      targetGroups: ["elderly"],
      urgent: false,
    },
    ...over,
  };
}

describe("support (Wilson lower bound)", () => {
  it("is 0 with no reactions and grows with every support", () => {
    expect(wilsonLowerBound(0, 0)).toBe(0);
    let previous = 0;
    for (let n = 1; n <= 200; n++) {
      const v = wilsonLowerBound(n, n);
      expect(v).toBeGreaterThan(previous);
      expect(v).toBeLessThanOrEqual(1);
      previous = v;
    }
  });

  it("corrects small samples: 1 of 1 ranks below 90 of 100", () => {
    expect(wilsonLowerBound(1, 1)).toBeCloseTo(0.2065, 3);
    expect(wilsonLowerBound(90, 100)).toBeGreaterThan(0.8);
    expect(wilsonLowerBound(1, 1)).toBeLessThan(wilsonLowerBound(90, 100));
  });

  it("falls as unfavourable reactions come in", () => {
    expect(wilsonLowerBound(10, 15)).toBeLessThan(wilsonLowerBound(10, 10));
  });

  it("makes the whole score monotonic in support, other inputs fixed", () => {
    let previous = -1;
    for (const positives of [0, 1, 2, 5, 10, 50, 100]) {
      const { score } = scorePriority(inputs({ positives }), weights);
      expect(score).toBeGreaterThan(previous);
      previous = score;
    }
  });
});

describe("the other components", () => {
  it("breadth: 0 with nobody placed, one half at four, below 1", () => {
    expect(breadthValue(0, 0)).toBe(0);
    expect(breadthValue(2, 2)).toBe(0.5);
    expect(breadthValue(19, 40)).toBeLessThan(1);
    expect(breadthValue(3, 0)).toBeGreaterThan(breadthValue(2, 0));
  });

  it("target groups: the most heavily weighted group concerned, by confidence, over the largest weight", () => {
    expect(targetGroupValue([], weights.targetGroups)).toEqual({ value: 0, top: null });
    expect(targetGroupValue([{ key: "homeless", confidence: 1 }], weights.targetGroups).value).toBe(1);
    const mixed = targetGroupValue(
      [
        { key: "elderly", confidence: 1 },
        { key: "roma", confidence: 0.9 },
      ],
      weights.targetGroups,
    );
    expect(mixed.top).toBe("roma");
    expect(mixed.value).toBeCloseTo((2 * 0.9) / 3, 9);
    expect(targetGroupValue([{ key: "homeless", confidence: 1 }], { homeless: 0 }).value).toBe(0);
  });

  it("urgency: the confidence when urgent, 0 otherwise", () => {
    expect(urgencyValue({ value: true, confidence: 0.7, source: "model" })).toBe(0.7);
    expect(urgencyValue({ value: false, confidence: 0.95, source: "model" })).toBe(0);
    expect(urgencyValue({ value: true, confidence: 1, source: "person" })).toBe(1);
  });

  it("strategy gap: 1 − coverage, confidence-weighted; no strategy covers nothing; no themes give 0", () => {
    expect(strategyGapValue([{ key: "housing", confidence: 1 }], { housing: 2 }).value).toBe(0);
    expect(strategyGapValue([{ key: "housing", confidence: 1 }], { housing: 1 }).value).toBe(0.5);
    expect(strategyGapValue([{ key: "housing", confidence: 1 }], {}).value).toBe(1);
    expect(strategyGapValue([{ key: "housing", confidence: 1 }], null).value).toBe(1);
    expect(strategyGapValue([], { housing: 2 }).value).toBe(0);
    const mixed = strategyGapValue(
      [
        { key: "housing", confidence: 0.5 },
        { key: "employment", confidence: 1.5 },
      ],
      { housing: 2 },
    );
    // employment's confidence is clamped to 1: (0.5·0 + 1·1) / 1.5
    expect(mixed.value).toBeCloseTo(1 / 1.5, 9);
  });

  it("recency: 1 on the day, halves every 30 days", () => {
    expect(recencyValue(0)).toBe(1);
    expect(recencyValue(30)).toBeCloseTo(0.5, 9);
    expect(recencyValue(60)).toBeCloseTo(0.25, 9);
    expect(ageInDays(new Date("2026-11-20T23:59:00Z"), "2026-11-23")).toBe(3);
    expect(ageInDays(new Date("2026-11-24T10:00:00Z"), "2026-11-23")).toBe(0);
  });
});

describe("combining", () => {
  it("adds the contributions up to the score, in [0, 1]", () => {
    const { score, stored } = scorePriority(
      inputs({ urgent: { value: true, confidence: 0.8, source: "model" } }),
      weights,
    );
    const sum = stored.components.reduce((s, c) => s + c.contribution, 0);
    expect(score).toBeCloseTo(sum, 7);
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThanOrEqual(1);
    expect(stored.components.map((c) => c.key)).toEqual([...COMPONENT_KEYS]);
  });

  it("a weight of zero makes its component contribute zero, whatever its value", () => {
    const values = Object.fromEntries(COMPONENT_KEYS.map((k) => [k, 1])) as Record<ComponentKey, number>;
    for (const key of COMPONENT_KEYS) {
      const { components, score } = combine(values, { ...DEFAULT_COMPONENT_WEIGHTS, [key]: 0 });
      expect(components.find((c) => c.key === key)!.contribution).toBe(0);
      expect(score).toBeCloseTo(1, 7);
    }
    const urgentOnly = scorePriority(inputs({ urgent: { value: true, confidence: 1, source: "person" } }), {
      ...weights,
      components: { ...DEFAULT_COMPONENT_WEIGHTS, urgency: 0 },
    });
    expect(urgentOnly.stored.components.find((c) => c.key === "urgency")!.contribution).toBe(0);
  });

  it("all weights zero give a score of zero", () => {
    const zero = Object.fromEntries(COMPONENT_KEYS.map((k) => [k, 0])) as Record<ComponentKey, number>;
    expect(combine(Object.fromEntries(COMPONENT_KEYS.map((k) => [k, 1])) as never, zero).score).toBe(0);
  });

  it("is deterministic: the same inputs give the same result, whatever the order of their lists", () => {
    const a = scorePriority(inputs(), weights);
    const b = scorePriority(
      inputs({
        themes: [{ key: "housing", confidence: 0.9 }],
        targetGroups: [{ key: "elderly", confidence: 0.8 }],
      }),
      { components: { ...weights.components }, targetGroups: { roma: 2, elderly: 1, homeless: 3 } },
    );
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const two = scorePriority(
      inputs({
        targetGroups: [
          { key: "roma", confidence: 0.5 },
          { key: "elderly", confidence: 1 },
        ],
      }),
      weights,
    );
    const swapped = scorePriority(
      inputs({
        targetGroups: [
          { key: "elderly", confidence: 1 },
          { key: "roma", confidence: 0.5 },
        ],
      }),
      weights,
    );
    expect(JSON.stringify(swapped)).toBe(JSON.stringify(two));
  });

  it("rescoring stored components with the same weights gives the stored score", () => {
    const { score, stored } = scorePriority(
      inputs({ targetGroups: [{ key: "roma", confidence: 0.7 }] }),
      weights,
    );
    expect(rescore(stored, weights)).toBe(score);
    const heavier = rescore(stored, { ...weights, targetGroups: { ...weights.targetGroups, roma: 10 } });
    expect(heavier).toBeGreaterThan(score);
  });

  it("ranks by score, ties by id", () => {
    const list = [
      { id: "b", score: 0.5 },
      { id: "c", score: 0.7 },
      { id: "a", score: 0.5 },
    ].sort(compareRanked);
    expect(list.map((x) => x.id)).toEqual(["c", "a", "b"]);
  });
});

describe("weights as typed", () => {
  it("accepts 0–10 with a comma or a point, refuses the rest with a translation key", () => {
    expect(weightSchema.parse("2,5")).toBe(2.5);
    expect(weightSchema.parse(" 10 ")).toBe(10);
    const message = (v: unknown) => weightSchema.safeParse(v).error?.issues[0]?.message;
    expect(message("")).toBe("priority.errors.weightRequired");
    expect(message(undefined)).toBe("priority.errors.weightRequired");
    expect(message("abc")).toBe("priority.errors.weightNumber");
    expect(message("11")).toBe("priority.errors.weightRange");
    expect(message("-1")).toBe("priority.errors.weightRange");
  });
});

describe("CSV", () => {
  it("quotes separators, quotes and line breaks, and defuses formulas", () => {
    expect(csvField('Στέγη, "τώρα"')).toBe('"Στέγη, ""τώρα"""');
    expect(csvField("a\nb")).toBe('"a\nb"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField(-1)).toBe("-1");
    expect(csvField(null)).toBe("");
    expect(
      toCsv([
        ["a", 1],
        ["b", true],
      ]),
    ).toBe("a,1\r\nb,true\r\n");
  });
});

import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { KINDS, type LabelledExample, TARGET_GROUP_KEYS, THEME_KEYS } from "../analysis.types.ts";
import {
  type Categoriser,
  crossValidate,
  defaultCategoriser,
  deserializeCategoriser,
  loadDevExamples,
  trainCategoriser,
  withMetrics,
} from "./index.ts";
import { themesOf } from "./categoriser.ts";

// Sentences written for these tests (not from the dev files), each with what any sound model must say.
const UNSEEN = {
  health:
    "Χρειαζόμαστε περισσότερους παιδιάτρους στο κέντρο υγείας της Αμαλιάδας, τα παιδιά μας περιμένουν εβδομάδες για ραντεβού.",
  advert: "Πουλάω μεταχειρισμένο ποδήλατο σε άριστη κατάσταση, 120 ευρώ, τηλ. 6912345678",
  streetGreeklish:
    "Apopse koimountai ston dromo dipla sto limani tis Patras oikogeneies me moro, kanei kryo, voitheia tora!",
  english: "The Region should fund Greek language lessons and job training for refugees living in Agrinio.",
  training:
    "Προτείνω να δημιουργηθεί πρόγραμμα κατάρτισης για ανέργους άνω των 50 στη Ναύπακτο, με επιδότηση εργοδοτών για προσλήψεις.",
  fire: "Η φωτιά έκαψε το σπίτι μας χθες το βράδυ και μένουμε στο αυτοκίνητο με τα παιδιά, χρειαζόμαστε βοήθεια τώρα",
};

let examples: LabelledExample[];
let model: Categoriser;

beforeAll(() => {
  examples = loadDevExamples();
  model = defaultCategoriser();
});

describe("loadDevExamples", () => {
  it("reads every labelled line of the dev files with the LABELS.md fields", () => {
    expect(examples.length).toBeGreaterThanOrEqual(300);
    for (const e of examples) {
      expect(typeof e.text).toBe("string");
      expect(KINDS).toContain(e.kind);
      for (const t of e.themes) expect(THEME_KEYS).toContain(t);
      for (const g of e.target_groups) expect(TARGET_GROUP_KEYS).toContain(g);
    }
  });
});

describe("the default categoriser", () => {
  it("has a version naming the algorithm and the data", () => {
    expect(model.version).toMatch(/^cat-\d+-[0-9a-f]{10}$/);
    expect(model.meta.trainedOn.examples).toBe(examples.length);
    expect(defaultCategoriser()).toBe(model);
  });

  it("labels clear unseen sentences sensibly", () => {
    const labels = (text: string) => model.toLabels(model.predict(text));

    const health = labels(UNSEEN.health);
    expect(health.themes).toContain("health_care");
    expect(health.target_groups).toContain("child_family");
    expect(health.municipality).toBe("Ήλιδας");
    expect(health.off_topic).toBe(false);

    const advert = labels(UNSEEN.advert);
    expect(advert.off_topic).toBe(true);
    expect(advert.themes).toEqual([]);
    expect(advert.target_groups).toEqual([]);

    const street = labels(UNSEEN.streetGreeklish);
    expect(street.urgent).toBe(true);
    expect(street.themes).toContain("housing");
    expect(street.target_groups).toContain("homeless");
    expect(street.municipality).toBe("Πατρέων");

    const english = labels(UNSEEN.english);
    expect(english.kind).toBe("proposal");
    expect(english.target_groups).toContain("refugees_migrants");
    expect(english.themes).toContain("education_training");
    expect(english.municipality).toBe("Αγρινίου");

    const training = labels(UNSEEN.training);
    expect(training.kind).toBe("proposal");
    expect(training.themes).toContain("employment");
    expect(training.target_groups).toContain("unemployed");
    expect(training.urgent).toBe(false);

    const fire = labels(UNSEEN.fire);
    expect(fire.urgent).toBe(true);
    expect(fire.themes).toContain("housing");
  });

  it("gives confidences between 0 and 1, above one half for what it predicts", () => {
    const p = model.predict(UNSEEN.health);
    for (const s of [...p.themes, ...p.targetGroups]) {
      expect(s.confidence).toBeGreaterThanOrEqual(0.5);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }
    for (const c of [p.kind.confidence, p.urgent.confidence, p.offTopic.confidence]) {
      expect(c).toBeGreaterThanOrEqual(0);
      expect(c).toBeLessThanOrEqual(1);
    }
    const sorted = [...p.themes].sort((a, b) => b.confidence - a.confidence);
    expect(p.themes).toEqual(sorted);
  });

  it("handles empty and odd texts", () => {
    for (const text of ["", "   ", "!!!", "constructor __proto__ toString", "1234"]) {
      const labels = model.toLabels(model.predict(text));
      expect(KINDS).toContain(labels.kind);
    }
  });
});

describe("training", () => {
  it("is deterministic: same data, same version and predictions", () => {
    const subset = examples.slice(0, 150);
    const a = trainCategoriser(subset);
    const b = trainCategoriser(subset);
    expect(a.version).toBe(b.version);
    expect(a.serialize().equals(b.serialize())).toBe(true);
    for (const text of Object.values(UNSEEN)) expect(a.predict(text)).toEqual(b.predict(text));
    // Other data, other version.
    expect(trainCategoriser(examples.slice(0, 149)).version).not.toBe(a.version);
  });

  it("round-trips through serialize/deserialize with identical predictions", () => {
    const bytes = model.serialize();
    expect(bytes.length).toBeLessThan(5_000_000);
    const copy = deserializeCategoriser(bytes);
    expect(copy.version).toBe(model.version);
    expect(copy.meta).toEqual(model.meta);
    for (const e of examples.slice(0, 60)) expect(copy.predict(e.text)).toEqual(model.predict(e.text));
    for (const text of Object.values(UNSEEN)) expect(copy.predict(text)).toEqual(model.predict(text));
  });

  it("keeps metrics in the serialised model", () => {
    const measured = withMetrics(model, { themes_macro_f1: 0.5 });
    expect(deserializeCategoriser(measured.serialize()).meta.metrics).toEqual({ themes_macro_f1: 0.5 });
    expect(measured.predict(UNSEEN.fire)).toEqual(model.predict(UNSEEN.fire));
  });

  it("decides every theme at one shared threshold, target groups at their own", () => {
    // Header of serialize(): gzip of "SYNC", a 32-bit length, then JSON.
    const body = gunzipSync(model.serialize());
    const header = JSON.parse(body.toString("utf8", 8, 8 + body.readUInt32LE(4))) as {
      thresholds: number[];
    };
    const themes = header.thresholds.slice(0, THEME_KEYS.length);
    expect(new Set(themes).size).toBe(1);
    expect(themes[0]).toBeGreaterThan(0);
    expect(themes[0]).toBeLessThan(1);
    const groups = header.thresholds.slice(THEME_KEYS.length, THEME_KEYS.length + TARGET_GROUP_KEYS.length);
    expect(new Set(groups).size).toBeGreaterThan(1);
  });

  it("keeps a second theme only when it is close enough to the best one", () => {
    // Scores of the six themes; shared threshold 0.4.
    expect(Array.from(themesOf([0.9, 0.5, 0.1, 0, 0, 0], 0.4, 0))).toEqual([1, 1, 0, 0, 0, 0]);
    expect(Array.from(themesOf([0.9, 0.5, 0.1, 0, 0, 0], 0.4, 0.6))).toEqual([1, 0, 0, 0, 0, 0]);
    // None over the threshold: the best one if at least half-way there, else none.
    expect(Array.from(themesOf([0.1, 0.3, 0.1, 0, 0, 0], 0.4, 0.5))).toEqual([0, 1, 0, 0, 0, 0]);
    expect(Array.from(themesOf([0.1, 0.15, 0.1, 0, 0, 0], 0.4, 0.5))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("rejects models stored in an older format", () => {
    const body = gunzipSync(model.serialize());
    const length = body.readUInt32LE(4);
    const header = body
      .toString("utf8", 8, 8 + length)
      .replace("synochi-categoriser/2", "synochi-categoriser/1");
    const old = Buffer.concat([body.subarray(0, 8), Buffer.from(header, "utf8"), body.subarray(8 + length)]);
    expect(() => deserializeCategoriser(gzipSync(old))).toThrow(/Unsupported categoriser format/);
  });

  it("rejects bytes that are not a categoriser", () => {
    expect(() => deserializeCategoriser(Buffer.from("nonsense"))).toThrow(/Not a serialised categoriser/);
  });

  it("cross-validates without looking at the test folds", () => {
    const m = crossValidate(examples.slice(0, 120), { folds: 3, seed: 1 });
    expect(m.examples).toBe(120);
    for (const key of [
      "themes_macro_f1",
      "groups_micro_f1",
      "kind_acc",
      "muni_acc",
      "offtopic_f1",
    ] as const) {
      expect(m[key]).toBeGreaterThanOrEqual(0);
      expect(m[key]).toBeLessThanOrEqual(1);
    }
    expect(m.muni_acc).toBeGreaterThan(0.9);
  });
});

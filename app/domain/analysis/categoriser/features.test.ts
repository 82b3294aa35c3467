import { describe, expect, it } from "vitest";
import { greeklishToGreek, normalizeGreek, phoneticKey } from "~/domain/text/greek.ts";
import { detectScript, rawFeatures, textTokens } from "./features.ts";
import { englishGroups, greekGroups } from "./lexicon.ts";

describe("text normalisation for the categoriser", () => {
  it("folds case, accents and final sigma", () => {
    expect(normalizeGreek("ΣΤΈΓΑΣΗ Άστεγος")).toBe("στεγαση αστεγοσ");
  });

  it("tells Greek, Greeklish and English texts apart", () => {
    expect(detectScript("Χρειαζόμαστε στέγη για τις οικογένειες")).toBe("greek");
    expect(detectScript("xreiazomaste stegi gia tis oikogeneies sto xorio")).toBe("greeklish");
    expect(detectScript("We need housing for the families in the village")).toBe("english");
  });

  it("stems inflected forms of one word to one feature", () => {
    const stems = (t: string) => textTokens(t).stems;
    expect(stems("άστεγος")).toEqual(stems("άστεγοι"));
    expect(stems("οικογένεια")).toEqual(stems("οικογένειες"));
    expect(stems("νοσοκομείο")).toEqual(stems("νοσοκομείου"));
    expect(stems("στέγαση")).toEqual(stems("στέγασης"));
  });

  it("reads Greeklish as Greek before featurising, so both spellings meet", () => {
    expect(greeklishToGreek("stegasi")).toBe("στεγαση");
    expect(textTokens("i anergia").stems).toEqual(textTokens("η ανεργία").stems);
    expect(textTokens("stegasi").stems).toEqual(textTokens("στέγαση").stems);
    // A misspelt vowel (ι for η) still meets, through the phonetic key.
    expect(textTokens("stiriksi").stems).toEqual(textTokens("στήριξη").stems);
  });

  it("keeps English words English and stems them", () => {
    const { script, stems } = textTokens("The homeless families need housing");
    expect(script).toBe("english");
    expect(stems).toEqual(["en:homeless", "en:famili", "en:need", "en:hous"]);
  });

  it("drops stop words as content but keeps them as phrasing features", () => {
    const tokens = textTokens("Να δημιουργηθεί ένα κέντρο για τα παιδιά");
    expect(tokens.functionWords).toEqual(expect.arrayContaining(["να", "για", "τα"]));
    expect(tokens.stems).not.toContain("να");
  });

  it("maps domain words of either language to the same lexicon group", () => {
    expect(greekGroups(phoneticKey("νοσοκομείο"))).toContain("health");
    expect(englishGroups("hospital")).toContain("health");
    expect(textTokens("paidiki xara").groups).toContain("place");
  });

  it("matches Greek-script words to lexicon groups by spelling, so unrelated words do not collide", () => {
    const groups = (t: string) => textTokens(t).groups;
    expect(groups("Πωλείται διαμέρισμα")).toContain("selling");
    // πολύ/πόλη share the phonetic key "πολ" of πωλ-, Αίγιο the key "εγι" of έγκυος, πέντε "πεδ" of παιδί.
    expect(groups("πολύ πολλοί στην πόλη")).not.toContain("selling");
    expect(groups("στο Αίγιο έγινε")).not.toContain("family");
    expect(groups("πέντε")).not.toContain("family");
    expect(groups("τα παιδιά")).toContain("family");
    // Prefixes that also began common unrelated words.
    expect(groups("απόψε")).not.toContain("opine");
    expect(groups("η άποψή μου")).toContain("opine");
    expect(groups("απορρίπτουν")).not.toContain("money");
    expect(groups("σύριγγες")).not.toContain("migration");
    expect(groups("φροντιστήριο")).not.toContain("care");
    // Greeklish still meets the lexicon through phonetic keys.
    expect(groups("h giagia zei sto spiti")).toEqual(expect.arrayContaining(["elderly", "housing"]));
  });

  it("produces word, pair, character n-gram, lexicon and shape features", () => {
    const f = rawFeatures("ΒΟΗΘΕΙΑ!!! Η γιαγιά μου δεν έχει θέρμανση");
    const blocks = new Set([...f.keys()].map((k) => k.slice(0, 2)));
    expect(blocks).toEqual(new Set(["w:", "b:", "c:", "k:", "f:", "p:", "s:"]));
    expect(f.has("s:exclamations")).toBe(true);
    expect(f.get("k:cold")).toBe(1);
  });

  it("marks phone numbers, also masked ones ending in Greek Χ", () => {
    expect(rawFeatures("Τηλ. 26250 ΧΧΧΧΧ").has("s:phone")).toBe(true);
    expect(rawFeatures("kalese sto 69XXXXXXXX").has("s:phone")).toBe(true);
    expect(rawFeatures("Το επίδομα είναι 2610 ευρώ το χρόνο").has("s:phone")).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import {
  greeklishToGreek,
  greeklishVariants,
  hasGreek,
  hasLatin,
  isStopword,
  normalizeGreek,
  phoneticKey,
  tokenize,
  withFinalSigma,
} from "./greek.ts";

describe("normalizeGreek", () => {
  it("lower-cases, strips tonos and diaeresis and writes final sigma as σ", () => {
    expect(normalizeGreek("ΣΤΈΓΑΣΗ")).toBe("στεγαση");
    expect(normalizeGreek("Στέγαση")).toBe("στεγαση");
    expect(normalizeGreek("Προϋπολογισμός")).toBe("προυπολογισμοσ");
    expect(normalizeGreek("ΐ ΰ Ϊ Ϋ ώ")).toBe("ι υ ι υ ω");
    expect(normalizeGreek("ΟΔΟΣ")).toBe("οδοσ");
  });

  it("strips Latin accents and keeps digits and punctuation", () => {
    expect(normalizeGreek("Café, 2024!")).toBe("cafe, 2024!");
  });

  it("writes composed and decomposed accents alike", () => {
    expect(normalizeGreek("ά")).toBe(normalizeGreek("α\u0301"));
  });
});

describe("tokenize", () => {
  it("splits on anything but letters and digits, normalised", () => {
    expect(tokenize("Η στέγαση, 2024! «Παιδικοί-σταθμοί»")).toEqual([
      "η",
      "στεγαση",
      "2024",
      "παιδικοι",
      "σταθμοι",
    ]);
    expect(tokenize(" ;;; ")).toEqual([]);
  });
});

describe("script detection", () => {
  it("tells Greek from Latin letters", () => {
    expect(hasLatin("stegasi")).toBe(true);
    expect(hasLatin("στέγαση 2024")).toBe(false);
    expect(hasLatin("café")).toBe(true);
    expect(hasGreek("στέγαση")).toBe(true);
    expect(hasGreek("stegasi")).toBe(false);
  });
});

describe("withFinalSigma", () => {
  it("writes ς where a word ends", () => {
    expect(withFinalSigma("στεγασησ σταθμοσ, οδοσ")).toBe("στεγασης σταθμος, οδος");
    expect(withFinalSigma("σπιτι")).toBe("σπιτι");
  });
});

describe("greeklishToGreek", () => {
  it.each([
    ["stegasi", "στεγαση"],
    ["thermansi", "θερμανση"],
    ["8alassa", "θαλασσα"],
    ["3enodoxeio", "ξενοδοξειο"],
    ["psychologos", "ψυχολογος"],
    ["ksenonas", "ξενονας"],
    ["chronia", "χρονια"],
    ["khronia", "χρονια"],
    ["xronia", "χρονια"],
    ["oikogeneia", "οικογενεια"],
    ["ouranos", "ουρανος"],
    ["mpainw", "μπαινω"],
    ["boithia", "βοιθια"],
    ["kalh", "καλη"],
    ["hara", "χαρα"],
    ["aggelos", "αγγελος"],
    ["angelos", "αγγελος"],
    ["eurw", "ευρω"],
    ["autos", "αυτος"],
    ["ygeia", "υγεια"],
    ["paidikos stathmos", "παιδικος σταθμος"],
    ["stin patra", "στην πατρα"],
    ["exei", "εχει"],
  ])("reads %s as %s", (latin, greek) => {
    expect(greeklishToGreek(latin)).toBe(greek);
  });

  it("keeps Greek words, numbers and punctuation", () => {
    expect(greeklishToGreek("Στέγαση stin Patra, 2024!")).toBe("στεγαση στην πατρα, 2024!");
    expect(greeklishToGreek("2024")).toBe("2024");
  });
});

describe("greeklishVariants", () => {
  it("starts with the most likely reading and offers the ambiguous letters' other readings", () => {
    const stegasi = greeklishVariants("stegasi", 4);
    expect(stegasi[0]).toBe("στεγαση");
    expect(stegasi).toContain("στεγασι");
    expect(stegasi).toHaveLength(4);
    expect(greeklishVariants("ftwxeia", 4)).toEqual(["φτωξεια", "φτωχεια"]);
    expect(greeklishVariants("mpainw", 4)).toEqual(["μπαινω"]);
  });

  it("returns a non-Greeklish word normalised, alone", () => {
    expect(greeklishVariants("Στέγαση")).toEqual(["στεγαση"]);
  });

  it("never returns more than asked, nor duplicates", () => {
    const many = greeklishVariants("oikogeneiakos", 6);
    expect(many.length).toBeLessThanOrEqual(6);
    expect(new Set(many).size).toBe(many.length);
  });
});

describe("phoneticKey", () => {
  it("makes Greek spellings and their Greeklish readings meet", () => {
    expect(phoneticKey("στην")).toBe(phoneticKey(greeklishToGreek("stin")));
    expect(phoneticKey("φτώχεια")).toBe(phoneticKey(greeklishToGreek("ftwxeia")));
    expect(phoneticKey("φτώχεια")).toBe(phoneticKey(greeklishToGreek("ftoxia")));
    expect(phoneticKey("θάλασσα")).toBe(phoneticKey(greeklishToGreek("thalasa")));
    expect(phoneticKey("μπαίνω")).toBe(phoneticKey(greeklishToGreek("bainw")));
    expect(phoneticKey("Πάτρα")).toBe(phoneticKey(greeklishToGreek("patra")));
  });

  it("keeps different words apart", () => {
    expect(phoneticKey("στέγαση")).not.toBe(phoneticKey("θέρμανση"));
  });
});

describe("isStopword", () => {
  it("knows Greek function words with or without accents, and in Greeklish", () => {
    for (const w of ["και", "ΚΑΙ", "για", "στην", "από", "kai", "stin", "gia", "apo"]) {
      expect(isStopword(w)).toBe(true);
    }
    for (const w of ["στέγαση", "stegasi", "Πάτρα", "δήμος"]) expect(isStopword(w)).toBe(false);
  });
});

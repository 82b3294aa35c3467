import { describe, expect, it } from "vitest";
import el from "./el.json";
import en from "./en.json";
import { createT, formatNumber, negotiateLocale } from "./i18n.ts";

function keys(node: unknown, prefix = ""): string[] {
  if (typeof node !== "object" || node === null) return [prefix];
  return Object.entries(node).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe("translations", () => {
  it("has the same keys in Greek and English", () => {
    expect(keys(en).sort()).toEqual(keys(el).sort());
  });

  it("interpolates, pluralises and formats numbers per locale", () => {
    expect(createT("el")("home.submissions", { count: 1 })).toBe("1 κατάθεση");
    expect(createT("el")("home.submissions", { count: 1200 })).toBe("1.200 καταθέσεις");
    expect(createT("en")("home.submissions", { count: 1200 })).toBe("1,200 submissions");
    expect(formatNumber("el", 1234.5)).toBe("1.234,5");
  });

  it("is Greek unless the reader chose English", () => {
    expect(negotiateLocale("en")).toBe("en");
    expect(negotiateLocale(undefined)).toBe("el");
    expect(negotiateLocale("xx")).toBe("el");
    expect(negotiateLocale(undefined, "en")).toBe("en");
    expect(negotiateLocale("el", "en")).toBe("el");
  });
});

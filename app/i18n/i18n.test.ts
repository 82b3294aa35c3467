import { describe, expect, it } from "vitest";
import { areaMessages, coreMessages, messages } from "./messages.ts";
import { createT, formatNumber, negotiateLocale } from "./i18n.ts";

function keys(node: unknown, prefix = ""): string[] {
  if (typeof node !== "object" || node === null) return [prefix];
  return Object.entries(node).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe("translations", () => {
  it("has the same keys in Greek and English", () => {
    expect(keys(messages.en).sort()).toEqual(keys(messages.el).sort());
  });

  it("keeps each area in its own namespace, apart from the core file and other areas", () => {
    for (const locale of ["el", "en"] as const) {
      const seen = new Set(Object.keys(coreMessages[locale]));
      for (const area of areaMessages[locale]) {
        const top = Object.keys(area);
        expect(top).toHaveLength(1);
        expect(seen.has(top[0])).toBe(false);
        seen.add(top[0]);
      }
    }
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

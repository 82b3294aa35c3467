import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// UI text lives in el.json/en.json only: no letters between JSX tags, nor in common text attributes.
const ROOTS = ["app/routes", "app/components", "app/root.tsx"];
const TEXT_BETWEEN_TAGS = />\s*([^<>{}\s][^<>{}]*\p{L}{2,}[^<>{}]*)</gu;
const TEXT_ATTRIBUTE = /\b(aria-label|title|placeholder|alt)="([^"]*\p{L}[^"]*)"/gu;

function tsxFiles(entry: string): string[] {
  if (entry.endsWith(".tsx")) return [entry];
  return readdirSync(entry, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? tsxFiles(path.join(entry, d.name))
      : d.name.endsWith(".tsx")
        ? [path.join(entry, d.name)]
        : [],
  );
}

describe("UI strings", () => {
  it("are not hard-coded in components or routes", () => {
    const found: string[] = [];
    for (const file of ROOTS.flatMap(tsxFiles)) {
      const source = readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "");
      for (const m of source.matchAll(TEXT_BETWEEN_TAGS)) {
        // Skip TypeScript generics and comparisons that look like tags.
        if (/[=;()]|=>|\b(typeof|Promise|Record|Awaited)\b/.test(m[1])) continue;
        found.push(`${file}: ${m[1].trim()}`);
      }
      for (const m of source.matchAll(TEXT_ATTRIBUTE)) found.push(`${file}: ${m[1]}="${m[2]}"`);
    }
    expect(found).toEqual([]);
  });
});

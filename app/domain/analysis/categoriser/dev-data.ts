import fs from "node:fs";
import path from "node:path";
import { KINDS, type LabelledExample, TARGET_GROUP_KEYS, THEME_KEYS } from "../analysis.types.ts";
import { dataDirs } from "./paths.ts";

const DEV_FILE = /^submissions-dev.*\.jsonl$/;

/** The labelled dev files (prisma/data/submissions-dev*.jsonl, else ../shared/data/), main file first. */
export function devFiles(): string[] {
  for (const dir of dataDirs()) {
    const names = fs
      .readdirSync(dir)
      .filter((name) => DEV_FILE.test(name))
      .sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    if (names.length > 0) return names.map((name) => path.join(dir, name));
  }
  throw new Error(
    `No submissions-dev*.jsonl found in ${dataDirs().join(", ") || "prisma/data or ../shared/data"}`,
  );
}

/** One labelled JSONL line checked against LABELS.md; throws naming the place on a bad line. */
export function parseLabelledLine(line: string, where: string): LabelledExample {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`);
  }
  const strings = (v: unknown, allowed: readonly string[]) =>
    Array.isArray(v) && v.every((x) => typeof x === "string" && allowed.includes(x));
  if (
    typeof o.id !== "string" ||
    typeof o.text !== "string" ||
    !strings(o.themes, THEME_KEYS) ||
    !strings(o.target_groups, TARGET_GROUP_KEYS) ||
    !KINDS.includes(o.kind as never) ||
    typeof o.urgent !== "boolean" ||
    typeof o.off_topic !== "boolean" ||
    !(o.municipality === null || typeof o.municipality === "string")
  ) {
    throw new Error(`${where}: not a labelled example of LABELS.md`);
  }
  return {
    id: o.id,
    text: o.text,
    themes: o.themes as LabelledExample["themes"],
    target_groups: o.target_groups as LabelledExample["target_groups"],
    kind: o.kind as LabelledExample["kind"],
    urgent: o.urgent,
    municipality: o.municipality as string | null,
    off_topic: o.off_topic,
  };
}

export function loadExamplesFile(file: string): LabelledExample[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line.length > 0)
    .map(([line, n]) => parseLabelledLine(line, `${file}:${n}`));
}

/** Every labelled example of the dev files, in file order. */
export function loadDevExamples(): LabelledExample[] {
  return devFiles().flatMap(loadExamplesFile);
}

/**
 * Command-line analyser (issue 4): reads JSONL lines with `id` and `text`, writes one JSONL line per input
 * with the LABELS.md fields predicted by the categoriser. No database or Redis needed.
 *
 *   npm run analyse -- --in FILE.jsonl --out OUT.jsonl [--model model.bin] [--save-model model.bin]
 *
 * Bad lines (not JSON, no text) are reported on stderr with their line number and skipped; the exit code
 * is then 2. A missing file or a bad option exits with 1.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import {
  ALGORITHM_VERSION,
  type Categoriser,
  defaultCategoriser,
  deserializeCategoriser,
  trainedByThisAlgorithm,
} from "../app/domain/analysis/categoriser/index.ts";

const HELP = `Usage: npm run analyse -- --in FILE.jsonl --out OUT.jsonl [--model model.bin] [--save-model model.bin]

Reads one JSON object per line with "id" and "text" (other fields are ignored) and writes, for each, a line
with the fields of LABELS.md: id, themes, target_groups, kind, urgent, municipality, off_topic.

  --in FILE          input JSONL (required)
  --out FILE         output JSONL (required; "-" for standard output)
  --model FILE       a serialised categoriser (ClassifierModel.data); default: trained from the dev files
  --save-model FILE  also write the categoriser used, serialised, to FILE
  -h, --help         this help

Bad lines are reported on stderr and skipped (exit code 2); a missing file or bad option exits with 1.`;

function fail(message: string): never {
  process.stderr.write(`analyse: ${message}\n`);
  process.exit(1);
}

function main(): void {
  let values: { in?: string; out?: string; model?: string; "save-model"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        in: { type: "string" },
        out: { type: "string" },
        model: { type: "string" },
        "save-model": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`);
  }
  if (values.help) {
    process.stdout.write(HELP + "\n");
    return;
  }
  if (!values.in || !values.out) fail(`--in and --out are required\n\n${HELP}`);
  if (!fs.existsSync(values.in)) fail(`input file not found: ${values.in}`);

  const started = performance.now();
  let categoriser: Categoriser;
  if (values.model) {
    if (!fs.existsSync(values.model)) fail(`model file not found: ${values.model}`);
    try {
      categoriser = deserializeCategoriser(fs.readFileSync(values.model));
    } catch (error) {
      fail(`cannot read model ${values.model}: ${(error as Error).message}`);
    }
    if (!trainedByThisAlgorithm(categoriser)) {
      console.error(
        `warning: model ${categoriser.version} was trained by algorithm ${categoriser.meta.algorithm}; ` +
          `this release computes features for algorithm ${ALGORITHM_VERSION}, so its labels will be off. ` +
          `Omit --model to use the dev files' model, or retrain.`,
      );
    }
  } else {
    categoriser = defaultCategoriser();
  }
  if (values["save-model"]) fs.writeFileSync(values["save-model"], categoriser.serialize());
  const loaded = performance.now();

  const lines = fs.readFileSync(values.in, "utf8").split(/\r?\n/);
  const out: string[] = [];
  let bad = 0;
  const analyseStart = performance.now();
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const where = `${values.in}:${index + 1}`;
    let input: unknown;
    try {
      input = JSON.parse(line);
    } catch (error) {
      process.stderr.write(`analyse: ${where}: not valid JSON (${(error as Error).message}); skipped\n`);
      bad++;
      return;
    }
    const record = input as { id?: unknown; text?: unknown } | null;
    if (!record || typeof record !== "object" || Array.isArray(record)) {
      process.stderr.write(`analyse: ${where}: not a JSON object; skipped\n`);
      bad++;
      return;
    }
    if (typeof record.id !== "string" && typeof record.id !== "number") {
      process.stderr.write(`analyse: ${where}: missing "id" (string); skipped\n`);
      bad++;
      return;
    }
    if (typeof record.text !== "string") {
      process.stderr.write(`analyse: ${where}: missing "text" (string); skipped\n`);
      bad++;
      return;
    }
    const labels = categoriser.toLabels(categoriser.predict(record.text));
    out.push(
      JSON.stringify({
        id: String(record.id),
        themes: labels.themes,
        target_groups: labels.target_groups,
        kind: labels.kind,
        urgent: labels.urgent,
        municipality: labels.municipality,
        off_topic: labels.off_topic,
      }),
    );
  });
  const analysed = performance.now() - analyseStart;
  const body = out.length > 0 ? out.join("\n") + "\n" : "";
  if (values.out === "-") process.stdout.write(body);
  else fs.writeFileSync(values.out, body);

  const rate = analysed > 0 ? Math.round((out.length / analysed) * 1000) : out.length;
  process.stderr.write(
    `analyse: ${out.length} texts analysed in ${Math.round(analysed)} ms (${rate}/s), model ${categoriser.version} ` +
      `ready in ${Math.round(loaded - started)} ms` +
      (bad > 0 ? `; ${bad} bad line${bad === 1 ? "" : "s"} skipped` : "") +
      "\n",
  );
  if (bad > 0) process.exitCode = 2;
}

main();

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { asOlderAlgorithm } from "../../../../tests/helpers/models.ts";

const root = path.resolve(import.meta.dirname, "../../../..");
const tsx = path.join(root, "node_modules/.bin/tsx");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synochi-analyse-"));

function analyse(...args: string[]) {
  return spawnSync(tsx, ["scripts/analyse.ts", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("npm run analyse", () => {
  it("writes the LABELS.md fields for each good line and reports bad ones", { timeout: 240_000 }, () => {
    const input = path.join(dir, "in.jsonl");
    const output = path.join(dir, "out.jsonl");
    const model = path.join(dir, "model.bin");
    fs.writeFileSync(
      input,
      [
        JSON.stringify({
          id: "t-1",
          text: "Στην Πάτρα κοιμούνται άστεγοι στον δρόμο με αυτό το κρύο",
          script: "greek",
        }),
        "{not json",
        JSON.stringify({ id: "t-3" }),
        "",
        JSON.stringify({ id: "t-4", text: "Pwlisi ilektrikwn skoupwn, 50 eurw, tilefwno 6900000000" }),
      ].join("\n"),
    );
    const run = analyse("--in", input, "--out", output, "--save-model", model);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${input}:2: not valid JSON`);
    expect(run.stderr).toContain(`${input}:3: missing "text"`);
    expect(run.stderr).toMatch(/2 texts analysed in \d+ ms/);
    const lines = fs
      .readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(["t-1", "t-4"]);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual([
        "id",
        "themes",
        "target_groups",
        "kind",
        "urgent",
        "municipality",
        "off_topic",
      ]);
    }
    expect(lines[0].municipality).toBe("Πατρέων");
    expect(lines[0].target_groups).toContain("homeless");

    // The saved model, given back with --model, gives the same output.
    const again = path.join(dir, "again.jsonl");
    const rerun = analyse("--in", input, "--out", again, "--model", model);
    expect(rerun.status).toBe(2);
    expect(rerun.stderr).not.toContain("warning");
    expect(fs.readFileSync(again, "utf8")).toBe(fs.readFileSync(output, "utf8"));

    // A model of an older algorithm is still used as asked, with a warning that its labels will be off.
    const older = path.join(dir, "older.bin");
    fs.writeFileSync(older, asOlderAlgorithm(fs.readFileSync(model)));
    const stale = analyse("--in", input, "--out", path.join(dir, "stale.jsonl"), "--model", older);
    expect(stale.status).toBe(2);
    expect(stale.stderr).toContain(`warning: model cat-0-`);
    expect(stale.stderr).toContain("Omit --model");
  });

  // Four tsx processes: well over vitest's default 5 s when the machine is busy.
  it(
    "fails clearly on a missing file, a bad model or missing options, and has --help",
    {
      timeout: 120_000,
    },
    () => {
      const missing = analyse("--in", path.join(dir, "nope.jsonl"), "--out", path.join(dir, "x.jsonl"));
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain("input file not found");

      const input = path.join(dir, "one.jsonl");
      fs.writeFileSync(input, JSON.stringify({ id: "a", text: "x" }) + "\n");
      const badModel = path.join(dir, "bad.bin");
      fs.writeFileSync(badModel, "not a model");
      const bad = analyse("--in", input, "--out", path.join(dir, "y.jsonl"), "--model", badModel);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain("cannot read model");

      const noOut = analyse("--in", input);
      expect(noOut.status).toBe(1);
      expect(noOut.stderr).toContain("--in and --out are required");

      const help = analyse("--help");
      expect(help.status).toBe(0);
      expect(help.stdout).toContain("Usage: npm run analyse");
    },
  );
});

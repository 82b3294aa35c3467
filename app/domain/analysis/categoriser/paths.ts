import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, from this file's place (app/domain/analysis/categoriser/). */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

/**
 * Path of a data file shipped with the project: prisma/data/<name>, else ../shared/data/<name> (where the
 * labelled files are published), looked up from the repository root and from the working directory.
 */
export function findDataFile(name: string): string {
  const found = dataDirs()
    .map((dir) => path.join(dir, name))
    .find((file) => fs.existsSync(file));
  if (!found) throw new Error(`Data file ${name} not found in ${dataDirs().join(", ")}`);
  return found;
}

/** Directories holding data files, most specific first, that exist. */
export function dataDirs(): string[] {
  const roots = [...new Set([repoRoot, process.cwd()])];
  const dirs = roots.flatMap((root) => [path.join(root, "prisma/data"), path.join(root, "../shared/data")]);
  return [...new Set(dirs)].filter((dir) => fs.existsSync(dir));
}

/**
 * Prints the SQL that Prisma's schema engine generates to go from one Prisma schema to another: the SQL
 * `prisma migrate dev` would write into a new migration. This is how
 * `prisma/migrations/20261123000000_init/migration.sql` was produced (its part above the "not generated
 * by Prisma" marker is this script's output, verbatim).
 *
 * Why: `prisma migrate` needs a schema-engine binary that it downloads from the internet, which these
 * machines cannot reach (and with a dummy binary `migrate diff` silently prints nothing). The same engine
 * is published on npm as `@prisma/schema-engine-wasm`; its schema-to-schema `diff` runs here.
 *
 *   tsx scripts/schema-sql.ts                               # empty database → prisma/schema.prisma
 *   git show HEAD:prisma/schema.prisma > /tmp/old.prisma
 *   tsx scripts/schema-sql.ts --from /tmp/old.prisma        # old schema → prisma/schema.prisma
 *   tsx scripts/schema-sql.ts --from a.prisma --to b.prisma
 *
 * Put the output in `prisma/migrations/<yyyymmddhhmmss>_<name>/migration.sql`, append any hand-written
 * SQL (triggers, CHECKs, partial indexes) below a clear comment, and never edit an applied migration.
 *
 * Notes:
 * - The engine package is NOT a project dependency: on first use this script installs the version that
 *   matches the installed Prisma (`@prisma/engines-version`) with npm into a cache folder outside the
 *   project (`$SCHEMA_ENGINE_WASM_DIR`, default `<tmpdir>/synochi-schema-engine-wasm-<version>`). It needs
 *   the npm registry once.
 * - The Wasm engine insists on a driver adapter even for a schema-to-schema diff, and opens a connection
 *   with it (it reads nothing and changes nothing): PostgreSQL must be reachable at `$DATABASE_URL`
 *   (default postgres://postgres@127.0.0.1:5432/postgres).
 * - A diff from the empty schema starts with `CREATE SCHEMA IF NOT EXISTS "public";`. `migrate dev` does
 *   not emit it (its shadow database already has `public`) and PostgreSQL checks the CREATE privilege on
 *   the database before it looks at IF NOT EXISTS, so an application role without that privilege would
 *   fail on it: the script drops that statement unless `--keep-create-schema` is given.
 * - The engine's `createMigration` (the real `migrate dev` path) would need a shadow database that the
 *   Wasm build of 7.10 cannot set up ("PostgreSQL shadow DB must be provided through an external
 *   factory"), and diffing from a live database fails in its introspection ("Column type 'char' could not
 *   be deserialized"): schema-to-schema diff is the path that works.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);
const PACKAGE = "@prisma/schema-engine-wasm";

interface Args {
  from: string; // "empty" or a path
  to: string;
  keepCreateSchema: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { from: "empty", to: "prisma/schema.prisma", keepCreateSchema: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--from") args.from = argv[++i] ?? args.from;
    else if (arg === "--to") args.to = argv[++i] ?? args.to;
    else if (arg === "--keep-create-schema") args.keepCreateSchema = true;
    else {
      console.error(
        `Unknown argument ${arg}.\nUsage: tsx scripts/schema-sql.ts [--from empty|OLD.prisma] [--to NEW.prisma] [--keep-create-schema]`,
      );
      process.exit(2);
    }
  }
  return args;
}

/** The engine build that matches the installed Prisma, e.g. 7.10.0-4.0edf323e…; published under the same version. */
function engineVersion(): string {
  const pkg = JSON.parse(readFileSync(require.resolve("@prisma/engines-version/package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function ensureEngine(version: string): string {
  const dir =
    process.env.SCHEMA_ENGINE_WASM_DIR ?? path.join(os.tmpdir(), `synochi-schema-engine-wasm-${version}`);
  const pkgDir = path.join(dir, "node_modules", ...PACKAGE.split("/"));
  if (!existsSync(path.join(pkgDir, "schema_engine_bg.wasm"))) {
    console.error(`installing ${PACKAGE}@${version} into ${dir}`);
    execFileSync(
      "npm",
      [
        "install",
        "--prefix",
        dir,
        "--no-save",
        "--no-package-lock",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        `${PACKAGE}@${version}`,
      ],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  }
  return pkgDir;
}

interface DiffTarget {
  tag: string;
  files?: { path: string; content: string }[];
}
interface WasmSchemaEngine {
  diff(params: {
    from: DiffTarget;
    to: DiffTarget;
    script: boolean;
    exitCode: boolean | null;
    filters: { externalTables: string[]; externalEnums: string[] };
  }): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}
interface EngineModule {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  version(): string;
  SchemaEngine: {
    new: (
      options: { datamodels: undefined },
      log: (msg: string) => void,
      adapter: object,
    ) => Promise<WasmSchemaEngine>;
  };
}

/** The package is built for bundlers (`import * as wasm from "./x.wasm"`); Node needs the instance made by hand. */
async function loadEngine(pkgDir: string): Promise<EngineModule> {
  const glue = (await import(pathToFileURL(path.join(pkgDir, "schema_engine_bg.js")).href)) as EngineModule;
  const bytes = readFileSync(path.join(pkgDir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, {
    "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

function target(spec: string): DiffTarget {
  if (spec === "empty") return { tag: "empty" };
  return {
    tag: "schemaDatamodel",
    files: [{ path: path.basename(spec), content: readFileSync(spec, "utf8") }],
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const version = engineVersion();
  const engineModule = await loadEngine(ensureEngine(version));

  const factory = new PrismaPg({
    connectionString: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  });
  const engine = await engineModule.SchemaEngine.new(
    { datamodels: undefined },
    (msg: string) => {
      if (process.env.DEBUG) console.error(msg);
    },
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  const result = await engine.diff({
    from: target(args.from),
    to: target(args.to),
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  let sql = result.stdout ?? "";
  if (!args.keepCreateSchema)
    sql = sql.replace(/^-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n/, "");
  console.error(`schema engine ${engineModule.version()} (${PACKAGE}@${version}): ${args.from} → ${args.to}`);
  // Flush before exiting: the adapter's pool would otherwise keep the process alive.
  process.stdout.write(sql, () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

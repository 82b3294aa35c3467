/**
 * prisma/schema.prisma and the SQL in prisma/migrations must agree: `prisma migrate` cannot run on our
 * machines, so the migrations are SQL written for it (scripts/schema-sql.ts) and applied by our own
 * runner (scripts/migrate.ts). This test migrates a fresh database (a clone of the migrated template,
 * tests/helpers/db.ts), reads the Prisma DMMF of the schema and compares the two: tables, columns (type,
 * nullability, default, nothing extra), primary keys, unique and plain indexes, enums and their values in
 * order, foreign keys with their ON DELETE / ON UPDATE rules. Every mismatch is reported as one line.
 *
 * It also checks the hand-written part of the migrations (what Prisma's schema language cannot express):
 * the append-only moderation log, the CHECKs on Comment and CommentVote, the outbox's partial index and
 * the unaccent extension.
 *
 * The DMMF comes from the Prisma CLI's own schema Wasm (node_modules/prisma/build/
 * prisma_schema_build_bg.wasm, the module behind `getDMMF` of @prisma/internals, which is not installed):
 * Prisma 7's generated client only carries a reduced data model without nullability or ids.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../helpers/db.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const SCHEMA_FILE = path.join(repoRoot, "prisma/schema.prisma");

/** Indexes the migrations add by hand (Prisma cannot express them); any other index must come from the schema. */
const HAND_WRITTEN_INDEXES = new Set([
  "OutboxEvent_pending_idx",
  // Full-text and trigram search (prisma/migrations/20261123120000_search).
  "Consultation_search_idx",
  "ConsultationArticle_search_idx",
  "Submission_search_idx",
  "Submission_title_search_idx",
  "Submission_title_trgm_idx",
  "Comment_search_idx",
  // Near-duplicate submissions (prisma/migrations/20261123150000_near_duplicates).
  "Submission_duplicate_trgm_idx",
]);

// ───────────────────────────── DMMF ─────────────────────────────

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object" | "unsupported";
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
}
interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName: string | null }[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  isDefinedOnField: boolean;
  name?: string | null;
  dbName?: string | null;
  fields: { name: string; sortOrder?: "asc" | "desc" }[];
}
interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };
}

/**
 * `get_dmmf` of Prisma's schema Wasm, with the few lines of wasm-bindgen glue it needs (its four imports:
 * panic message, Error, throw, externref table init). Same input as @prisma/internals' getDMMF.
 */
function getDmmf(schemaFiles: [string, string][]): Dmmf {
  const require = createRequire(import.meta.url);
  const wasmFile = path.join(
    path.dirname(require.resolve("prisma/package.json")),
    "build/prisma_schema_build_bg.wasm",
  );
  // eslint-disable-next-line prefer-const -- assigned once the instance exists (closures above read it)
  let exports: Record<string, unknown> & { memory: WebAssembly.Memory };
  let panicMessage = "";
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true, fatal: true });
  const read = (ptr: number, len: number) =>
    decoder.decode(new Uint8Array(exports.memory.buffer, ptr >>> 0, len));
  // wasm-bindgen suffixes its import names with a hash that changes between builds: match on the stem.
  const shims: [string, (...args: number[]) => unknown][] = [
    [
      "__wbg_set_message_",
      (ptr, len) => {
        panicMessage = read(ptr, len);
      },
    ],
    ["__wbg_Error_", (ptr, len) => new Error(read(ptr, len))],
    [
      "__wbg___wbindgen_throw_",
      (ptr, len) => {
        throw new Error(read(ptr, len));
      },
    ],
    [
      "__wbindgen_init_externref_table",
      () => {
        const table = exports.__wbindgen_externrefs as WebAssembly.Table;
        const offset = table.grow(4);
        table.set(0, undefined);
        table.set(offset + 0, undefined);
        table.set(offset + 1, null);
        table.set(offset + 2, true);
        table.set(offset + 3, false);
      },
    ],
  ];
  const module = new WebAssembly.Module(readFileSync(wasmFile));
  const glue: Record<string, (...args: number[]) => unknown> = {};
  const missing: string[] = [];
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    const shim = shims.find(([stem]) => name.startsWith(stem));
    if (from === "__wbindgen_placeholder__" && shim) glue[name] = shim[1];
    else missing.push(`${from}.${name}`);
  }
  if (missing.length > 0) {
    throw new Error(
      `${wasmFile} (a new Prisma version?) needs imports this test does not provide: ${missing.join(", ")}. ` +
        `Copy them from the wasm-bindgen glue in node_modules/prisma/build/cli.js (search "get_dmmf=function").`,
    );
  }
  exports = new WebAssembly.Instance(module, { __wbindgen_placeholder__: glue }).exports as typeof exports;
  (exports.__wbindgen_start as () => void)();

  const input = new TextEncoder().encode(JSON.stringify({ prismaSchema: schemaFiles, noColor: true }));
  const malloc = exports.__wbindgen_malloc as (size: number, align: number) => number;
  const free = exports.__wbindgen_free as (ptr: number, len: number, align: number) => void;
  const ptr = malloc(input.length, 1) >>> 0;
  new Uint8Array(exports.memory.buffer).set(input, ptr);
  let result: [number, number, number, number];
  try {
    result = (exports.get_dmmf as (ptr: number, len: number) => [number, number, number, number])(
      ptr,
      input.length,
    );
  } catch (error) {
    throw new Error(`Prisma's schema Wasm crashed: ${panicMessage || (error as Error).message}`);
  }
  const [outPtr, outLen, errRef, isErr] = result;
  if (isErr) {
    const error = (exports.__wbindgen_externrefs as WebAssembly.Table).get(errRef) as Error;
    (exports.__externref_table_dealloc as (i: number) => void)(errRef);
    throw new Error(`get_dmmf failed: ${error?.message ?? String(error)}`);
  }
  try {
    return JSON.parse(read(outPtr, outLen)) as Dmmf;
  } finally {
    free(outPtr, outLen, 1);
  }
}

// ───────────────────────────── What Prisma would create ─────────────────────────────

const MAX_IDENTIFIER = 63;

/** Prisma's default constraint/index name: <Table>_<col>_<col>_<suffix>, the prefix cut to fit 63 bytes. */
function defaultName(table: string, columns: string[], suffix: string): string {
  const prefix = columns.length ? `${table}_${columns.join("_")}` : table;
  return `${prefix.slice(0, MAX_IDENTIFIER - suffix.length - 1)}_${suffix}`;
}

/** PostgreSQL type (pg_type.typname, arrays as _elem) Prisma uses for a scalar without @db.* attribute. */
const DEFAULT_TYPES: Record<string, string> = {
  String: "text",
  Int: "int4",
  BigInt: "int8",
  Float: "float8",
  Decimal: "numeric",
  Boolean: "bool",
  DateTime: "timestamp",
  Json: "jsonb",
  Bytes: "bytea",
};

/** @db.* native types → typname (the common ones; extend when the schema uses another). */
const NATIVE_TYPES: Record<string, string> = {
  Text: "text",
  VarChar: "varchar",
  Char: "bpchar",
  Uuid: "uuid",
  Citext: "citext",
  Inet: "inet",
  Integer: "int4",
  SmallInt: "int2",
  BigInt: "int8",
  Real: "float4",
  DoublePrecision: "float8",
  Decimal: "numeric",
  Money: "money",
  Boolean: "bool",
  Timestamp: "timestamp",
  Timestamptz: "timestamptz",
  Date: "date",
  Time: "time",
  Timetz: "timetz",
  Json: "json",
  JsonB: "jsonb",
  ByteA: "bytea",
  Xml: "xml",
  Bit: "bit",
  VarBit: "varbit",
};

function tableOf(model: DmmfModel): string {
  return model.dbName ?? model.name;
}
function columnOf(field: DmmfField): string {
  return field.dbName ?? field.name;
}

function expectedType(
  field: DmmfField,
  enumsByName: Map<string, DmmfEnum>,
): { typname: string; precision?: number } | string {
  let typname: string | undefined;
  let precision: number | undefined;
  if (field.kind === "enum") {
    const e = enumsByName.get(field.type);
    typname = e ? (e.dbName ?? e.name) : field.type;
  } else if (field.nativeType) {
    const [native, args] = field.nativeType;
    typname = NATIVE_TYPES[native];
    if (!typname) return `native type @db.${native} is not known to this test: add it to NATIVE_TYPES`;
    if (["Timestamp", "Timestamptz", "Time", "Timetz"].includes(native))
      precision = args.length ? Number(args[0]) : 6;
  } else {
    typname = DEFAULT_TYPES[field.type];
    if (!typname) return `Prisma type ${field.type} is not known to this test: add it to DEFAULT_TYPES`;
    if (field.type === "DateTime") precision = 3;
  }
  return { typname: field.isList ? `_${typname}` : typname, precision };
}

/** The literal of a column default as PostgreSQL reports it: `'el'::text` → el, `'-1'::integer` → -1, `0` → 0. */
function defaultLiteral(sqlDefault: string): string {
  const match = /^\s*('(?:[^']|'')*'|[^:]+?)\s*(?:::.*)?$/s.exec(sqlDefault);
  const raw = match ? match[1] : sqlDefault;
  return raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw;
}

/** Describes how the column default disagrees with the field's @default, or returns null when it agrees. */
function defaultMismatch(
  field: DmmfField,
  table: string,
  column: string,
  actual: string | null,
): string | null {
  const d = field.default;
  const fn =
    d !== null && typeof d === "object" && !Array.isArray(d) ? (d as { name: string }).name : undefined;
  if (!field.hasDefaultValue || fn === "cuid" || fn === "uuid" || fn === "nanoid" || fn === "ulid") {
    // No default in the database: @updatedAt and client-side id generators are filled in by the client.
    return actual === null ? null : `has DEFAULT ${actual}, the schema none`;
  }
  if (actual === null) return `has no DEFAULT, the schema @default(${JSON.stringify(d)})`;
  if (fn === "now")
    return /^(CURRENT_TIMESTAMP|now\(\))$/i.test(actual)
      ? null
      : `DEFAULT ${actual}, expected CURRENT_TIMESTAMP`;
  if (fn === "autoincrement") {
    const seq = `${table}_${column}_seq`;
    return actual.includes(`nextval(`) && actual.includes(seq)
      ? null
      : `DEFAULT ${actual}, expected nextval('"${seq}"')`;
  }
  if (fn === "dbgenerated" || fn === "sequence") return null; // free-form SQL: presence is all we can check
  if (fn !== undefined) return `@default(${fn}()) is not known to this test`;
  if (Array.isArray(d)) return null; // list defaults ('{a,b}'): not used in this schema
  const literal = defaultLiteral(actual);
  if (typeof d === "number") return Number(literal) === d ? null : `DEFAULT ${actual}, expected ${d}`;
  if (typeof d === "boolean") return literal === String(d) ? null : `DEFAULT ${actual}, expected ${d}`;
  return literal === String(d) ? null : `DEFAULT ${actual}, expected '${String(d)}'`;
}

// ───────────────────────────── What the database has ─────────────────────────────

interface DbColumn {
  table: string;
  column: string;
  typname: string;
  nullable: boolean;
  precision: number | null;
  default: string | null;
}
interface DbIndex {
  table: string;
  name: string;
  unique: boolean;
  primary: boolean;
  columns: (string | null)[]; // null: an expression
  desc: boolean[];
  partial: boolean;
}
interface DbForeignKey {
  table: string;
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}
interface DbSchema {
  tables: string[];
  columns: DbColumn[];
  indexes: DbIndex[];
  primaryKeys: { table: string; name: string; columns: string[] }[];
  foreignKeys: DbForeignKey[];
  enums: Map<string, string[]>;
}

const RULES: Record<string, string> = {
  a: "NoAction",
  r: "Restrict",
  c: "Cascade",
  n: "SetNull",
  d: "SetDefault",
};

async function readDatabase(client: pg.Client): Promise<DbSchema> {
  const tables = await client.query<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
      ORDER BY 1`,
  );
  const columns = await client.query<DbColumn>(
    `SELECT c.table_name AS table, c.column_name AS column, c.udt_name AS typname,
            c.is_nullable = 'YES' AS nullable, c.datetime_precision AS precision, c.column_default AS default
       FROM information_schema.columns c
      WHERE c.table_schema = 'public' AND c.table_name <> '_prisma_migrations'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const indexes = await client.query<DbIndex>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
            ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum <> 0
                   ORDER BY k.ord) AS columns,
            ARRAY(SELECT (o.opt & 1) = 1 FROM unnest(x.indoption::int2[]) WITH ORDINALITY o(opt, ord) ORDER BY o.ord) AS desc,
            x.indpred IS NOT NULL AS partial
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
      ORDER BY 1, 2`,
  );
  const constraints = await client.query<{
    table: string;
    name: string;
    type: string;
    columns: string[];
    ref_table: string | null;
    ref_columns: string[] | null;
    on_delete: string;
    on_update: string;
  }>(
    `SELECT t.relname AS table, c.conname AS name, c.contype AS type,
            ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
            r.relname AS ref_table,
            CASE WHEN c.contype = 'f' THEN
              ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord)
            END AS ref_columns,
            c.confdeltype AS on_delete, c.confupdtype AS on_update
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       LEFT JOIN pg_class r ON r.oid = c.confrelid
      WHERE n.nspname = 'public' AND c.contype IN ('p', 'f') AND t.relname <> '_prisma_migrations'
      ORDER BY 1, 2`,
  );
  const enums = await client.query<{ name: string; values: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
       FROM pg_type t
       JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public'
      GROUP BY t.typname`,
  );
  return {
    tables: tables.rows.map((r) => r.table),
    columns: columns.rows,
    indexes: indexes.rows,
    primaryKeys: constraints.rows
      .filter((c) => c.type === "p")
      .map((c) => ({ table: c.table, name: c.name, columns: c.columns })),
    foreignKeys: constraints.rows
      .filter((c) => c.type === "f")
      .map((c) => ({
        table: c.table,
        name: c.name,
        columns: c.columns,
        refTable: c.ref_table ?? "?",
        refColumns: c.ref_columns ?? [],
        onDelete: RULES[c.on_delete] ?? c.on_delete,
        onUpdate: RULES[c.on_update] ?? c.on_update,
      })),
    enums: new Map(enums.rows.map((r) => [r.name, r.values])),
  };
}

// ───────────────────────────── Comparison ─────────────────────────────

const list = (cols: readonly (string | null)[]) => `(${cols.map((c) => c ?? "<expression>").join(", ")})`;
const sameList = (a: readonly (string | null)[], b: readonly (string | null)[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function compareTablesAndColumns(dmmf: Dmmf, db: DbSchema): string[] {
  const problems: string[] = [];
  const enumsByName = new Map(dmmf.datamodel.enums.map((e) => [e.name, e]));
  const modelTables = new Set(dmmf.datamodel.models.map(tableOf));
  const dbTables = new Set(db.tables);
  for (const model of dmmf.datamodel.models) {
    const table = tableOf(model);
    if (!dbTables.has(table)) {
      problems.push(`model ${model.name}: table "${table}" is missing`);
      continue;
    }
    const dbColumns = new Map(db.columns.filter((c) => c.table === table).map((c) => [c.column, c]));
    const scalars = model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
    for (const field of scalars) {
      const column = columnOf(field);
      const where = `${model.name}.${field.name} ("${table}"."${column}")`;
      const actual = dbColumns.get(column);
      if (!actual) {
        problems.push(`${where}: column is missing`);
        continue;
      }
      const expected = expectedType(field, enumsByName);
      if (typeof expected === "string") {
        problems.push(`${where}: ${expected}`);
      } else {
        if (actual.typname !== expected.typname) {
          problems.push(
            `${where}: type is ${actual.typname}, expected ${expected.typname} (${field.type}${field.isList ? "[]" : ""})`,
          );
        } else if (expected.precision !== undefined && actual.precision !== expected.precision) {
          problems.push(
            `${where}: timestamp precision is ${actual.precision}, expected ${expected.precision}`,
          );
        }
      }
      // Prisma creates scalar lists without NOT NULL; every other required field is NOT NULL.
      const expectNullable = field.isList ? true : !field.isRequired;
      if (actual.nullable !== expectNullable) {
        problems.push(
          `${where}: column is ${actual.nullable ? "nullable" : "NOT NULL"}, expected ${expectNullable ? "nullable" : "NOT NULL"}`,
        );
      }
      const badDefault = defaultMismatch(field, table, column, actual.default);
      if (badDefault) problems.push(`${where}: ${badDefault}`);
    }
    const known = new Set(scalars.map(columnOf));
    for (const column of dbColumns.keys()) {
      if (!known.has(column))
        problems.push(
          `model ${model.name}: table "${table}" has column "${column}", which the schema does not have`,
        );
    }
  }
  for (const table of db.tables) {
    if (!modelTables.has(table))
      problems.push(`table "${table}" exists in the database but no model maps to it`);
  }
  return problems;
}

function modelColumns(model: DmmfModel, fieldNames: string[]): string[] {
  return fieldNames.map((name) => {
    const field = model.fields.find((f) => f.name === name);
    return field ? columnOf(field) : name;
  });
}

function comparePrimaryKeys(dmmf: Dmmf, db: DbSchema): string[] {
  const problems: string[] = [];
  for (const model of dmmf.datamodel.models) {
    const table = tableOf(model);
    const idFields = model.primaryKey?.fields ?? model.fields.filter((f) => f.isId).map((f) => f.name);
    const expected = modelColumns(model, idFields);
    const idIndex = dmmf.datamodel.indexes.find((i) => i.model === model.name && i.type === "id");
    const expectedName = idIndex?.dbName ?? `${table.slice(0, MAX_IDENTIFIER - 5)}_pkey`;
    const actual = db.primaryKeys.find((p) => p.table === table);
    if (expected.length === 0) {
      if (actual)
        problems.push(
          `model ${model.name}: the schema has no @id/@@id but "${table}" has primary key ${list(actual.columns)}`,
        );
      continue;
    }
    if (!actual) {
      if (db.tables.includes(table))
        problems.push(`model ${model.name}: primary key ${list(expected)} is missing`);
      continue;
    }
    if (!sameList(actual.columns, expected)) {
      problems.push(
        `model ${model.name}: primary key is ${list(actual.columns)}, expected ${list(expected)}`,
      );
    }
    if (actual.name !== expectedName) {
      problems.push(`model ${model.name}: primary key is named "${actual.name}", expected "${expectedName}"`);
    }
  }
  return problems;
}

function compareIndexes(dmmf: Dmmf, db: DbSchema): string[] {
  const problems: string[] = [];
  const modelsByName = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
  const matched = new Set<DbIndex>();
  for (const idx of dmmf.datamodel.indexes) {
    if (idx.type !== "unique" && idx.type !== "normal") continue;
    const model = modelsByName.get(idx.model);
    if (!model) continue;
    const table = tableOf(model);
    const columns = modelColumns(
      model,
      idx.fields.map((f) => f.name),
    );
    const unique = idx.type === "unique";
    const name = idx.dbName ?? defaultName(table, columns, unique ? "key" : "idx");
    const what = `model ${model.name}: ${unique ? "@unique" : "@@index"}${list(columns)}`;
    const candidates = db.indexes.filter(
      (i) =>
        i.table === table && !i.primary && !i.partial && sameList(i.columns, columns) && i.unique === unique,
    );
    const actual = candidates.find((i) => i.name === name) ?? candidates[0];
    if (!actual) {
      const sameName = db.indexes.find((i) => i.table === table && i.name === name);
      problems.push(
        sameName
          ? `${what}: index "${name}" is ${sameName.unique ? "UNIQUE " : ""}${sameName.partial ? "partial " : ""}on ${list(sameName.columns)}, expected ${unique ? "UNIQUE " : ""}on ${list(columns)}`
          : `${what}: no ${unique ? "unique " : ""}index over exactly these columns (expected "${name}")`,
      );
      if (sameName) matched.add(sameName);
      continue;
    }
    matched.add(actual);
    if (actual.name !== name) problems.push(`${what}: index is named "${actual.name}", expected "${name}"`);
    const desc = idx.fields.map((f) => f.sortOrder === "desc");
    if (!sameList(actual.desc.map(String), desc.map(String))) {
      problems.push(
        `${what}: sort order is ${actual.desc.map((d) => (d ? "DESC" : "ASC")).join(", ")}, expected ${desc.map((d) => (d ? "DESC" : "ASC")).join(", ")}`,
      );
    }
  }
  for (const index of db.indexes) {
    if (index.primary || matched.has(index) || HAND_WRITTEN_INDEXES.has(index.name)) continue;
    problems.push(
      `table "${index.table}": ${index.unique ? "unique " : ""}index "${index.name}" on ${list(index.columns)} is not in the schema ` +
        `(if it is hand-written on purpose, add it to HAND_WRITTEN_INDEXES in this test)`,
    );
  }
  for (const name of HAND_WRITTEN_INDEXES) {
    if (!db.indexes.some((i) => i.name === name)) problems.push(`hand-written index "${name}" is missing`);
  }
  return problems;
}

function compareEnums(dmmf: Dmmf, db: DbSchema): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const e of dmmf.datamodel.enums) {
    const name = e.dbName ?? e.name;
    names.add(name);
    const expected = e.values.map((v) => v.dbName ?? v.name);
    const actual = db.enums.get(name);
    if (!actual) problems.push(`enum ${e.name}: type "${name}" is missing`);
    else if (!sameList(actual, expected)) {
      problems.push(`enum ${e.name}: values are ${list(actual)}, expected ${list(expected)} (in this order)`);
    }
  }
  for (const name of db.enums.keys()) {
    if (!names.has(name)) problems.push(`enum type "${name}" exists in the database but not in the schema`);
  }
  return problems;
}

function compareForeignKeys(dmmf: Dmmf, db: DbSchema): string[] {
  const problems: string[] = [];
  const modelsByName = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
  const matched = new Set<DbForeignKey>();
  for (const model of dmmf.datamodel.models) {
    const table = tableOf(model);
    for (const field of model.fields) {
      if (field.kind !== "object" || !field.relationFromFields?.length) continue;
      const target = modelsByName.get(field.type);
      if (!target) continue;
      const columns = modelColumns(model, field.relationFromFields);
      const refTable = tableOf(target);
      const refColumns = modelColumns(target, field.relationToFields ?? []);
      const fromFields = field.relationFromFields.map((n) => model.fields.find((f) => f.name === n));
      // Prisma's defaults: Restrict when a referencing field is required, else SetNull; updates cascade.
      const onDelete =
        field.relationOnDelete ?? (fromFields.some((f) => f?.isRequired) ? "Restrict" : "SetNull");
      const onUpdate = field.relationOnUpdate ?? "Cascade";
      const name = defaultName(table, columns, "fkey");
      const what = `${model.name}.${field.name} → ${target.name}`;
      const actual = db.foreignKeys.find((fk) => fk.table === table && sameList(fk.columns, columns));
      if (!actual) {
        problems.push(
          `${what}: foreign key "${table}"${list(columns)} → "${refTable}"${list(refColumns)} is missing`,
        );
        continue;
      }
      matched.add(actual);
      if (actual.refTable !== refTable || !sameList(actual.refColumns, refColumns)) {
        problems.push(
          `${what}: foreign key references "${actual.refTable}"${list(actual.refColumns)}, expected "${refTable}"${list(refColumns)}`,
        );
      }
      if (actual.onDelete !== onDelete)
        problems.push(`${what}: ON DELETE ${actual.onDelete}, expected ${onDelete}`);
      if (actual.onUpdate !== onUpdate)
        problems.push(`${what}: ON UPDATE ${actual.onUpdate}, expected ${onUpdate}`);
      if (actual.name !== name)
        problems.push(`${what}: foreign key is named "${actual.name}", expected "${name}"`);
    }
  }
  for (const fk of db.foreignKeys) {
    if (!matched.has(fk)) {
      problems.push(
        `table "${fk.table}": foreign key "${fk.name}" ${list(fk.columns)} → "${fk.refTable}" is not in the schema`,
      );
    }
  }
  return problems;
}

/** Fails with every mismatch on its own line (rather than an array diff). */
function expectNoMismatch(kind: string, problems: string[]): void {
  if (problems.length === 0) return;
  throw new Error(
    `${problems.length} ${kind} mismatch(es) between prisma/schema.prisma and the migrated database:\n  - ${problems.join("\n  - ")}`,
  );
}

// ───────────────────────────── Tests ─────────────────────────────

let db: TestDatabase;
let client: pg.Client;
let dmmf: Dmmf;
let dbSchema: DbSchema;

beforeAll(async () => {
  dmmf = getDmmf([["schema.prisma", readFileSync(SCHEMA_FILE, "utf8")]]);
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  client.on("error", () => {});
  await client.connect();
  dbSchema = await readDatabase(client);
});

afterAll(async () => {
  await client?.end().catch(() => {});
  await db?.drop();
});

describe("prisma/schema.prisma matches the migrated database", () => {
  it("reads the whole schema through the DMMF", () => {
    const source = readFileSync(SCHEMA_FILE, "utf8");
    const declaredModels = source.match(/^model\s+\w+/gm)?.length ?? 0;
    const declaredEnums = source.match(/^enum\s+\w+/gm)?.length ?? 0;
    expect(declaredModels).toBeGreaterThan(0);
    expect(dmmf.datamodel.models).toHaveLength(declaredModels);
    expect(dmmf.datamodel.enums).toHaveLength(declaredEnums);
  });

  it("has a table for every model, with the right columns, types, nullability and defaults, and no others", () => {
    const problems = compareTablesAndColumns(dmmf, dbSchema);
    expectNoMismatch("table/column", problems);
  });

  it("has the primary keys of the schema", () => {
    const problems = comparePrimaryKeys(dmmf, dbSchema);
    expectNoMismatch("primary key", problems);
  });

  it("has every @unique/@@unique and @@index, and no other index", () => {
    const problems = compareIndexes(dmmf, dbSchema);
    expectNoMismatch("index", problems);
  });

  it("has every enum with exactly its values, in order", () => {
    const problems = compareEnums(dmmf, dbSchema);
    expectNoMismatch("enum", problems);
  });

  it("has a foreign key for every relation, with its ON DELETE and ON UPDATE rules", () => {
    const problems = compareForeignKeys(dmmf, dbSchema);
    expectNoMismatch("foreign key", problems);
  });
});

describe("hand-written SQL of the migrations", () => {
  const sqlError = async (sql: string, params: unknown[] = []) => {
    try {
      await client.query(sql, params);
    } catch (error) {
      return error as Error & { code?: string; constraint?: string };
    }
    throw new Error(
      `expected this statement to fail, but it succeeded: ${sql}${params.length ? ` with ${JSON.stringify(params)}` : ""}`,
    );
  };

  beforeAll(async () => {
    await client.query(
      `INSERT INTO "User" (id, email, "displayName", "updatedAt") VALUES ('u1', 'u1@example.org', 'U1', now())`,
    );
    await client.query(
      `INSERT INTO "Consultation" (id, slug, title, summary, "bodyJson", "bodyHtml", "createdById", "updatedAt")
       VALUES ('c1', 'c1', 'C', 'S', '{}', '', 'u1', now())`,
    );
    await client.query(
      `INSERT INTO "Submission" (id, "consultationId", "authorId", kind, title, "bodyJson", "bodyHtml", "bodyText", "updatedAt")
       VALUES ('s1', 'c1', 'u1', 'proposal', 'T', '{}', '', '', now())`,
    );
    await client.query(
      `INSERT INTO "ConsultationArticle" (id, "consultationId", number, title, "bodyJson", "bodyHtml")
       VALUES ('a1', 'c1', 1, 'A', '{}', '')`,
    );
    await client.query(
      `INSERT INTO "Comment" (id, "submissionId", "authorId", body) VALUES ('base', 's1', 'u1', 'x')`,
    );
  });

  it("keeps the moderation log append-only: UPDATE and DELETE fail", async () => {
    await client.query(
      `INSERT INTO "ModerationAction" (id, "moderatorId", action, "targetType", "targetId", "reasonCode")
       VALUES ('m1', 'u1', 'hide', 'submission', 's1', 'spam')`,
    );
    const update = await sqlError(`UPDATE "ModerationAction" SET message = 'changed' WHERE id = 'm1'`);
    expect(update.message).toMatch(/moderation log is append-only/);
    const del = await sqlError(`DELETE FROM "ModerationAction" WHERE id = 'm1'`);
    expect(del.message).toMatch(/moderation log is append-only/);
    const { rows } = await client.query(`SELECT message FROM "ModerationAction" WHERE id = 'm1'`);
    expect(rows).toEqual([{ message: "" }]);
  });

  it("refuses a comment on both a submission and an article, or on neither", async () => {
    const both = await sqlError(
      `INSERT INTO "Comment" (id, "submissionId", "articleId", "authorId", body) VALUES ('k1', 's1', 'a1', 'u1', 'x')`,
    );
    expect(both.code).toBe("23514"); // check_violation
    const neither = await sqlError(`INSERT INTO "Comment" (id, "authorId", body) VALUES ('k2', 'u1', 'x')`);
    expect(neither.code).toBe("23514");
    await client.query(
      `INSERT INTO "Comment" (id, "submissionId", "authorId", body) VALUES ('k3', 's1', 'u1', 'x')`,
    );
    await client.query(
      `INSERT INTO "Comment" (id, "articleId", "authorId", body) VALUES ('k4', 'a1', 'u1', 'x')`,
    );
  });

  it("keeps comment threads between depth 1 and 3", async () => {
    for (const depth of [0, 4]) {
      const error = await sqlError(
        `INSERT INTO "Comment" (id, "submissionId", "authorId", body, depth) VALUES ($1, 's1', 'u1', 'x', $2)`,
        [`d${depth}`, depth],
      );
      expect(error.code).toBe("23514");
    }
    await client.query(
      `INSERT INTO "Comment" (id, "submissionId", "authorId", body, depth) VALUES ('d3', 's1', 'u1', 'x', 3)`,
    );
  });

  it("accepts only +1 and -1 as a comment vote", async () => {
    for (const value of [0, 2, -2]) {
      const error = await sqlError(
        `INSERT INTO "CommentVote" ("commentId", "userId", value) VALUES ('base', 'u1', $1)`,
        [value],
      );
      expect(error.code).toBe("23514");
    }
    await client.query(`INSERT INTO "CommentVote" ("commentId", "userId", value) VALUES ('base', 'u1', -1)`);
    await client.query(`UPDATE "CommentVote" SET value = 1 WHERE "commentId" = 'base' AND "userId" = 'u1'`);
  });

  it("has the outbox's partial index on unsent events", async () => {
    const { rows } = await client.query<{ def: string }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relname = 'OutboxEvent_pending_idx'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].def).toMatch(
      /ON public\."OutboxEvent" USING btree \("availableAt", id\) WHERE \("sentAt" IS NULL\)/,
    );
  });

  it("has the unaccent extension", async () => {
    const { rows } = await client.query<{ s: string }>(`SELECT unaccent('Ηράκλειο καφέ') AS s`);
    expect(rows[0].s).toBe("Ηρακλειο καφε");
  });
});

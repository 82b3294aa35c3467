/**
 * Trained categorisers as versioned `ClassifierModel` rows: stored with their training figures, one active
 * at a time (the newest activated), loaded by the analysis workers. On a first start with no stored model the
 * worker trains one from the labelled dev files and stores it; `retrainModel` (the `retrain` job) trains
 * from the dev files plus every person's confirmation or correction, stores a new version and activates it.
 * Workers notice a new active version by polling (`watchActiveModel`).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { correctedExamples } from "~/domain/analysis/labels.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import type { Db, DbOrTx } from "~/utils/db.server.ts";
import { newId } from "~/utils/ids.ts";
import type { LabelledExample } from "./analysis.types.ts";
import {
  ALGORITHM_VERSION,
  DEFAULT_OPTIONS,
  deserializeCategoriser,
  loadDevExamples,
  trainCategoriser,
  trainedByThisAlgorithm,
  type Categoriser,
} from "./categoriser/index.ts";

export type { Categoriser };

/** What is stored in `ClassifierModel.metrics`. */
export interface ModelMetrics {
  /** Labelled examples the model was trained on. */
  examples: { dev: number; corrections: number; total: number };
  /** The newest correction included (ISO time), if any. */
  newestCorrectionAt: string | null;
  trainMs: number;
  /** Why it was trained: the first start of a worker, a retrain job, … */
  reason: string;
  /** Cross-validation figures when they were computed (the benchmark does), else absent. */
  cv?: Record<string, number | null>;
}

export interface StoredModel {
  version: string;
  trainedAt: Date;
  active: boolean;
  metrics: ModelMetrics;
}

/** A stored model's version and serialised bytes (`deserializeCategoriser(data)` makes it usable). */
export interface LoadedModel {
  version: string;
  data: Buffer;
}

/**
 * Trains a categoriser from examples and returns its serialised bytes. Training takes tens of seconds of
 * CPU: the worker passes one that trains in a worker thread, so that its jobs keep running meanwhile.
 */
export type Trainer = (examples: LabelledExample[]) => Promise<Buffer>;

/** Trains in this thread (scripts, tests). */
export const trainInProcess: Trainer = async (examples) => trainCategoriser(examples).serialize();

const ACTIVATION_LOCK = 0x5a4e4c; // pg_advisory_xact_lock key: one activation at a time

function asMetrics(value: Prisma.JsonValue): ModelMetrics {
  return value as unknown as ModelMetrics;
}

/**
 * Stores a serialised categoriser (a version already stored is kept as it is) and, by default, activates
 * it. Returns the stored row with the bytes.
 */
export async function storeModel(
  db: Db,
  data: Buffer,
  metrics: ModelMetrics,
  { activate = true }: { activate?: boolean } = {},
): Promise<StoredModel & LoadedModel> {
  const { version } = deserializeCategoriser(data);
  await db.classifierModel.createMany({
    data: [
      {
        id: newId(),
        version,
        metrics: metrics as unknown as Prisma.InputJsonValue,
        data: new Uint8Array(data),
        trainedAt: new Date(),
        active: false,
      },
    ],
    skipDuplicates: true,
  });
  if (activate) await activateModel(db, version);
  const row = await db.classifierModel.findUniqueOrThrow({
    where: { version },
    select: { version: true, trainedAt: true, active: true, metrics: true, data: true },
  });
  return { ...row, metrics: asMetrics(row.metrics), data: Buffer.from(row.data) };
}

/** Makes `version` the only active model. */
export async function activateModel(db: Db, version: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ACTIVATION_LOCK})`;
    const { count } = await tx.classifierModel.updateMany({ where: { version }, data: { active: true } });
    if (count !== 1) throw new Error(`No stored model ${version}`);
    await tx.classifierModel.updateMany({
      where: { active: true, version: { not: version } },
      data: { active: false },
    });
  });
}

/** The active model's version (the newest, should two ever be active), or null. */
export async function activeModelVersion(db: DbOrTx): Promise<string | null> {
  const row = await db.classifierModel.findFirst({
    where: { active: true },
    orderBy: { trainedAt: "desc" },
    select: { version: true },
  });
  return row?.version ?? null;
}

/** The active model's bytes, or null when none is stored. */
export async function loadActiveModel(db: DbOrTx): Promise<LoadedModel | null> {
  const row = await db.classifierModel.findFirst({
    where: { active: true },
    orderBy: { trainedAt: "desc" },
    select: { version: true, data: true },
  });
  return row ? { version: row.version, data: Buffer.from(row.data) } : null;
}

/** The active categoriser, ready to predict in this thread (scripts, tests), or null. */
export async function loadActiveCategoriser(db: DbOrTx): Promise<Categoriser | null> {
  const model = await loadActiveModel(db);
  return model ? deserializeCategoriser(model.data) : null;
}

/** Stored models, newest first (for the admin page). */
export async function listModels(db: DbOrTx, limit = 20): Promise<StoredModel[]> {
  const rows = await db.classifierModel.findMany({
    orderBy: { trainedAt: "desc" },
    take: limit,
    select: { version: true, trainedAt: true, active: true, metrics: true },
  });
  return rows.map((r) => ({ ...r, metrics: asMetrics(r.metrics) }));
}

// ───────────────────────────── Training ─────────────────────────────

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * Where the model trained from the dev files alone is kept between runs (training is deterministic, so the
 * file is named after what it was trained from): a fresh database, e.g. each test file's, then loads it in
 * a fraction of a second instead of training for half a minute.
 */
function devModelCacheFile(dev: LabelledExample[]): string {
  const dir = process.env.ANALYSIS_MODEL_CACHE_DIR || path.join(repoRoot, ".cache/models");
  const hash = createHash("sha256")
    .update(JSON.stringify({ algorithm: ALGORITHM_VERSION, options: DEFAULT_OPTIONS, dev }))
    .digest("hex")
    .slice(0, 16);
  return path.join(dir, `dev-${ALGORITHM_VERSION}-${hash}.bin`);
}

function readCache(file: string): Buffer | null {
  try {
    const data = fs.readFileSync(file);
    deserializeCategoriser(data); // a damaged file is retrained and replaced
    return data;
  } catch {
    return null;
  }
}

function writeCache(file: string, data: Buffer): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file); // atomic: concurrent readers see the whole file or none
  } catch {
    // only a cache
  }
}

/** Trains on the dev files plus people's confirmations and corrections; returns the bytes and metrics. */
export async function trainModel(
  extra: (LabelledExample & { correctedAt?: Date })[],
  reason: string,
  trainer: Trainer = trainInProcess,
): Promise<{ data: Buffer; metrics: ModelMetrics }> {
  const dev = loadDevExamples();
  const started = performance.now();
  // Plain LabelledExamples: the training code need not know where an example came from.
  const fromPeople = extra.map(
    ({ id, text, themes, target_groups, kind, urgent, municipality, off_topic }): LabelledExample => ({
      id,
      text,
      themes,
      target_groups,
      kind,
      urgent,
      municipality,
      off_topic,
    }),
  );
  const cacheFile = fromPeople.length === 0 ? devModelCacheFile(dev) : null;
  let data = cacheFile ? readCache(cacheFile) : null;
  if (!data) {
    data = await trainer([...dev, ...fromPeople]);
    if (cacheFile) writeCache(cacheFile, data);
  }
  const newest = extra.reduce<Date | null>(
    (max, e) => (e.correctedAt && (!max || e.correctedAt > max) ? e.correctedAt : max),
    null,
  );
  return {
    data,
    metrics: {
      examples: { dev: dev.length, corrections: fromPeople.length, total: dev.length + fromPeople.length },
      newestCorrectionAt: newest?.toISOString() ?? null,
      trainMs: Math.round(performance.now() - started),
      reason,
    },
  };
}

/**
 * Whether a stored model is one this code can use: of a format it reads, and trained by this algorithm
 * version (a model trained by an older one would be read, but its features are computed differently now).
 */
function isCurrent(model: LoadedModel): boolean {
  try {
    return trainedByThisAlgorithm(deserializeCategoriser(model.data));
  } catch {
    return false;
  }
}

/**
 * The active model; when none is stored (a first start), or the active one is of a format this code no
 * longer reads or was trained by an older algorithm (after an upgrade of the categoriser), trains one from
 * the dev files and whatever corrections exist, stores and activates it.
 */
export async function ensureActiveModel(db: Db, trainer: Trainer = trainInProcess): Promise<LoadedModel> {
  const loaded = await loadActiveModel(db);
  if (loaded && isCurrent(loaded)) return loaded;
  const reason = loaded ? `upgrade from ${loaded.version}` : "first start";
  const { data, metrics } = await trainModel(await correctedExamples(db), reason, trainer);
  const stored = await storeModel(db, data, metrics);
  // Another worker may have activated its own at the same moment: use whatever is active now.
  return (await loadActiveModel(db)) ?? stored;
}

/**
 * Trains a new model from the dev files and every confirmation and correction people made (the newest per
 * field wins, as on the pages), stores it as a new version and activates it.
 */
export async function retrainModel(
  db: Db,
  { reason = "retrain", trainer = trainInProcess }: { reason?: string; trainer?: Trainer } = {},
): Promise<StoredModel & LoadedModel> {
  const { data, metrics } = await trainModel(await correctedExamples(db), reason, trainer);
  return storeModel(db, data, metrics);
}

// ───────────────────────────── Following the active model ─────────────────────────────

export interface ModelWatcher {
  /** The model in use now. */
  current(): LoadedModel;
  /** Checks the active version now (also done every `intervalMs`). */
  check(): Promise<void>;
  /** Switches at once (e.g. to a model this process just trained). */
  use(model: LoadedModel): void;
  stop(): void;
}

/**
 * Keeps a process's model in step with the active one: polls the active version every `intervalMs`
 * (default 30 s) and loads the new one when it changes.
 */
export function watchActiveModel(
  db: Db,
  initial: LoadedModel,
  {
    intervalMs = 30_000,
    onChange,
    onError,
  }: {
    intervalMs?: number;
    onChange?: (model: LoadedModel) => void | Promise<void>;
    onError?: (error: Error) => void;
  } = {},
): ModelWatcher {
  let model = initial;
  let checking: Promise<void> | undefined;
  const use = (next: LoadedModel) => {
    if (next.version === model.version) return;
    model = next;
    void Promise.resolve(onChange?.(next)).catch((error: Error) => onError?.(error));
  };
  const check = () => {
    checking ??= (async () => {
      try {
        const version = await activeModelVersion(db);
        if (version && version !== model.version) {
          const loaded = await loadActiveModel(db);
          // A model this code cannot use (activated by a process of another release) is not taken up.
          if (loaded && isCurrent(loaded)) use(loaded);
          else if (loaded) onError?.(new Error(`the active model ${loaded.version} cannot be used here`));
        }
      } catch (error) {
        onError?.(error as Error);
      } finally {
        checking = undefined;
      }
    })();
    return checking;
  };
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return { current: () => model, check, use, stop: () => clearInterval(timer) };
}

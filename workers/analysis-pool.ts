/**
 * A pool of worker threads that predict with the active categoriser (one copy per thread), so that one
 * worker process uses every core for the CPU-bound part of an analysis while its main thread talks to Redis
 * and PostgreSQL. Training runs in a thread of its own, started for the purpose. A thread that dies is
 * replaced (with the model reloaded); the requests it held fail and their jobs are retried.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { LabelledExample, Prediction } from "~/domain/analysis/analysis.types.ts";
import type { ThreadRequest, ThreadResponse } from "./analysis-thread.ts";

const THREAD_URL = new URL("./analysis-thread.ts", import.meta.url).href;

// Threads do not inherit tsx's loader: register it in the thread before importing the TypeScript entry.
const BOOTSTRAP = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(THREAD_URL)}); })`;

type Pending = { resolve: (r: ThreadResponse & { ok: true }) => void; reject: (e: Error) => void };
type Omit2<T> = T extends unknown ? Omit<T, "id"> : never;

interface Thread {
  worker: Worker;
  ready: Promise<void>;
  pending: Map<number, Pending>;
  /** Texts in flight (for choosing the least busy thread). */
  load: number;
  dead: boolean;
}

let nextId = 1;

function spawnThread(onExit: (t: Thread) => void): Thread {
  const worker = new Worker(BOOTSTRAP, { eval: true });
  const pending = new Map<number, Pending>();
  let started: () => void = () => {};
  let failed: (e: Error) => void = () => {};
  const thread: Thread = {
    worker,
    pending,
    load: 0,
    dead: false,
    ready: new Promise<void>((resolve, reject) => {
      started = resolve;
      failed = reject;
    }),
  };
  thread.ready.catch(() => {});
  worker.on("message", (res: ThreadResponse) => {
    if (res.id === 0) return started();
    const p = pending.get(res.id);
    if (!p) return;
    pending.delete(res.id);
    if (res.ok) p.resolve(res);
    else p.reject(new Error(res.error));
  });
  const die = (error: Error) => {
    if (thread.dead) return;
    thread.dead = true;
    failed(error);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    onExit(thread);
  };
  worker.on("error", die);
  worker.on("exit", (code) => die(new Error(`Analysis thread exited with code ${code}`)));
  return thread;
}

async function call(thread: Thread, req: Omit2<ThreadRequest>, transfer?: ArrayBuffer[]) {
  await thread.ready;
  if (thread.dead) throw new Error("Analysis thread is gone");
  const id = nextId++;
  return new Promise<ThreadResponse & { ok: true }>((resolve, reject) => {
    thread.pending.set(id, { resolve, reject });
    thread.worker.postMessage({ ...req, id }, transfer ?? []);
  });
}

export interface PredictionPool {
  /** Loads a serialised model into every thread; resolves with its version. */
  load(data: Buffer): Promise<string>;
  /** The loaded model's version (null before the first load). */
  version(): string | null;
  predictMany(texts: string[]): Promise<{ version: string; predictions: Prediction[] }>;
  /** Trains a model in a thread of its own; resolves with its serialised bytes. */
  train(examples: LabelledExample[]): Promise<Buffer>;
  size: number;
  close(): Promise<void>;
}

/** Threads: ANALYSIS_THREADS, default one per CPU. */
export function defaultThreadCount(): number {
  const configured = Number.parseInt(process.env.ANALYSIS_THREADS ?? "", 10);
  return configured > 0 ? configured : Math.max(1, availableParallelism());
}

export function createPredictionPool({
  size = defaultThreadCount(),
}: { size?: number } = {}): PredictionPool {
  let closed = false;
  let modelData: Buffer | null = null;
  let modelVersion: string | null = null;
  const threads: Thread[] = [];

  const replace = (dead: Thread) => {
    const i = threads.indexOf(dead);
    if (i < 0 || closed) return;
    const fresh = spawnThread(replace);
    threads[i] = fresh;
    if (modelData) void call(fresh, { op: "load", data: new Uint8Array(modelData) }).catch(() => {});
  };
  for (let i = 0; i < size; i++) threads.push(spawnThread(replace));

  async function predictChunk(texts: string[]) {
    const thread = threads.reduce((a, b) => (b.load < a.load ? b : a));
    thread.load += texts.length;
    try {
      const res = await call(thread, { op: "predict", texts });
      return { version: res.version, predictions: res.predictions ?? [] };
    } finally {
      thread.load -= texts.length;
    }
  }

  return {
    size,
    version: () => modelVersion,
    async load(data) {
      const results = await Promise.all(
        threads.map((t) => call(t, { op: "load", data: new Uint8Array(data) })),
      );
      modelData = data;
      modelVersion = results[0].version;
      return modelVersion;
    },
    async predictMany(texts) {
      if (texts.length === 0) return { version: modelVersion ?? "", predictions: [] };
      // Big batches are shared out; small ones go whole to the least busy thread.
      const chunk = Math.max(8, Math.ceil(texts.length / threads.length));
      const parts: Promise<{ version: string; predictions: Prediction[] }>[] = [];
      for (let i = 0; i < texts.length; i += chunk) parts.push(predictChunk(texts.slice(i, i + chunk)));
      const done = await Promise.all(parts);
      // During a model switch two threads may answer with different models: do it again on one thread.
      if (done.some((d) => d.version !== done[0].version)) return predictChunk(texts);
      return { version: done[0].version, predictions: done.flatMap((d) => d.predictions) };
    },
    async train(examples) {
      const thread = spawnThread(() => {});
      try {
        const res = await call(thread, { op: "train", examples });
        return Buffer.from(res.data!);
      } finally {
        thread.dead = true;
        await thread.worker.terminate();
      }
    },
    async close() {
      closed = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}

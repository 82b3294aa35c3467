/**
 * Memory of the app processes, from outside: RSS (VmRSS and its anonymous part RssAnon) from
 * /proc/<pid>/status, and the V8 heap through a tiny
 * probe preloaded into every node process of the app (NODE_OPTIONS=--import data:…). On SIGUSR2 the probe
 * runs memory-reducing full garbage collections and writes `process.memoryUsage()` to <dir>/<pid>.json, so that "before"
 * and "after" are compared without garbage that merely waits to be collected. The signal is sent only to
 * a pid whose probe has announced itself (a node process without the probe would die of SIGUSR2).
 * On SIGTTIN it writes a heap snapshot to <dir>: the exact size of every object still reachable, which
 * `snapshotBytes` sums (no allocator, page or garbage noise at all).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// No spaces or quotes survive NODE_OPTIONS reliably: the module is URL-encoded into a data: URL.
const PROBE = `
const dir = process.env.BENCH_MEMPROBE_DIR;
if (dir) {
  Promise.all([import("node:fs"), import("node:v8"), import("node:vm")]).then(([fs, v8, vm]) => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc");
    const write = (collected) => {
      try {
        fs.writeFileSync(dir + "/" + process.pid + ".json", JSON.stringify({
          pid: process.pid,
          port: process.env.PORT ?? null,
          ppid: process.ppid,
          argv: process.argv.slice(1),
          collected,
          at: Date.now(),
          ...process.memoryUsage(),
        }));
      } catch {}
    };
    // "last-resort": a memory-reducing full collection that also shrinks the young generation and
    // returns free pages to the OS, so RSS reflects live memory rather than the last burst's garbage.
    const collect = () => gc({ type: "major", execution: "sync", flavor: "last-resort" });
    process.on("SIGUSR2", () => { collect(); setTimeout(() => { collect(); write(true); }, 500); });
    // A heap snapshot (it collects the garbage first), then a marker that it is complete.
    process.on("SIGTTIN", () => {
      const file = dir + "/" + process.pid + "-" + Date.now() + ".heapsnapshot";
      v8.writeHeapSnapshot(file);
      fs.writeFileSync(file + ".done", "");
    });
    write(false);
  });
}
`;

export interface ProbeReading {
  pid: number;
  port: string | null;
  ppid: number;
  argv: string[];
  collected: boolean;
  at: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface MemoryProbe {
  dir: string;
  /** Environment for the app: NODE_OPTIONS (appended to any given) and the probe's directory. */
  env: (base?: string) => Record<string, string>;
  remove: () => void;
}

export function createMemoryProbe(): MemoryProbe {
  const dir = mkdtempSync(path.join(tmpdir(), "synochi-live-mem-"));
  const option = `--import=data:text/javascript,${encodeURIComponent(PROBE)}`;
  return {
    dir,
    env: (base = process.env.NODE_OPTIONS ?? "") => ({
      NODE_OPTIONS: `${base} ${option}`.trim(),
      BENCH_MEMPROBE_DIR: dir,
    }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function readings(dir: string): ProbeReading[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d+\.json$/.test(f))
    .flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(path.join(dir, f), "utf8")) as ProbeReading];
      } catch {
        return [];
      }
    });
}

/**
 * The pid of the process that serves `port`, once its probe is up: the leaf of the app's process tree
 * (tsx's launcher → server-cluster.ts → the cluster worker running server.ts).
 */
export async function findServerPid(
  dir: string,
  port: number,
  { generations = 3, timeoutMs = 10_000 }: { generations?: number; timeoutMs?: number } = {},
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mine = readings(dir).filter((r) => r.port === String(port) && isAlive(r.pid));
    const parents = new Set(mine.map((r) => r.ppid));
    const leaves = mine.filter((r) => !parents.has(r.pid));
    // All generations there and one leaf: the worker has started (not only the launcher and primary).
    if (mine.length >= generations && leaves.length === 1) return leaves[0].pid;
    if (Date.now() > deadline) throw new Error(`no memory probe answered for the app on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A field of /proc/<pid>/status in bytes (0 when the process is gone). */
function statusBytes(pid: number, field: "VmRSS" | "RssAnon"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** VmRSS of a process in bytes (0 when it is gone). */
export function vmRssBytes(pid: number): number {
  return statusBytes(pid, "VmRSS");
}

/**
 * RssAnon: the resident anonymous memory (heap, buffers, malloc arenas), i.e. VmRSS without the mapped
 * files (code of node and its libraries), which the kernel may drop and re-read at any time.
 */
export function rssAnonBytes(pid: number): number {
  return statusBytes(pid, "RssAnon");
}

/** Collects the garbage in `pid` and reads its memory: RSS from /proc, heap from the probe. */
export async function measure(
  dir: string,
  pid: number,
  timeoutMs = 5_000,
): Promise<{
  rss: number;
  rssAnon: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}> {
  const sent = Date.now();
  process.kill(pid, "SIGUSR2");
  const deadline = sent + timeoutMs;
  for (;;) {
    const r = readings(dir).find((x) => x.pid === pid && x.collected && x.at >= sent);
    if (r) {
      // RSS after the collection settles (freed pages go back to the OS asynchronously).
      await new Promise((resolve) => setTimeout(resolve, 500));
      return {
        rss: vmRssBytes(pid),
        rssAnon: rssAnonBytes(pid),
        heapUsed: r.heapUsed,
        heapTotal: r.heapTotal,
        external: r.external,
        arrayBuffers: r.arrayBuffers,
      };
    }
    if (Date.now() > deadline) throw new Error(`the memory probe of pid ${pid} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * `measure` repeated until RSS settles (successive readings within `toleranceBytes`): each round of
 * memory-reducing collections also flushes the bytecode of code that has not run for a while, so the
 * first readings after a burst of work still fall.
 */
export async function measureSettled(
  dir: string,
  pid: number,
  { rounds = 6, toleranceBytes = 1 << 20 }: { rounds?: number; toleranceBytes?: number } = {},
): Promise<Awaited<ReturnType<typeof measure>> & { rounds: number }> {
  let last = await measure(dir, pid);
  for (let round = 2; round <= rounds; round++) {
    const next = await measure(dir, pid);
    const settled = Math.abs(next.rssAnon - last.rssAnon) <= toleranceBytes;
    last = next;
    if (settled) return { ...last, rounds: round };
  }
  return { ...last, rounds };
}

/** Has `pid` write a heap snapshot; resolves with the file once it is complete. */
export async function heapSnapshot(dir: string, pid: number, timeoutMs = 60_000): Promise<string> {
  const sent = Date.now();
  process.kill(pid, "SIGTTIN");
  const deadline = sent + timeoutMs;
  for (;;) {
    const done = readdirSync(dir).find(
      (f) =>
        f.startsWith(`${pid}-`) &&
        f.endsWith(".heapsnapshot.done") &&
        statSync(path.join(dir, f)).mtimeMs >= sent,
    );
    if (done) return path.join(dir, done.slice(0, -".done".length));
    if (Date.now() > deadline) throw new Error(`pid ${pid} wrote no heap snapshot`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The bytes of every object in a heap snapshot (the sum of the nodes' self sizes: what the process's
 * JavaScript holds, reachable, right after a full collection). Deletes the file after reading it.
 */
export function snapshotBytes(file: string): number {
  const snapshot = JSON.parse(readFileSync(file, "utf8")) as {
    snapshot: { meta: { node_fields: string[] } };
    nodes: number[];
  };
  rmSync(file, { force: true });
  rmSync(`${file}.done`, { force: true });
  const fields = snapshot.snapshot.meta.node_fields;
  const stride = fields.length;
  const selfSize = fields.indexOf("self_size");
  let total = 0;
  for (let i = selfSize; i < snapshot.nodes.length; i += stride) total += snapshot.nodes[i];
  return total;
}

/**
 * The real worker process (`tsx workers/index.ts`, as `npm run worker` runs it) for `bench:analysis`: started
 * with the benchmark's database and Redis prefix; resolves once it has loaded its model and takes jobs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { killGroup, onCleanup, trackChild } from "./cleanup.ts";

const OUTPUT_LIMIT = 64 * 1024;

export interface RunningWorker {
  pid: number;
  output: () => string;
  stop: () => Promise<void>;
}

export async function startWorkerProcess(
  repoRoot: string,
  env: Record<string, string>,
  timeoutMs = 180_000,
): Promise<RunningWorker> {
  const mailDir = mkdtempSync(path.join(tmpdir(), "synochi-bench-mail-"));
  const child: ChildProcess = spawn(
    path.join(repoRoot, "node_modules/.bin/tsx"),
    [
      // e.g. BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the worker alone.
      ...(process.env.BENCH_WORKER_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      "workers/index.ts",
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        NODE_ENV: "production",
        ALLOW_MAIL_SINK: "true",
        MAIL_SINK_DIR: mailDir,
        LOG_LEVEL: "warn",
        // e.g. BENCH_WORKER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the worker alone.
        ...(process.env.BENCH_WORKER_NODE_OPTIONS
          ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS }
          : {}),
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  trackChild(child);
  let out = "";
  let err = "";
  let onLine: (text: string) => void = () => {};
  child.stdout!.setEncoding("utf8").on("data", (c: string) => {
    out = (out + c).slice(-OUTPUT_LIMIT);
    onLine(out);
  });
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (err = (err + c).slice(-OUTPUT_LIMIT)));
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => resolve(String(code ?? signal)));
  });
  const output = () => `--- stdout ---\n${out.slice(-2_000)}\n--- stderr ---\n${err.slice(-4_000)}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    killGroup(child, "SIGKILL");
    rmSync(mailDir, { recursive: true, force: true });
  };
  onCleanup("stop the worker", stop);

  const ready = await Promise.race([
    new Promise<boolean>((resolve) => {
      onLine = (text) => {
        if (/analysis: model \S+ loaded/.test(text)) resolve(true);
      };
      onLine(out);
    }),
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs)),
  ]);
  if (!ready) {
    await stop();
    throw new Error(`The worker did not load its model within ${timeoutMs} ms.\n${output()}`);
  }
  return { pid: child.pid!, output, stop };
}

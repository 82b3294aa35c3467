/**
 * Cleanup that runs however the benchmark ends: normal end, thrown error, Ctrl-C or SIGTERM. Steps run in
 * reverse order of registration (stop the app before dropping its database), each at most once.
 */
import type { ChildProcess } from "node:child_process";

type Step = { label: string; run: () => Promise<void> | void };

const steps: Step[] = [];
const children = new Set<ChildProcess>();
let running: Promise<void> | undefined;
let current: string | undefined;

export function onCleanup(label: string, run: () => Promise<void> | void): void {
  steps.push({ label, run });
}

/** Children we spawned in their own process group; killed on exit even if cleanup never ran. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once("exit", () => children.delete(child));
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole group: tsx runs node as its own child
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export function runCleanup(): Promise<void> {
  running ??= (async () => {
    while (steps.length > 0) {
      const step = steps.pop()!;
      current = step.label;
      try {
        await step.run();
      } catch (error) {
        console.error(`cleanup: ${step.label} failed: ${(error as Error).message}`);
      }
      current = undefined;
    }
  })();
  return running;
}

let interrupted = false;
function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) {
    // A second Ctrl-C: give up on a graceful cleanup, but say what is left behind.
    for (const child of children) killGroup(child, "SIGKILL");
    const left = [...(current ? [current] : []), ...steps.map((s) => s.label)];
    if (left.length > 0) console.error(`Quitting without cleanup; not done: ${left.join("; ")}`);
    process.exit(130);
  }
  interrupted = true;
  console.error(`\n${signal}: cleaning up (press Ctrl-C again to quit at once)…`);
  void runCleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
}

export function installSignalHandlers(): void {
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", () => {
    for (const child of children) killGroup(child, "SIGKILL");
  });
}

export function wasInterrupted(): boolean {
  return interrupted;
}

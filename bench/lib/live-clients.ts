/**
 * The live benchmark's client processes, seen from the parent: each is a forked `live-client-proc.ts`
 * holding many socket clients. The sockets live outside the app processes, and outside the process that
 * sends the upvotes, so that neither's event loop delays the other's measurements.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onCleanup, trackChild } from "./cleanup.ts";
import type { ClientSpec, ProcReply, ProcRequest, ProcStats } from "./live-client-proc.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

type Body<T extends ProcRequest["type"]> = Omit<Extract<ProcRequest, { type: T }>, "id">;
type ReplyOf<T extends ProcRequest["type"]> = Extract<
  ProcReply,
  { type: { connect: "connected"; collect: "collected"; stats: "stats"; close: "closed" }[T] }
>;

export class ClientProcess {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (r: ProcReply) => void; reject: (e: Error) => void }
  >();
  private exited = false;

  constructor(readonly index: number) {
    // Inherits tsx's loader flags from this process's execArgv, so the child runs TypeScript too.
    this.child = fork(path.join(here, "live-client-proc.ts"), [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
    });
    trackChild(this.child);
    this.child.on("message", (reply: ProcReply | { id: number; type: "error"; message: string }) => {
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if (reply.type === "error") w.reject(new Error(`client process ${index}: ${reply.message}`));
      else w.resolve(reply);
    });
    this.child.once("exit", (code, signal) => {
      this.exited = true;
      for (const w of this.waiting.values()) {
        w.reject(new Error(`client process ${index} exited (${code ?? signal})`));
      }
      this.waiting.clear();
    });
    onCleanup(`stop client process ${index}`, () => this.stop());
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  request<T extends ProcRequest["type"]>(type: T, body: Omit<Body<T>, "type">): Promise<ReplyOf<T>> {
    if (this.exited) return Promise.reject(new Error(`client process ${this.index} has exited`));
    const id = this.nextId++;
    return new Promise<ReplyOf<T>>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (r: ProcReply) => void, reject });
      this.child.send({ id, type, ...body } as ProcRequest);
    });
  }

  connect(body: Omit<Body<"connect">, "type">) {
    return this.request("connect", body);
  }

  collect() {
    return this.request("collect", {});
  }

  stats(): Promise<ProcStats> {
    return this.request("stats", {});
  }

  close() {
    return this.request("close", {});
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 3_000);
    await gone;
    clearTimeout(timer);
  }
}

export type { ClientSpec, ProcStats };

/** Sums the stats of several client processes. */
export function mergeStats(all: ProcStats[]): ProcStats {
  return {
    clients: all.reduce((n, s) => n + s.clients, 0),
    connected: all.reduce((n, s) => n + s.connected, 0),
    minLastSeq: Math.min(...all.map((s) => s.minLastSeq)),
    maxLastSeq: Math.max(...all.map((s) => s.maxLastSeq)),
    applied: all.reduce((n, s) => n + s.applied, 0),
    duplicatesDropped: all.reduce((n, s) => n + s.duplicatesDropped, 0),
    reconnects: all.reduce((n, s) => n + s.reconnects, 0),
    reconnectedClients: all.reduce((n, s) => n + s.reconnectedClients, 0),
    reconnectMs: all.flatMap((s) => s.reconnectMs),
    reconnectedAt: all.flatMap((s) => s.reconnectedAt),
    reconnectPhases: all.flatMap((s) => s.reconnectPhases),
    disconnectedSince: all.flatMap((s) => s.disconnectedSince),
    syncErrors: all.reduce((n, s) => n + s.syncErrors, 0),
    syncErrorSamples: [...new Set(all.flatMap((s) => s.syncErrorSamples))].slice(0, 5),
    loopDelayP99Ms: Math.max(...all.map((s) => s.loopDelayP99Ms)),
    loopDelayMaxMs: Math.max(...all.map((s) => s.loopDelayMaxMs)),
  };
}

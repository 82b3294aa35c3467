// Production entry: WEB_CONCURRENCY app processes (default: one per CPU) share one port through Node's
// cluster module. Each worker is a full app node (server.ts): sessions live in PostgreSQL and socket rooms
// span processes through the Redis adapter, so no request needs to return to the same process. Browsers
// connect their sockets over WebSocket only, which needs no sticky sessions.
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import path from "node:path";

const requested = Number.parseInt(process.env.WEB_CONCURRENCY ?? "", 10);
const count = Number.isInteger(requested) && requested > 0 ? requested : availableParallelism();

{
  // A larger young generation: page rendering allocates many short-lived objects, and the default
  // semi-space makes the collector run several times per request.
  cluster.setupPrimary({
    exec: path.resolve("server.ts"),
    execArgv: [...process.execArgv, "--max-semi-space-size=32"],
  });
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < count; i++) fork();
  console.log(`Synochi: ${count} app processes`);

  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    // A crashed node is replaced; the others keep serving meanwhile.
    console.error(`app process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(fork, 1_000).unref();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => process.exit(1), 30_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/**
 * The worker process (`npm run worker`): the outbox relay and the queue processors. No worker runs in the
 * web process. Any number of these processes may run, on any host: the relay claims rows with SKIP LOCKED
 * and BullMQ hands each job to one worker.
 */
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { closeQueues, redisConnection } from "~/jobs/queues.server.ts";
import { createDb } from "~/utils/db.server.ts";
import { getEnv, type Env } from "~/utils/env.server.ts";
import { startAnalysis } from "./analysis.ts";
import { createDigestWorker } from "./digest.ts";
import { createMailWorker } from "./mail.ts";
import { createNotifyWorker } from "./notify.ts";
import { createPhasesWorker } from "./phases.ts";
import { createPriorityWorker } from "./priority.ts";
import { createRemindersWorker } from "./session-reminders.ts";
import { startOutboxRelay } from "./outbox-relay.ts";

let env: Env;
try {
  env = getEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const db = createDb(env.DATABASE_URL);
const relay = startOutboxRelay(db, {
  listenUrl: env.DATABASE_URL,
  prefix: env.REDIS_PREFIX,
  redisUrl: env.REDIS_URL,
});
// One worker connection per processor (BullMQ duplicates it for its blocking commands).
const connections: Redis[] = [];
function workerConnection(): Redis {
  const connection = redisConnection({ worker: true, url: env.REDIS_URL });
  connections.push(connection);
  return connection;
}
const workers: Worker[] = [
  createMailWorker({ connection: workerConnection(), prefix: env.REDIS_PREFIX }),
  createNotifyWorker({ db, connection: workerConnection(), prefix: env.REDIS_PREFIX }),
  createDigestWorker({ db, connection: workerConnection(), prefix: env.REDIS_PREFIX }),
];
// Consultations open and close on their dates: a job scheduler runs the `phases` job every minute.
workers.push(createPhasesWorker({ db, connection: workerConnection(), prefix: env.REDIS_PREFIX }));
// Analysis of every submission and comment version (predictions in threads), its reconciler and retraining.
const analysis = startAnalysis({ db, connection: workerConnection, prefix: env.REDIS_PREFIX });
workers.push(...analysis.workers);
// Priority scores: debounced recomputes from the outbox, and a daily recompute of everything.
workers.push(createPriorityWorker({ db, connection: workerConnection(), prefix: env.REDIS_PREFIX }));
// Reminders to those interested in a session that starts soon: a job scheduler, every minute.
workers.push(createRemindersWorker({ db, connection: workerConnection(), prefix: env.REDIS_PREFIX }));

for (const worker of workers) {
  worker.on("failed", (job, error) => {
    const attempts = job ? ` (attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1})` : "";
    console.error(`worker ${worker.name}: job ${job?.id ?? "?"} failed${attempts}: ${error.message}`);
  });
  // While Redis is down every reconnect attempt errors: log the first of a kind, not each one.
  let lastError = "";
  worker.on("error", (error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    console.error(`worker ${worker.name}: ${error.message}`);
  });
  worker.on("ready", () => {
    if (lastError) console.log(`worker ${worker.name}: connected to Redis again`);
    lastError = "";
  });
}

const redisReady = () => connections.every((c) => c.status === "ready");

/** Waits for running jobs to finish; gives up quickly when Redis is unreachable (they cannot finish then). */
async function closeWorker(worker: Worker): Promise<void> {
  const closed = await Promise.race([
    worker.close().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), redisReady() ? 25_000 : 2_000).unref()),
  ]);
  if (!closed) console.warn(`worker ${worker.name}: not closed cleanly (Redis unreachable?)`);
}

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`worker: ${signal} received, finishing running jobs…`);
  // A second signal, or a hung close, must not keep the process alive forever.
  const force = setTimeout(() => {
    console.error("worker: shutdown timed out, exiting");
    process.exit(1);
  }, 30_000);
  force.unref();
  try {
    await relay.stop();
    await Promise.all(workers.map(closeWorker));
    await analysis.stop();
    for (const c of connections) c.disconnect();
    await closeQueues();
    await db.$disconnect();
    console.log("worker stopped");
    process.exit(0);
  } catch (error) {
    console.error(`worker: error during shutdown: ${(error as Error).message}`);
    process.exit(1);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

// Redis may be down at start: the relay keeps events pending and the workers connect when it is back.
const ready = Promise.all(workers.map((w) => w.waitUntilReady()));
const redisUp = await Promise.race([
  ready.then(() => true),
  new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000)),
]).catch(() => false);
if (!redisUp)
  console.warn(`worker: Redis not reachable yet at ${new URL(env.REDIS_URL).host}; will keep trying`);
console.log(
  `worker ready (queues: ${workers.map((w) => w.name).join(", ")}; outbox relay on; prefix ${env.REDIS_PREFIX})`,
);

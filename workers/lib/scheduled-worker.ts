/**
 * A BullMQ worker whose queue is also fed by a job scheduler. Once connected the worker upserts its
 * schedule (retrying every 5 s while Redis is unreachable, so a worker started before Redis still ends up
 * scheduled); closing the worker closes the scheduling queue too, and the connection if it made it.
 */
import { Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { queuePrefix, redisConnection } from "~/jobs/queues.server.ts";

export interface ScheduledWorkerOptions<R> {
  queue: string;
  process: (job: Job) => Promise<R>;
  concurrency: number;
  /** A worker connection (`maxRetriesPerRequest: null`); default: a new one on REDIS_URL. */
  connection?: Redis;
  /** BullMQ prefix; default REDIS_PREFIX. */
  prefix?: string;
  /** The scheduled job (named in the error log) and how to upsert its schedule; none: a plain worker. */
  schedule?: { job: string; upsert: (queue: Queue) => Promise<unknown> };
}

export function createScheduledWorker<R>(opts: ScheduledWorkerOptions<R>): Worker {
  const connection = opts.connection ?? redisConnection({ worker: true });
  const prefix = opts.prefix ?? queuePrefix();
  const worker = new Worker(opts.queue, opts.process, { connection, prefix, concurrency: opts.concurrency });
  const schedule = opts.schedule;
  if (!schedule) return worker;
  const queue = new Queue(opts.queue, { connection, prefix });
  queue.on("error", () => {}); // the worker reports connection problems
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const upsert = () => {
    if (closed) return;
    schedule.upsert(queue).catch((error: Error) => {
      console.error(`worker ${opts.queue}: could not schedule ${schedule.job}: ${error.message}`);
      retry = setTimeout(upsert, 5_000);
      retry.unref();
    });
  };
  upsert();
  worker.on("closing", () => {
    closed = true;
    clearTimeout(retry);
  });
  worker.on("closed", () => {
    void queue
      .close()
      .catch(() => {})
      .finally(() => {
        if (!opts.connection) connection.disconnect();
      });
  });
  return worker;
}

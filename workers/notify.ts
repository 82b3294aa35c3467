/**
 * The `notify` queue: an event (a new submission, a comment, a support milestone, a status change) becomes
 * notifications for the people who should hear about it, delivered live to their open pages.
 * `handleNotifyJob` is the job's logic (testable without BullMQ); `createNotifyWorker` is the thin wrapper.
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import {
  announceNotifications,
  notifyForEvent,
  type CreatedNotification,
  type NotifyEvent,
} from "~/domain/notifications/notifications.server.ts";
import { InvalidJobPayload, parseJobPayload, queuePrefix, redisConnection } from "~/jobs/queues.server.ts";
import { publish as publishToRoom } from "~/realtime/publish.server.ts";
import type { Db } from "~/utils/db.server.ts";

export interface NotifyDeps {
  /** Live delivery (default: the Redis emitter). */
  publish?: typeof publishToRoom;
  /**
   * The event's idempotency key (the worker passes the BullMQ job id, derived from the outbox key); default:
   * derived from the job name and payload.
   */
  eventKey?: string;
}

function toEvent(name: string, payload: unknown): NotifyEvent {
  switch (name) {
    case "submission.created":
      return { name, payload: parseJobPayload("notify", name, payload) };
    case "comment.created":
      return { name, payload: parseJobPayload("notify", name, payload) };
    case "support.milestone":
      return { name, payload: parseJobPayload("notify", name, payload) };
    case "submission.status":
      return { name, payload: parseJobPayload("notify", name, payload) };
    default:
      throw new InvalidJobPayload("notify", name, [`unknown job "${name}" in queue "notify"`]);
  }
}

/**
 * One `notify` job: validates the payload (throws `InvalidJobPayload`), writes the notifications (a job run
 * again writes nothing new) and, after the commit, publishes `notification:new` to each recipient's room.
 */
export async function handleNotifyJob(
  db: Db,
  name: string,
  payload: unknown,
  deps: NotifyDeps = {},
): Promise<CreatedNotification[]> {
  const event = toEvent(name, payload);
  const created = await notifyForEvent(db, event, deps.eventKey);
  if (created.length > 0) await announceNotifications(db, created, deps.publish ?? publishToRoom);
  return created;
}

/** Runs one BullMQ job; a payload that can never succeed fails at once instead of being retried. */
export async function processNotifyJob(
  db: Db,
  job: Pick<Job, "name" | "data" | "id">,
  deps: Omit<NotifyDeps, "eventKey"> = {},
): Promise<{ notified: number }> {
  try {
    const created = await handleNotifyJob(db, job.name, job.data, { ...deps, eventKey: job.id });
    return { notified: created.length };
  } catch (error) {
    if (error instanceof InvalidJobPayload) throw new UnrecoverableError(error.message);
    throw error;
  }
}

export interface NotifyWorkerOptions {
  db: Db;
  /** A worker connection (`maxRetriesPerRequest: null`); default: a new one on REDIS_URL. */
  connection?: Redis;
  /** BullMQ prefix; default REDIS_PREFIX. */
  prefix?: string;
  concurrency?: number;
}

/** The BullMQ worker of the `notify` queue. Closing it also closes the connection it created. */
export function createNotifyWorker(opts: NotifyWorkerOptions): Worker {
  const connection = opts.connection ?? redisConnection({ worker: true });
  const worker = new Worker("notify", (job) => processNotifyJob(opts.db, job), {
    connection,
    prefix: opts.prefix ?? queuePrefix(),
    concurrency: opts.concurrency ?? 4,
  });
  if (!opts.connection) worker.on("closed", () => connection.disconnect());
  return worker;
}

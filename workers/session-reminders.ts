/**
 * The `session-reminders` queue, job `remind`: every minute, the people who registered interest in a
 * session that starts soon get a reminder, once: an in-app notification (delivered live to their open
 * pages) and an e-mail through the outbox and the `mail` queue. `sendSessionReminders` is the logic (one
 * transaction with the claim, so a failed run reminds nobody and the next one retries); this file is the
 * thin BullMQ wrapper plus the every-minute job scheduler (one schedule in Redis, however many worker
 * processes upsert it).
 */
import { UnrecoverableError, type Job, type Queue, type Worker } from "bullmq";
import type { Redis } from "ioredis";
import { sendSessionReminders, type ReminderResult } from "~/domain/sessions/calendar.server.ts";
import { InvalidJobPayload, parseJobPayload } from "~/jobs/queues.server.ts";
import { publish as publishToRoom } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import type { Db } from "~/utils/db.server.ts";
import { createScheduledWorker } from "./lib/scheduled-worker.ts";

export const REMINDERS_QUEUE = "session-reminders";
export const REMIND_JOB = "remind";
export const REMINDERS_SCHEDULER_ID = "session-reminders-every-minute";
export const REMINDERS_EVERY_MS = 60_000;

export interface RemindersDeps {
  now?: Date;
  leadMinutes?: number;
  appUrl?: string;
  /** Live delivery (default: the Redis emitter). */
  publish?: typeof publishToRoom;
}

/** Runs one `remind` job; a malformed job fails at once instead of being retried. */
export async function processRemindersJob(
  db: Db,
  job: Pick<Job, "name" | "data">,
  deps: RemindersDeps = {},
): Promise<Omit<ReminderResult, "notifications"> & { notified: number }> {
  try {
    if (job.name !== REMIND_JOB) {
      throw new InvalidJobPayload(REMINDERS_QUEUE, job.name, [`unknown job "${job.name}"`]);
    }
    parseJobPayload(REMINDERS_QUEUE, REMIND_JOB, job.data);
  } catch (error) {
    if (error instanceof InvalidJobPayload) throw new UnrecoverableError(error.message);
    throw error;
  }
  const result = await sendSessionReminders(db, {
    now: deps.now,
    leadMinutes: deps.leadMinutes,
    appUrl: deps.appUrl,
  });
  // After the commit: open pages hear about the new notification (the bell's count).
  const publish = deps.publish ?? publishToRoom;
  for (const n of result.notifications) {
    publish(rooms.user(n.userId), "notification:new", {
      id: n.id,
      type: "session_reminder",
      unread: n.unread,
    });
  }
  if (result.reminded > 0) {
    console.log(`session-reminders: reminded ${result.reminded}; e-mails ${result.mails}`);
  }
  return { reminded: result.reminded, mails: result.mails, notified: result.notifications.length };
}

/** Creates (or updates) the every-minute schedule of the `remind` job. */
export async function scheduleReminders(queue: Queue, everyMs: number = REMINDERS_EVERY_MS): Promise<void> {
  await queue.upsertJobScheduler(
    REMINDERS_SCHEDULER_ID,
    { every: everyMs },
    {
      name: REMIND_JOB,
      data: {},
      // A missed minute is made up by the next one (the claim takes whatever is due): no retries.
      opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } },
    },
  );
}

export interface RemindersWorkerOptions {
  db: Db;
  /** A worker connection (`maxRetriesPerRequest: null`); default: a new one on REDIS_URL. */
  connection?: Redis;
  /** BullMQ prefix; default REDIS_PREFIX. */
  prefix?: string;
  everyMs?: number;
}

/**
 * The BullMQ worker of the `session-reminders` queue. Once connected it upserts the every-minute schedule
 * (retrying while Redis is unreachable); closing the worker closes the scheduling queue too.
 */
export function createRemindersWorker(opts: RemindersWorkerOptions): Worker {
  return createScheduledWorker({
    queue: REMINDERS_QUEUE,
    process: (job) => processRemindersJob(opts.db, job),
    concurrency: 1,
    connection: opts.connection,
    prefix: opts.prefix,
    schedule: { job: REMIND_JOB, upsert: (queue) => scheduleReminders(queue, opts.everyMs) },
  });
}

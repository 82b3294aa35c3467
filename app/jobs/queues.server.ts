/**
 * Queue names, job payload schemas and default job options: one place for producers (the outbox relay)
 * and workers. Nothing here starts a worker; no worker runs inside the web process.
 *
 * Redis connections: producers fail fast (no offline queue, one retry) so a Redis outage surfaces as an
 * error the outbox relay records, never as a request hanging; workers use `maxRetriesPerRequest: null`
 * as BullMQ requires for its blocking commands.
 */
import { Queue, type DefaultJobOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { z } from "zod";
import { getEnv } from "~/utils/env.server.ts";

// ───────────────────────────── Payload schemas ─────────────────────────────

export const MAIL_LOCALES = ["el", "en"] as const;
export type MailLocale = (typeof MAIL_LOCALES)[number];

const displayName = z.string().trim().min(1).max(200);
const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

/** Parameters each e-mail template needs (the texts live in app/i18n/emails/<locale>.json). */
export const mailTemplateParams = {
  verify_email: z.object({ displayName, url: httpUrl }),
  reset_password: z.object({ displayName, url: httpUrl }),
  /** Someone tried to register with an address that already has an account. */
  register_existing: z.object({ loginUrl: httpUrl, resetUrl: httpUrl }),
  password_changed: z.object({ displayName }),
  /** Sent to the address the account had; the display name is already gone. */
  account_erased: z.object({}),
  /** The notifications digest: one line per notification (already localised), linked; `count` formatted. */
  digest: z.object({
    displayName,
    count: z.string().min(1).max(20),
    items: z
      .array(z.object({ text: z.string().trim().min(1).max(1_000), url: httpUrl }))
      .min(1)
      .max(100),
    url: httpUrl,
  }),
  /** A moderator's decision about the recipient's content or account: already localised lines, linked. */
  moderation_notice: z.object({
    displayName,
    summary: z.string().trim().min(1).max(1_000),
    reason: z.string().trim().min(1).max(200),
    message: z.string().trim().min(1).max(2_000),
    url: httpUrl,
  }),
  /** A live session the recipient registered interest in starts soon: already localised lines, linked. */
  session_reminder: z.object({
    displayName,
    title: z.string().trim().min(1).max(300),
    committee: z.string().trim().min(1).max(300),
    when: z.string().trim().min(1).max(200),
    mode: z.string().trim().min(1).max(100),
    where: z.string().trim().min(1).max(2_500),
    url: httpUrl,
    icsUrl: httpUrl,
  }),
  /** A submission was judged urgent (to moderators, the Directorate and admins). */
  urgent_alert: z.object({
    displayName,
    title: z.string().trim().min(1).max(300),
    consultation: z.string().trim().min(1).max(300),
    confidence: z.string().trim().min(1).max(10),
    url: httpUrl,
    alertsUrl: httpUrl,
  }),
} as const;

export type MailTemplate = keyof typeof mailTemplateParams;
export const MAIL_TEMPLATES = Object.keys(mailTemplateParams) as MailTemplate[];

const mailBase = { to: z.email().max(320), locale: z.enum(MAIL_LOCALES) };

/** `mail` queue, job `send`: one templated e-mail to one address. */
export const sendMailPayloadSchema = z.discriminatedUnion("template", [
  z.object({ ...mailBase, template: z.literal("verify_email"), params: mailTemplateParams.verify_email }),
  z.object({ ...mailBase, template: z.literal("reset_password"), params: mailTemplateParams.reset_password }),
  z.object({
    ...mailBase,
    template: z.literal("register_existing"),
    params: mailTemplateParams.register_existing,
  }),
  z.object({
    ...mailBase,
    template: z.literal("password_changed"),
    params: mailTemplateParams.password_changed,
  }),
  z.object({
    ...mailBase,
    template: z.literal("account_erased"),
    params: mailTemplateParams.account_erased.default({}),
  }),
  z.object({ ...mailBase, template: z.literal("digest"), params: mailTemplateParams.digest }),
  z.object({
    ...mailBase,
    template: z.literal("moderation_notice"),
    params: mailTemplateParams.moderation_notice,
  }),
  z.object({
    ...mailBase,
    template: z.literal("session_reminder"),
    params: mailTemplateParams.session_reminder,
  }),
  z.object({ ...mailBase, template: z.literal("urgent_alert"), params: mailTemplateParams.urgent_alert }),
]);
export type SendMailPayload = z.infer<typeof sendMailPayloadSchema>;

const uuid = z.uuid();

/**
 * `analysis` queue (consumed by the analysis workers): a submission or comment to analyse at a version.
 * Outbox key: `analyse:<submissionId>:<version>` / `analyse-comment:<commentId>:<version>`.
 */
export const analyseSubmissionPayloadSchema = z.object({ submissionId: uuid, version: z.int().min(1) });
export const analyseCommentPayloadSchema = z.object({ commentId: uuid, version: z.int().min(1) });

/**
 * `notify` queue: something happened that followers or authors may need to hear about. The worker works
 * out who, writes their notifications and delivers them live. Outbox key: `notify:<event>:<id>[:<more>]`.
 */
export const notifyPayloadSchemas = {
  /** A submission became public (published at once or approved). */
  "submission.created": z.object({ submissionId: uuid }),
  /** A comment was posted (replies notify the parent's author; followers of the submission hear too). */
  "comment.created": z.object({ commentId: uuid }),
  /** A proposal's support count reached a milestone (10, 50, 100, 500, 1000, …). */
  "support.milestone": z.object({ submissionId: uuid, count: z.int().min(1) }),
  /** A submission's status changed by someone other than its author (moderation, response). */
  "submission.status": z.object({ submissionId: uuid, status: z.string().min(1).max(40) }),
} as const;

/**
 * Every queue and, per queue, every job name with its payload schema. Add a queue here (e.g. `analysis`,
 * `notify`, `report`, `export`) together with its worker in workers/<queue>.ts.
 */
export const jobSchemas = {
  mail: { send: sendMailPayloadSchema },
  analysis: { submission: analyseSubmissionPayloadSchema, comment: analyseCommentPayloadSchema },
  /** Analysis upkeep (workers/analysis-control.ts): the every-minute reconciler and model retraining. */
  "analysis-control": {
    reconcile: z.object({}),
    retrain: z.object({ reason: z.string().trim().min(1).max(200).optional() }),
  },
  /** After a submission version is analysed (workers/analysis-followups.ts): near-duplicates, priority. */
  "analysis-followups": { after: analyseSubmissionPayloadSchema },
  notify: notifyPayloadSchemas,
  /** Repeatable (job scheduler, not the outbox): send the e-mail digests of one frequency. */
  digest: { send: z.object({ frequency: z.enum(["daily"]) }) },
  /** Repeatable (job scheduler, every minute): consultations whose dates have come change phase. */
  schedule: { phases: z.object({}) },
  /** Repeatable (job scheduler, every minute): remind those interested in a session that starts soon. */
  "session-reminders": { remind: z.object({}) },
  /**
   * Priority scores (workers/priority.ts). `recompute`: one submission (outbox key
   * `priority:<submissionId>:<window>`, debounced, see schedulePriorityRecompute); `recompute-consultation`:
   * all of one (weights changed); `recompute-all`: repeatable, daily (recency moves on; catches up misses).
   */
  priority: {
    recompute: z.object({ submissionId: uuid }),
    "recompute-consultation": z.object({ consultationId: uuid }),
    "recompute-all": z.object({}),
  },
} as const satisfies Record<string, Record<string, z.ZodType>>;

export type QueueName = keyof typeof jobSchemas;
export const QUEUE_NAMES = Object.keys(jobSchemas) as QueueName[];
export type JobName<Q extends QueueName> = keyof (typeof jobSchemas)[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = z.infer<(typeof jobSchemas)[Q][N]>;

export function isQueueName(value: string): value is QueueName {
  return Object.hasOwn(jobSchemas, value);
}

export class InvalidJobPayload extends Error {
  override name = "InvalidJobPayload";
  constructor(
    readonly queue: string,
    readonly jobName: string,
    readonly issues: string[],
  ) {
    super(`Invalid payload for job ${queue}/${jobName}: ${issues.join("; ")}`);
  }
}

/** Validates a payload against its job's schema; returns the parsed value or throws `InvalidJobPayload`. */
export function parseJobPayload<Q extends QueueName, N extends JobName<Q>>(
  queue: Q,
  name: N,
  payload: unknown,
): JobPayload<Q, N>;
export function parseJobPayload(queue: string, name: string, payload: unknown): unknown;
export function parseJobPayload(queue: string, name: string, payload: unknown): unknown {
  if (!isQueueName(queue)) throw new InvalidJobPayload(queue, name, [`unknown queue "${queue}"`]);
  const schemas = jobSchemas[queue] as Record<string, z.ZodType>;
  const schema = Object.hasOwn(schemas, name) ? schemas[name] : undefined;
  if (!schema) throw new InvalidJobPayload(queue, name, [`unknown job "${name}" in queue "${queue}"`]);
  const result = schema.safeParse(payload);
  if (!result.success) {
    throw new InvalidJobPayload(
      queue,
      name,
      result.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`),
    );
  }
  return result.data;
}

// ───────────────────────────── Job ids ─────────────────────────────

/** Outbox keys: `<namespace>:<part>[:<part>…]`, each part letters, digits, `_` or `-`. */
export const OUTBOX_KEY_PATTERN = /^[A-Za-z0-9_-]+(:[A-Za-z0-9_-]+)+$/;

/**
 * The BullMQ job id for an outbox key. BullMQ refuses custom ids containing one `:` (and integer ids),
 * so the key's `:` become `.`; keys hold no `.`, so the mapping is one-to-one ("mail:42" → "mail.42").
 */
export function jobIdForKey(key: string): string {
  if (!OUTBOX_KEY_PATTERN.test(key)) {
    throw new Error(
      `Invalid outbox key ${JSON.stringify(key)}: expected "<namespace>:<id>[:<more>]" of [A-Za-z0-9_-]`,
    );
  }
  return key.replaceAll(":", ".");
}

// ───────────────────────────── Options and connections ─────────────────────────────

/** Retries with exponential backoff (2 s, 4 s, 8 s, 16 s); keep recent history for inspection. */
export const defaultJobOptions: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { count: 1_000, age: 24 * 60 * 60 },
  removeOnFail: { count: 5_000, age: 14 * 24 * 60 * 60 },
};

/** BullMQ key prefix: REDIS_PREFIX, so that test files (and deployments sharing a Redis) are isolated. */
export function queuePrefix(): string {
  return getEnv().REDIS_PREFIX;
}

export interface RedisConnectionOptions {
  /** BullMQ workers need commands that wait out a Redis outage (`maxRetriesPerRequest: null`). */
  worker?: boolean;
  /** Defaults to REDIS_URL. */
  url?: string;
  /** Extra ioredis options. */
  options?: RedisOptions;
}

/**
 * A new ioredis connection. Producer connections (the default) fail fast: no offline queue, one retry
 * per command, short connect timeout; they keep reconnecting in the background.
 */
export function redisConnection(opts: RedisConnectionOptions = {}): Redis {
  const url = opts.url ?? getEnv().REDIS_URL;
  const base: RedisOptions = opts.worker
    ? { maxRetriesPerRequest: null, enableReadyCheck: true }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  const redis = new Redis(url, {
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
    ...base,
    ...opts.options,
  });
  // Failures surface on the commands that fail; without a listener ioredis would log every reconnect attempt.
  redis.on("error", () => {});
  return redis;
}

/** Raised instead of waiting when the producer connection is not ready (Redis down or reconnecting). */
export class RedisUnavailable extends Error {
  override name = "RedisUnavailable";
}

export interface JobToAdd {
  queue: string;
  name: string;
  payload: unknown;
  /** The BullMQ job id: adding an id that already exists is a no-op. */
  jobId: string;
}

/** Adds one job; throws when Redis is unreachable. Used by the outbox relay. */
export type AddJob = (job: JobToAdd) => Promise<void>;

export interface JobProducer {
  addJob: AddJob;
  getQueue(name: QueueName): Queue;
  /** The producer's Redis connection (for readiness checks). */
  redis: Redis;
  close(): Promise<void>;
}

export interface JobProducerOptions {
  /** Defaults to REDIS_URL. */
  url?: string;
  /** BullMQ prefix; defaults to REDIS_PREFIX. */
  prefix?: string;
  /** Upper bound on one add, in case a command hangs on a half-open connection. */
  timeoutMs?: number;
  /**
   * How long the first adds wait for a connection that has never been ready yet (a process just started);
   * once it has been ready, an outage fails adds at once. Default 2 s.
   */
  connectWaitMs?: number;
}

/**
 * A producer: one fail-fast Redis connection shared by one `Queue` per queue name. `addJob` refuses at once
 * while the connection is down, instead of queueing the command or waiting for Redis.
 */
export function createJobProducer(opts: JobProducerOptions = {}): JobProducer {
  const redis = redisConnection({ url: opts.url });
  const prefix = opts.prefix ?? queuePrefix();
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const connectWaitMs = opts.connectWaitMs ?? 2_000;
  const queues = new Map<QueueName, Queue>();
  let closed = false;
  let everReady = false;
  redis.on("ready", () => {
    everReady = true;
  });

  // Shared by all adds waiting for the first connection (one listener, however many adds).
  let firstConnection: Promise<boolean> | undefined;
  function waitForFirstConnection(): Promise<boolean> {
    firstConnection ??= new Promise<boolean>((resolve) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        redis.off("ready", onReady);
        resolve(false);
      }, connectWaitMs);
      redis.once("ready", onReady);
    });
    return firstConnection;
  }

  /** Resolves when the connection is ready; throws `RedisUnavailable` when it is down. */
  async function ready(): Promise<void> {
    if (redis.status === "ready") return;
    // Just started: give the first connection attempt a moment instead of failing every pending event.
    if (!everReady && connectWaitMs > 0 && redis.status !== "end" && (await waitForFirstConnection())) return;
    throw new RedisUnavailable(`Redis is not reachable (connection ${redis.status})`);
  }

  function getQueue(name: QueueName): Queue {
    if (closed) throw new Error("The job producer is closed");
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: redis, prefix, defaultJobOptions });
      queue.on("error", () => {}); // surfaced by the failing add
      queues.set(name, queue);
    }
    return queue;
  }

  async function dropIfBroken(name: QueueName, queue: Queue): Promise<void> {
    // A Queue whose first connection attempt failed keeps that failure forever: start a new one next time.
    const broken = await Promise.race([
      queue.waitUntilReady().then(
        () => false,
        () => true,
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 50)),
    ]);
    if (broken && queues.get(name) === queue) {
      queues.delete(name);
      await queue.close().catch(() => {});
    }
  }

  const addJob: AddJob = async ({ queue: queueName, name, payload, jobId }) => {
    if (!isQueueName(queueName))
      throw new InvalidJobPayload(queueName, name, [`unknown queue "${queueName}"`]);
    await ready();
    const queue = getQueue(queueName);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        queue.add(name, payload, { jobId }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new RedisUnavailable(`Adding job ${jobId} timed out after ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      await dropIfBroken(queueName, queue);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await Promise.all([...queues.values()].map((q) => q.close().catch(() => {})));
    queues.clear();
    redis.disconnect();
  }

  return { addJob, getQueue, redis, close };
}

// ───────────────────────────── Process-wide producer ─────────────────────────────

const globalForQueues = globalThis as unknown as { __synochiProducer?: JobProducer };

function defaultProducer(): JobProducer {
  globalForQueues.__synochiProducer ??= createJobProducer();
  return globalForQueues.__synochiProducer;
}

/** The process-wide producer `Queue` for `name` (REDIS_URL, REDIS_PREFIX), for inspection and admin pages. */
export function getQueue(name: QueueName): Queue {
  return defaultProducer().getQueue(name);
}

/** Closes the process-wide producer (its queues and connection). */
export async function closeQueues(): Promise<void> {
  const producer = globalForQueues.__synochiProducer;
  globalForQueues.__synochiProducer = undefined;
  await producer?.close();
}

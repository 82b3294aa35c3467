/**
 * The transactional outbox: a change that needs background work writes an `OutboxEvent` row in the same
 * transaction; the relay (workers/outbox-relay.ts) moves committed rows to BullMQ. Redis being down when the
 * change is made loses nothing, and a rolled-back change leaves no job behind.
 */
import type { Prisma } from "~/generated/prisma/client.ts";
import { jobIdForKey, parseJobPayload, type QueueName } from "~/jobs/queues.server.ts";
import type { Db, DbOrTx } from "~/utils/db.server.ts";

/** The channel `addOutboxEvent` notifies on commit, so the relay need not wait for its next poll. */
export const OUTBOX_CHANNEL = "outbox";

export interface OutboxEventInput {
  /**
   * Idempotency key and (with `:` written as `.`) the BullMQ job id, e.g. `mail:<uuid>` or
   * `analyse:<submissionId>:<version>`. Adding the same key twice is a no-op.
   */
  key: string;
  queue: QueueName;
  /** The job name within the queue (e.g. `send` in `mail`). */
  name: string;
  /** Validated against the job's schema in app/jobs/queues.server.ts before anything is written. */
  payload: unknown;
  /** Not relayed before this time (default: now). */
  availableAt?: Date;
}

/**
 * Inserts an outbox row inside the caller's transaction. Returns false when a row with this key already
 * existed (nothing written). Throws `InvalidJobPayload` for a payload its job would refuse.
 */
export async function addOutboxEvent(tx: DbOrTx, event: OutboxEventInput): Promise<boolean> {
  jobIdForKey(event.key); // refuses keys that cannot become a job id
  const payload = parseJobPayload(event.queue, event.name, event.payload) as Prisma.InputJsonValue;
  const { count } = await tx.outboxEvent.createMany({
    data: [
      {
        key: event.key,
        queue: event.queue,
        name: event.name,
        payload,
        createdAt: new Date(),
        availableAt: event.availableAt ?? new Date(),
      },
    ],
    // ON CONFLICT DO NOTHING: a duplicate key must not abort the caller's transaction.
    skipDuplicates: true,
  });
  if (count > 0) {
    // Delivered on commit only; a rolled-back transaction wakes nobody.
    await tx.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
  }
  return count > 0;
}

/** Counts of rows waiting for the relay and of rows that failed at least once (for health pages). */
export async function outboxBacklog(db: DbOrTx): Promise<{ pending: number; retrying: number }> {
  const [pending, retrying] = await Promise.all([
    db.outboxEvent.count({ where: { sentAt: null } }),
    db.outboxEvent.count({ where: { sentAt: null, attempts: { gt: 0 } } }),
  ]);
  return { pending, retrying };
}

/**
 * Deletes relayed rows older than `olderThan` (their payloads may hold e-mail addresses and links): for the
 * retention job. Pending rows are never deleted. Returns how many were deleted.
 */
export async function purgeSentOutboxEvents(db: Db, olderThan: Date): Promise<number> {
  const { count } = await db.outboxEvent.deleteMany({ where: { sentAt: { not: null, lt: olderThan } } });
  return count;
}

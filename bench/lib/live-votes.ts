/**
 * Upvotes as participants cast them: open-loop Poisson arrivals at `rate` per second, each from a
 * signed-in voter's own socket (`session:command` "question.vote"), every (voter, question) pair at most
 * once (one upvote per person and question). Records each upvote's send time, ack time and seq.
 */
import { prng } from "./load.ts";
import { now, type LiveSessionClient } from "./live-client.ts";

export interface VoteRecord {
  questionId: string;
  sentAt: number;
  ackAt: number | null;
  seq: number | null;
  error: string | null;
}

export class VoteDriver {
  private pair = 0;
  readonly records: VoteRecord[] = [];

  constructor(
    private readonly voters: LiveSessionClient[],
    private readonly questionIds: string[],
  ) {}

  get capacity(): number {
    return this.voters.length * this.questionIds.length - this.pair;
  }

  /** One upvote from the next unused (voter, question) pair. */
  async vote(): Promise<VoteRecord> {
    if (this.capacity <= 0)
      throw new Error("every voter has upvoted every question: add voters or questions");
    const k = this.pair++;
    const voter = this.voters[k % this.voters.length];
    const questionId = this.questionIds[Math.floor(k / this.voters.length) % this.questionIds.length];
    const record: VoteRecord = { questionId, sentAt: now(), ackAt: null, seq: null, error: null };
    this.records.push(record);
    try {
      const ack = await voter.command("question.vote", { questionId });
      record.ackAt = now();
      if (!ack.ok) record.error = ack.messageKey;
      else if (ack.data?.changed === false) record.error = "unchanged";
      else record.seq = typeof ack.data?.seq === "number" ? ack.data.seq : null;
    } catch (error) {
      record.error = (error as Error).message;
    }
    return record;
  }

  /**
   * Poisson arrivals at `rate` per second for `durationS` seconds (or until `stop()` says so); resolves
   * when every upvote sent has its answer.
   */
  async run(
    rate: number,
    durationS: number,
    seed: number,
    stop: () => boolean = () => false,
  ): Promise<VoteRecord[]> {
    const random = prng(seed);
    const start = performance.now();
    const end = start + durationS * 1000;
    const inFlight: Promise<VoteRecord>[] = [];
    const sent: VoteRecord[] = [];
    let at = start;
    for (;;) {
      at += (-Math.log(1 - random()) / rate) * 1000;
      if (at >= end || stop()) break;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (stop()) break;
      const p = this.vote();
      inFlight.push(p);
      void p.then((r) => sent.push(r));
    }
    await Promise.all(inFlight);
    return sent.sort((a, b) => a.sentAt - b.sentAt);
  }
}

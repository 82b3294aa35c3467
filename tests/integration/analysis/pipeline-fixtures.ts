/**
 * Data for the analysis pipeline's tests: reference data, a consultation, and submissions written as the
 * create and edit paths write them (the row and its `analyse:<id>:<version>` outbox event in one transaction).
 */
import { addOutboxEvent } from "~/domain/outbox/outbox.server.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import { newId } from "~/utils/ids.ts";
import { upsertGeographyAndTaxonomy } from "../../../prisma/seed.ts";
import { createUser } from "../../helpers/factories.ts";

/** Texts like the citizens' (not from the dev files): housing, an urgent one, a Greeklish one, off-topic. */
export const TEXTS = [
  "Στην Πάτρα πολλές οικογένειες με παιδιά δεν μπορούν να πληρώσουν ενοίκιο. Προτείνουμε επίδομα στέγασης.",
  "Χρειάζεται μεταφορά για ηλικιωμένους από τα ορεινά χωριά του Αγρινίου προς το κέντρο υγείας.",
  "Η γειτόνισσά μου μένει χωρίς θέρμανση και ρεύμα από χθες, είναι άρρωστη και μόνη. Βοηθήστε τώρα!",
  "Na ginoun programmata katartisis gia anergous neous sto Mesologgi, me praktiki se epixeiriseis.",
  "Πουλάω μεταχειρισμένο ποδήλατο σε καλή τιμή, τηλεφωνήστε μου.",
  "Οι ράμπες για αναπηρικά αμαξίδια στα πεζοδρόμια του Πύργου λείπουν ή είναι κατεστραμμένες.",
];

export interface PipelineWorld {
  staffId: string;
  authorId: string;
  consultationId: string;
}

export async function seedWorld(db: PrismaClient): Promise<PipelineWorld> {
  await upsertGeographyAndTaxonomy(db);
  const staff = await createUser(db, { roles: ["citizen", "directorate"] });
  const author = await createUser(db);
  const id = newId();
  await db.consultation.create({
    data: {
      id,
      slug: `c-${id.slice(0, 8)}`,
      title: `Διαβούλευση ${id.slice(0, 6)}`,
      summary: "Περίληψη",
      bodyJson: { type: "doc", content: [] },
      bodyHtml: "",
      phase: "open",
      opensAt: new Date(Date.now() - 86_400_000),
      closesAt: new Date(Date.now() + 30 * 86_400_000),
      createdById: staff.id,
    },
  });
  return { staffId: staff.id, authorId: author.id, consultationId: id };
}

/** A published submission and its analysis outbox event, committed together (as createSubmission does). */
export async function postSubmission(
  db: PrismaClient,
  world: PipelineWorld,
  { text = TEXTS[0], title, outbox = true }: { text?: string; title?: string; outbox?: boolean } = {},
): Promise<{ id: string; submissionId: string; version: number }> {
  const id = newId();
  await db.$transaction(async (tx) => {
    await tx.submission.create({
      data: {
        id,
        consultationId: world.consultationId,
        authorId: world.authorId,
        kind: "proposal",
        title: title ?? text.slice(0, 60),
        bodyJson: { type: "doc", content: [] },
        bodyHtml: `<p>${text}</p>`,
        bodyText: text,
        status: "published",
      },
    });
    if (outbox) {
      await addOutboxEvent(tx, {
        key: `analyse:${id}:1`,
        queue: "analysis",
        name: "submission",
        payload: { submissionId: id, version: 1 },
      });
    }
  });
  return { id, submissionId: id, version: 1 };
}

/** An edit: the version goes up with a new text, and the new version's outbox event is written. */
export async function editSubmission(
  db: PrismaClient,
  submissionId: string,
  text: string,
  { outbox = true }: { outbox?: boolean } = {},
): Promise<number> {
  return db.$transaction(async (tx) => {
    const s = await tx.submission.update({
      where: { id: submissionId },
      data: { bodyText: text, bodyHtml: `<p>${text}</p>`, version: { increment: 1 }, editedAt: new Date() },
      select: { version: true },
    });
    if (outbox) {
      await addOutboxEvent(tx, {
        key: `analyse:${submissionId}:${s.version}`,
        queue: "analysis",
        name: "submission",
        payload: { submissionId, version: s.version },
      });
    }
    return s.version;
  });
}

/** A published comment on a submission (version 1). */
export async function postComment(db: PrismaClient, authorId: string, submissionId: string, body: string) {
  return db.comment.create({
    data: { id: newId(), authorId, submissionId, body },
    select: { id: true, version: true },
  });
}

/** Test data for the notifications tests: consultations, submissions, articles, comments, live sessions. */
import type {
  CommentAlignment,
  ConsultationPhase,
  PrismaClient,
  SubmissionStatus,
} from "~/generated/prisma/client.ts";
import { newId } from "~/utils/ids.ts";

const emptyDoc = { type: "doc", content: [] };

export async function createConsultation(
  db: PrismaClient,
  { createdById, phase = "open", title }: { createdById: string; phase?: ConsultationPhase; title?: string },
) {
  const id = newId();
  return db.consultation.create({
    data: {
      id,
      slug: `c-${id.slice(0, 8)}`,
      title: title ?? `Διαβούλευση ${id.slice(0, 6)}`,
      summary: "Περίληψη",
      bodyJson: emptyDoc,
      bodyHtml: "",
      phase,
      createdById,
    },
  });
}

export async function createSubmission(
  db: PrismaClient,
  {
    consultationId,
    authorId,
    status = "published",
    title,
  }: { consultationId: string; authorId: string; status?: SubmissionStatus; title?: string },
) {
  const id = newId();
  return db.submission.create({
    data: {
      id,
      consultationId,
      authorId,
      kind: "proposal",
      title: title ?? `Πρόταση ${id.slice(0, 6)}`,
      bodyJson: emptyDoc,
      bodyHtml: "<p>Κείμενο</p>",
      bodyText: "Κείμενο",
      status,
    },
  });
}

export async function createArticle(
  db: PrismaClient,
  { consultationId, number = 1 }: { consultationId: string; number?: number },
) {
  return db.consultationArticle.create({
    data: {
      id: newId(),
      consultationId,
      number,
      title: `Άρθρο ${number}`,
      bodyJson: emptyDoc,
      bodyHtml: "",
    },
  });
}

export async function createComment(
  db: PrismaClient,
  {
    authorId,
    submissionId,
    articleId,
    parentId,
    depth = 1,
    alignment = "neutral",
  }: {
    authorId: string;
    submissionId?: string;
    articleId?: string;
    parentId?: string;
    depth?: number;
    alignment?: CommentAlignment;
  },
) {
  return db.comment.create({
    data: {
      id: newId(),
      authorId,
      submissionId: submissionId ?? null,
      articleId: articleId ?? null,
      parentId: parentId ?? null,
      depth,
      alignment,
      body: "Σχόλιο",
    },
  });
}

export async function createLiveSession(
  db: PrismaClient,
  { createdById, status = "scheduled" }: { createdById: string; status?: "scheduled" | "cancelled" },
) {
  const committee = await db.committee.create({
    data: { id: newId(), name: `Επιτροπή ${newId()}`, level: "regional" },
  });
  return db.liveSession.create({
    data: {
      id: newId(),
      committeeId: committee.id,
      title: "Συνεδρίαση",
      startsAt: new Date(Date.now() + 86_400_000),
      mode: "online",
      status,
      createdById,
    },
  });
}

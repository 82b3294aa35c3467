/** Test data for search: consultations, articles, submissions and comments written straight to the database. */
import type {
  CommentStatus,
  ConsultationPhase,
  PrismaClient,
  SubmissionStatus,
} from "~/generated/prisma/client.ts";
import { newId } from "~/utils/ids.ts";

export async function createConsultation(
  db: PrismaClient,
  authorId: string,
  {
    title,
    summary = "Περίληψη.",
    bodyHtml = "<p>Κείμενο.</p>",
    phase = "open",
  }: { title: string; summary?: string; bodyHtml?: string; phase?: ConsultationPhase },
) {
  const id = newId();
  return db.consultation.create({
    data: {
      id,
      slug: `d-${id.slice(0, 8)}`,
      title,
      summary,
      bodyJson: {},
      bodyHtml,
      phase,
      createdById: authorId,
    },
  });
}

export async function createArticle(
  db: PrismaClient,
  consultationId: string,
  {
    number,
    title,
    bodyHtml = "<p>Κείμενο άρθρου.</p>",
  }: { number: number; title: string; bodyHtml?: string },
) {
  return db.consultationArticle.create({
    data: { id: newId(), consultationId, number, title, bodyJson: {}, bodyHtml },
  });
}

export async function createSubmission(
  db: PrismaClient,
  consultationId: string,
  authorId: string,
  {
    title,
    bodyText = "Κείμενο κατάθεσης.",
    status = "published",
    supportCount = 0,
    commentCount = 0,
    createdAt,
  }: {
    title: string;
    bodyText?: string;
    status?: SubmissionStatus;
    supportCount?: number;
    commentCount?: number;
    createdAt?: Date;
  },
) {
  return db.submission.create({
    data: {
      id: newId(),
      consultationId,
      authorId,
      kind: "proposal",
      title,
      bodyJson: {},
      bodyHtml: "",
      bodyText,
      status,
      supportCount,
      commentCount,
      createdAt,
    },
  });
}

export async function createComment(
  db: PrismaClient,
  authorId: string,
  target: { submissionId: string } | { articleId: string },
  {
    body,
    status = "published",
    deletedAt = null,
    hiddenAt = null,
  }: { body: string; status?: CommentStatus; deletedAt?: Date | null; hiddenAt?: Date | null },
) {
  return db.comment.create({
    data: { id: newId(), ...target, authorId, body, status, deletedAt, hiddenAt },
  });
}

/**
 * Consultations (with document articles) written straight to the database, for tests that need a public
 * consultation to post in without going through the management pages.
 *
 *   const c = await createOpenConsultation(db().prisma, { createdById: staff.id, articles: [{ title: "…" }] });
 *   await page.goto(`/consultations/${c.slug}`);
 */
import type { ConsultationPhase, PrismaClient } from "~/generated/prisma/client.ts";
import { newId } from "~/utils/ids.ts";

/** A one-paragraph Tiptap document holding `text`. */
export function paragraphDoc(text: string) {
  return { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] };
}

export interface ArticleSpec {
  title: string;
  /** The article's rendered body, stored as given (default: the title in a paragraph). */
  bodyHtml?: string;
}

export interface CreatedConsultation {
  id: string;
  slug: string;
  title: string;
  articles: { id: string; number: number; title: string }[];
}

/** An open (or other phase) consultation with numbered articles 1…n. */
export async function createOpenConsultation(
  db: PrismaClient,
  {
    createdById,
    title,
    summary = "Περίληψη της διαβούλευσης.",
    bodyHtml = "<p>Το κείμενο της διαβούλευσης.</p>",
    phase = "open",
    articles = [],
  }: {
    createdById: string;
    title?: string;
    summary?: string;
    bodyHtml?: string;
    phase?: ConsultationPhase;
    articles?: ArticleSpec[];
  },
): Promise<CreatedConsultation> {
  const id = newId();
  const slug = `c-${id.slice(0, 8)}`;
  const consultationTitle = title ?? `Διαβούλευση ${id.slice(0, 6)}`;
  const articleRows = articles.map((a, i) => ({
    id: newId(),
    consultationId: id,
    number: i + 1,
    title: a.title,
    bodyJson: paragraphDoc(a.title),
    bodyHtml: a.bodyHtml ?? `<p>${a.title}</p>`,
  }));
  await db.$transaction([
    db.consultation.create({
      data: {
        id,
        slug,
        title: consultationTitle,
        summary,
        bodyJson: paragraphDoc(summary),
        bodyHtml,
        phase,
        opensAt: new Date(Date.now() - 86_400_000),
        closesAt: new Date(Date.now() + 30 * 86_400_000),
        createdById,
      },
    }),
    db.consultationArticle.createMany({ data: articleRows }),
  ]);
  return {
    id,
    slug,
    title: consultationTitle,
    articles: articleRows.map((a) => ({ id: a.id, number: a.number, title: a.title })),
  };
}

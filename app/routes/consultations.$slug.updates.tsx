import type { LoaderFunctionArgs } from "@remix-run/node";
import { commentsSince } from "~/domain/comments/comments.server.ts";
import { getPublicConsultation } from "~/domain/consultations/consultations.server.ts";
import { submissionsSince } from "~/domain/submissions/submissions.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { throwAsResponse } from "~/utils/errors.server.ts";

const UUID = /^[0-9a-f-]{36}$/;
const MAX_CATCH_UP_MS = 24 * 60 * 60 * 1000;

/**
 * What a page missed while its socket was down: submissions (and, with `submission=` or `article=`, that
 * thread's comments) created after `since`. Reconnecting pages call this, then show the items behind "show N new".
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const url = new URL(request.url);
  const sinceRaw = url.searchParams.get("since") ?? "";
  const since = new Date(sinceRaw);
  if (!sinceRaw || Number.isNaN(since.getTime())) {
    return Response.json({ error: "errors.invalid" }, { status: 400 });
  }
  // A page asleep for longer than a day should reload instead; cap the catch-up window.
  const floor = new Date(Math.max(since.getTime(), Date.now() - MAX_CATCH_UP_MS));
  const consultation = await getPublicConsultation(db, params.slug ?? "").catch(throwAsResponse);
  const submissionId = url.searchParams.get("submission");
  const articleId = url.searchParams.get("article");
  const [submissions, comments] = await Promise.all([
    submissionsSince(db, consultation.id, floor),
    submissionId && UUID.test(submissionId)
      ? commentsSince(db, { submissionId }, floor, consultation.id)
      : articleId && UUID.test(articleId)
        ? commentsSince(db, { articleId }, floor, consultation.id)
        : Promise.resolve([]),
  ]);
  return Response.json({ submissions, comments }, { headers: { "Cache-Control": "no-store" } });
}

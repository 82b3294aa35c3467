/**
 * GET /sessions/:id/ics: the session as an iCalendar file for "add to my calendar" (RFC 5545, times in UTC,
 * so every calendar shows them in its own time zone). Unknown sessions are 404; a cancelled one still has
 * its file, marked STATUS:CANCELLED, so a calendar that imported it can update it.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { utcToAthensLocal } from "~/domain/consultations/consultations.schema.ts";
import { transliterateGreek } from "~/domain/consultations/manage.server.ts";
import { getSessionIcs } from "~/domain/sessions/sessions.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { DomainError } from "~/utils/errors.server.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ params }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  const notFound = () =>
    new Response("sessions.errors.notFound", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  if (!UUID.test(id)) return notFound();
  const appUrl = getEnv().APP_URL.replace(/\/+$/, "");
  let ics: string;
  try {
    ics = await getSessionIcs(getDb(), id, {
      uidDomain: new URL(appUrl).hostname,
      pageUrl: `${appUrl}/sessions/${id}`,
    });
  } catch (error) {
    if (error instanceof DomainError && error.status === 404) return notFound();
    throw error;
  }
  // A readable Latin file name (date and title, Greek transliterated), whatever the reader's system.
  const s = await getDb().liveSession.findUnique({ where: { id }, select: { title: true, startsAt: true } });
  const title = transliterateGreek(s?.title ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  const day = s ? utcToAthensLocal(s.startsAt).slice(0, 10) : "";
  const name = [day, title || "session"].filter(Boolean).join("-");
  return new Response(ics, {
    status: 200,
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}.ics"`,
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

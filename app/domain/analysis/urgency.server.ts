/**
 * Urgent submissions (people without shelter or heating now, eviction, after a fire or flood, someone in
 * danger): when an analysis judges a submission urgent, every moderator, Directorate member and admin gets a
 * live alert, an in-app notification and an e-mail, exactly once per submission version. The analysis
 * worker calls `handleUrgentAnalysis` after storing the analysis; calling it again (a retried job) writes and
 * sends nothing new, because notification ids and outbox keys are derived from (submission, version, user).
 *
 * An alert stays open on /alerts until a person acknowledges it (confirms the urgent label) or marks the
 * submission not urgent (corrects the label): both are label corrections, kept with who and when.
 */
import { announceNotifications, deterministicId } from "~/domain/notifications/notifications.server.ts";
import { addOutboxEvent } from "~/domain/outbox/outbox.server.ts";
import { isLocale, type Locale } from "~/i18n/i18n.ts";
import { publish as publishToRoom } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import type { Db, DbOrTx } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { effectiveLabels, effectiveLabelsMany } from "./labels.server.ts";

/** The notification type of an urgent alert (rendered by notificationText). */
export const URGENT_NOTIFICATION_TYPE = "urgent_submission";

/** Roles that hear about urgent submissions and may join the `alerts` room. */
export const ALERT_ROLES = ["moderator", "directorate", "admin"] as const;

export interface UrgentAnalysis {
  submissionId: string;
  /** The submission version the analysis looked at. */
  version: number;
  /** The model's confidence that the submission is urgent (0..1). */
  confidence: number;
}

export interface UrgentAlertResult {
  /** False when nothing was sent: already alerted for this version, a person said "not urgent", or gone. */
  alerted: boolean;
  /** Staff members notified by this call. */
  notified: number;
}

export interface UrgencyDeps {
  publish?: typeof publishToRoom;
}

/** The staff members who hear about urgent submissions (not erased). */
async function alertRecipients(db: DbOrTx) {
  return db.user.findMany({
    where: { erasedAt: null, roles: { some: { role: { in: [...ALERT_ROLES] } } } },
    select: { id: true, email: true, displayName: true, locale: true },
    orderBy: { id: "asc" },
  });
}

/**
 * Raises the alert for an analysis that judged a submission urgent, once per (submission, version). Call it
 * after the analysis row is committed; it is safe to call more than once and from several workers at once.
 */
export async function handleUrgentAnalysis(
  db: Db,
  input: UrgentAnalysis,
  deps: UrgencyDeps = {},
): Promise<UrgentAlertResult> {
  const submission = await db.submission.findUnique({
    where: { id: input.submissionId },
    select: {
      id: true,
      title: true,
      consultationId: true,
      status: true,
      consultation: { select: { title: true } },
    },
  });
  if (!submission || submission.status === "withdrawn" || submission.status === "merged") {
    return { alerted: false, notified: 0 };
  }
  // A person's "not urgent" wins over the model, as for every label.
  const labels = await effectiveLabels(db, submission.id);
  const urgent = labels.fields.urgent;
  if (urgent?.source.type === "person" && urgent.value === false) return { alerted: false, notified: 0 };

  const recipients = await alertRecipients(db);
  const url = `/submissions/${submission.id}`;
  const appUrl = getEnv().APP_URL.replace(/\/+$/, "");
  const now = new Date();
  const created = await db.$transaction(async (tx) => {
    const rows = recipients.map((r) => ({
      id: deterministicId("urgent", submission.id, String(input.version), r.id),
      userId: r.id,
      type: URGENT_NOTIFICATION_TYPE,
      payload: {
        url,
        title: submission.title,
        submissionId: submission.id,
        consultationId: submission.consultationId,
        consultationTitle: submission.consultation.title,
      },
      createdAt: now,
      // The e-mail below is the notice; the digest need not repeat it.
      emailedAt: now,
    }));
    // ON CONFLICT DO NOTHING RETURNING: only the rows this call inserted come back, so a second call (or a
    // concurrent one) sends nothing again.
    const fresh = await tx.notification.createManyAndReturn({
      data: rows,
      skipDuplicates: true,
      select: { id: true, userId: true, type: true },
    });
    const freshUsers = new Set(fresh.map((n) => n.userId));
    for (const r of recipients) {
      if (!freshUsers.has(r.id)) continue;
      const locale: Locale = isLocale(r.locale) ? r.locale : "el";
      await addOutboxEvent(tx, {
        key: `mail:urgent-${submission.id}-v${input.version}-${r.id}`,
        queue: "mail",
        name: "send",
        payload: {
          to: r.email,
          locale,
          template: "urgent_alert",
          params: {
            displayName: r.displayName,
            title: submission.title,
            consultation: submission.consultation.title,
            confidence: `${Math.round(Math.min(1, Math.max(0, input.confidence)) * 100)}%`,
            url: `${appUrl}${url}`,
            alertsUrl: `${appUrl}/alerts`,
          },
        },
      });
    }
    return fresh;
  });
  if (created.length === 0) return { alerted: false, notified: 0 };

  const publish = deps.publish ?? publishToRoom;
  publish(rooms.alerts(), "alert:urgent", {
    submissionId: submission.id,
    consultationId: submission.consultationId,
    title: submission.title,
    confidence: input.confidence,
    createdAt: now.toISOString(),
  });
  await announceNotifications(db, created, publish);
  return { alerted: true, notified: created.length };
}

export interface OpenAlert {
  submissionId: string;
  consultationId: string;
  consultationTitle: string;
  title: string;
  status: string;
  version: number;
  confidence: number | null;
  analysedAt: string;
}

/**
 * Urgent alerts no person has dealt with yet: the newest analysis of the submission says urgent, nobody
 * confirmed or corrected the urgent label since that analysis, and no person said "not urgent". Newest first.
 */
export async function listOpenAlerts(db: DbOrTx, limit = 100): Promise<OpenAlert[]> {
  const analyses = await db.submissionAnalysis.findMany({
    where: { urgent: true, submission: { status: { notIn: ["withdrawn", "merged"] } } },
    orderBy: [{ createdAt: "desc" }],
    take: limit * 4,
    select: {
      submissionId: true,
      submissionVersion: true,
      urgentConfidence: true,
      createdAt: true,
      submission: {
        select: {
          title: true,
          status: true,
          version: true,
          consultationId: true,
          consultation: { select: { title: true } },
        },
      },
    },
  });
  const seen = new Set<string>();
  const candidates = analyses.filter((a) => !seen.has(a.submissionId) && seen.add(a.submissionId));
  if (candidates.length === 0) return [];
  const labels = await effectiveLabelsMany(
    db,
    candidates.map((a) => a.submissionId),
  );
  const open: OpenAlert[] = [];
  for (const a of candidates) {
    const urgent = labels.get(a.submissionId)?.fields.urgent;
    // Only the newest analysis counts: a later one that is not urgent closes the alert.
    if (labels.get(a.submissionId)?.analysedVersion !== a.submissionVersion) continue;
    if (urgent?.source.type === "person") {
      if (urgent.value === false) continue;
      if (new Date(urgent.source.at) >= a.createdAt) continue; // acknowledged after this analysis
    }
    open.push({
      submissionId: a.submissionId,
      consultationId: a.submission.consultationId,
      consultationTitle: a.submission.consultation.title,
      title: a.submission.title,
      status: a.submission.status,
      version: a.submissionVersion,
      confidence: a.urgentConfidence,
      analysedAt: a.createdAt.toISOString(),
    });
    if (open.length >= limit) break;
  }
  return open;
}

/**
 * /directorate/export?format=csv|json&…filters: what the Directorate view shows for the same filters, every
 * page of it (up to EXPORT_MAX_ROWS), in the same order. CSV: UTF-8 with a BOM (so Excel reads Greek),
 * RFC 4180 quoting, headers in the reader's language. JSON: an array of objects with stable keys.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import { COMPONENT_KEYS } from "~/domain/priority/priority.ts";
import { EXPORT_FORMATS, type ExportFormat } from "~/domain/priority/priority.schema.ts";
import {
  directorateExportRows,
  directorateOptions,
  parseDirectorateQuery,
  toCsv,
} from "~/domain/priority/priority.server.ts";
import { createT, type Locale } from "~/i18n/i18n.ts";
import { getDb } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { DomainError } from "~/utils/errors.server.ts";
import { getLocale } from "~/utils/locale.server.ts";

const text = (body: string, status: number) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/** Score points out of 100, one decimal, with a point as the decimal mark (machine-readable). */
const points = (v: number) => Math.round(v * 1000) / 10;

export async function loader({ request }: LoaderFunctionArgs) {
  let locale: Locale = getLocale(request);
  let t = createT(locale);
  try {
    const user = await requireCan(request, "directorate.access");
    locale = getLocale(request, user.locale);
    t = createT(locale);
  } catch (error) {
    // A refusal in the reader's language, not a translation key.
    if (error instanceof Response && error.status === 403) return text(t("errors.forbidden"), 403);
    throw error;
  }
  const url = new URL(request.url);
  const formatParam = url.searchParams.get("format") ?? "csv";
  if (!(EXPORT_FORMATS as readonly string[]).includes(formatParam)) {
    return text(t("priority.errors.badFormat"), 400);
  }
  const format = formatParam as ExportFormat;
  const db = getDb();
  const options = await directorateOptions(db);
  let rows;
  try {
    rows = await directorateExportRows(db, parseDirectorateQuery(url.searchParams, options));
  } catch (error) {
    if (error instanceof DomainError) return text(t(error.messageKey), error.status);
    throw error;
  }
  const name = (o: { nameEl: string; nameEn: string }) => (locale === "en" ? o.nameEn : o.nameEl);
  const themeName = new Map(options.themes.map((o) => [o.key, name(o)]));
  const groupName = new Map(options.targetGroups.map((o) => [o.key, name(o)]));
  const municipality = new Map(options.municipalities.map((o) => [o.id, o]));
  const base = getEnv().APP_URL.replace(/\/$/, "");
  const day = new Date().toISOString().slice(0, 10);
  const filename = `${t("priority.export.filename")}-${day}.${format}`;
  const headers = {
    "Content-Disposition": `attachment; filename="${filename}"`,
    "Cache-Control": "no-store",
  };

  if (format === "json") {
    const body = rows.map((r) => ({
      rank: r.rank,
      id: r.id,
      url: `${base}/submissions/${r.id}`,
      title: r.title,
      kind: r.kind,
      score: points(r.score),
      contributions: Object.fromEntries(COMPONENT_KEYS.map((k) => [k, points(r.contributions[k])])),
      consultation: r.consultation,
      themes: r.themes,
      targetGroups: r.targetGroups,
      municipality: r.municipalityId
        ? {
            id: r.municipalityId,
            nameEl: municipality.get(r.municipalityId)?.nameEl ?? null,
            nameEn: municipality.get(r.municipalityId)?.nameEn ?? null,
          }
        : null,
      urgent: r.urgent,
      supportCount: r.supportCount,
      commentCount: r.commentCount,
      createdAt: r.createdAt,
    }));
    return new Response(JSON.stringify(body, null, 2), {
      headers: { ...headers, "Content-Type": "application/json; charset=utf-8" },
    });
  }

  const header = [
    t("priority.export.rank"),
    t("priority.export.score"),
    ...COMPONENT_KEYS.map((k) => t(`priority.components.${k}`)),
    t("priority.export.id"),
    t("priority.export.title"),
    t("priority.export.kind"),
    t("priority.export.consultation"),
    t("priority.export.themes"),
    t("priority.export.targetGroups"),
    t("priority.export.municipality"),
    t("priority.export.urgent"),
    t("priority.export.supports"),
    t("priority.export.comments"),
    t("priority.export.createdAt"),
    t("priority.export.url"),
  ];
  const lines = rows.map((r) => {
    const m = r.municipalityId ? municipality.get(r.municipalityId) : undefined;
    return [
      r.rank,
      points(r.score),
      ...COMPONENT_KEYS.map((k) => points(r.contributions[k])),
      r.id,
      r.title,
      t(`submissions.kinds.${r.kind}`),
      r.consultation.title,
      r.themes.map((k) => themeName.get(k) ?? k).join("; "),
      r.targetGroups.map((k) => groupName.get(k) ?? k).join("; "),
      m ? name(m) : "",
      r.urgent ? t("priority.directorate.yes") : t("priority.directorate.no"),
      r.supportCount,
      r.commentCount,
      r.createdAt,
      `${base}/submissions/${r.id}`,
    ];
  });
  return new Response(`\uFEFF${toCsv([header, ...lines])}`, {
    headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" },
  });
}

import { createT, DEFAULT_LOCALE, isLocale } from "~/i18n/i18n.ts";

type Match = { id: string; data: unknown };

/** `<title>` for a page in the page's language: "Page · Synochi". */
export function pageTitle(
  matches: readonly Match[] | undefined,
  key: string,
  params?: Record<string, string>,
) {
  const root = matches?.find((m) => m.id === "root")?.data as { locale?: string } | undefined;
  const t = createT(isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE);
  return [{ title: `${t(key, params)} · ${t("app.name")}` }];
}

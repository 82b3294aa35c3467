import { useRouteLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { createT, DEFAULT_LOCALE, type Locale } from "./i18n.ts";

export type RootData = {
  locale: Locale;
  csrfToken: string;
  user: { id: string; displayName: string; emailVerified: boolean; roles: string[]; unread: number } | null;
  notice: string | null;
};

export function useRootData(): RootData {
  return useRouteLoaderData("root") as RootData;
}

export function useLocale(): Locale {
  return (useRouteLoaderData("root") as RootData | undefined)?.locale ?? DEFAULT_LOCALE;
}

/** The translator for the page's language. */
export function useT() {
  const locale = useLocale();
  return useMemo(() => createT(locale), [locale]);
}

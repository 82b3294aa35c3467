import { parse, serialize } from "cookie";
import { negotiateLocale, type Locale } from "~/i18n/i18n.ts";

export const LANG_COOKIE = "synochi_lang";

/** The page language: the switcher's cookie, else the signed-in user's saved language, else Greek. */
export function getLocale(request: Request, savedLocale?: string): Locale {
  const cookies = parse(request.headers.get("Cookie") ?? "");
  return negotiateLocale(cookies[LANG_COOKIE], savedLocale);
}

export function langCookie(locale: Locale): string {
  return serialize(LANG_COOKIE, locale, { path: "/", sameSite: "lax", maxAge: 60 * 60 * 24 * 365 });
}

/** Only same-site relative paths are followed after a form (no open redirects). */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) {
    return fallback;
  }
  return to;
}

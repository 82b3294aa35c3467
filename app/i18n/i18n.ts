import type el from "./el.json";
import { messages } from "./messages.ts";

export const LOCALES = ["el", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "el";

export type Messages = typeof el;
const dictionaries: Record<Locale, Record<string, unknown>> = messages;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

function lookup(dict: Record<string, unknown>, key: string): unknown {
  let node: unknown = dict;
  for (const part of key.split(".")) {
    if (node && typeof node === "object" && part in node) node = (node as Record<string, unknown>)[part];
    else return undefined;
  }
  return node;
}

export type TParams = Record<string, string | number>;
export type TFunction = (key: string, params?: TParams) => string;

/**
 * Translator for one locale. A message may be a string with {placeholders} or, for plurals, an object
 * keyed by Intl.PluralRules categories ("one", "other", …) chosen by the numeric `count` param.
 */
const translators = new Map<Locale, TFunction>();

export function createT(locale: Locale): TFunction {
  // One translator per locale for the whole process: Intl objects are costly to build and pages call this
  // from every component.
  let t = translators.get(locale);
  if (!t) {
    t = buildT(locale);
    translators.set(locale, t);
  }
  return t;
}

function buildT(locale: Locale): TFunction {
  const plural = new Intl.PluralRules(locale);
  const number = new Intl.NumberFormat(locale);
  return (key, params) => {
    let message = lookup(dictionaries[locale], key) ?? lookup(dictionaries[DEFAULT_LOCALE], key);
    if (message && typeof message === "object" && params && typeof params.count === "number") {
      const forms = message as Record<string, string>;
      message = forms[plural.select(params.count)] ?? forms.other;
    }
    if (typeof message !== "string") return key;
    return message.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params?.[name];
      if (value === undefined) return whole;
      return typeof value === "number" ? number.format(value) : value;
    });
  };
}

const intlLocale: Record<Locale, string> = { el: "el-GR", en: "en-GB" };

export function formatDate(
  locale: Locale,
  date: Date | string,
  options: Intl.DateTimeFormatOptions = { dateStyle: "long" },
): string {
  return dateFormatter(locale, options).format(typeof date === "string" ? new Date(date) : date);
}

export function formatDateTime(locale: Locale, date: Date | string): string {
  return formatDate(locale, date, { dateStyle: "long", timeStyle: "short" });
}

const numberFormatters = new Map<Locale, Intl.NumberFormat>();

export function formatNumber(locale: Locale, value: number): string {
  let f = numberFormatters.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(intlLocale[locale]);
    numberFormatters.set(locale, f);
  }
  return f.format(value);
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** Formatters are cached per locale and options: building one costs far more than using it. */
function dateFormatter(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = dateFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale[locale], { timeZone: "Europe/Athens", ...options });
    dateFormatters.set(key, f);
  }
  return f;
}

/**
 * Greek first: the page is Greek unless the reader chose English, with the switcher (a cookie) or, when
 * signed in, in their profile. Browser language is not used: many Greek readers run English browsers.
 */
export function negotiateLocale(cookieValue: string | undefined, saved?: string): Locale {
  if (isLocale(cookieValue)) return cookieValue;
  return isLocale(saved) ? saved : DEFAULT_LOCALE;
}

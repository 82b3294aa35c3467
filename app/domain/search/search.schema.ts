import { z } from "zod";

// Messages are translation keys; the UI shows them in the reader's language. Safe to import in the browser.

/** What search looks through, in the order the page lists them. */
export const SEARCH_TYPES = ["consultation", "article", "submission", "comment"] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];
export const SEARCH_FILTERS = ["all", ...SEARCH_TYPES] as const;
export type SearchFilter = (typeof SEARCH_FILTERS)[number];

export const SEARCH_QUERY_MAX = 200;
/** Highest page number accepted in the URL (results stop far earlier: see CANDIDATES in search.server.ts). */
export const SEARCH_PAGE_MAX = 100;
/** The similar-submissions box starts asking after this many characters of a title. */
export const SIMILAR_MIN_CHARS = 8;
export const SIMILAR_LIMIT_MAX = 10;

const query = z.string().trim().max(SEARCH_QUERY_MAX, "search.errors.tooLong");

/** The /search page's query string: ?q=…&type=…&page=… */
export const searchParamsSchema = z.object({
  q: query.default(""),
  type: z.enum(SEARCH_FILTERS, { error: "search.errors.invalidType" }).default("all"),
  page: z.coerce
    .number({ error: "search.errors.invalidPage" })
    .int("search.errors.invalidPage")
    .min(1, "search.errors.invalidPage")
    .max(SEARCH_PAGE_MAX, "search.errors.invalidPage")
    .default(1),
});
export type SearchParams = z.infer<typeof searchParamsSchema>;

/** GET /api/similar?consultation=<uuid>&q=<title>[&exclude=<uuid>] */
export const similarParamsSchema = z.object({
  consultation: z.uuid("search.errors.invalidConsultation"),
  q: z
    .string({ error: "search.errors.queryRequired" })
    .trim()
    .min(1, "search.errors.queryRequired")
    .max(SEARCH_QUERY_MAX, "search.errors.tooLong"),
  exclude: z.uuid("search.errors.invalidExclude").optional(),
});
export type SimilarParams = z.infer<typeof similarParamsSchema>;

/** Reads URL parameters (only the last value of each, missing or empty → default) into a plain object. */
export function paramsObject(params: URLSearchParams, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const values = params.getAll(key);
    const value = values[values.length - 1];
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out;
}

export type ParsedSearchParams =
  { ok: true; value: SearchParams } | { ok: false; errorKey: string; value: SearchParams };

/**
 * The /search page's parameters. On bad input, `errorKey` says what is wrong and `value` still holds what
 * can be echoed back (the query cut to the limit, a valid type), so the form keeps what the reader typed.
 */
export function parseSearchParams(params: URLSearchParams): ParsedSearchParams {
  const raw = paramsObject(params, ["q", "type", "page"]);
  const result = searchParamsSchema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const type = (SEARCH_FILTERS as readonly string[]).includes(raw.type ?? "")
    ? (raw.type as SearchFilter)
    : "all";
  return {
    ok: false,
    errorKey: result.error.issues[0]?.message ?? "search.errors.invalid",
    value: { q: (raw.q ?? "").trim().slice(0, SEARCH_QUERY_MAX), type, page: 1 },
  };
}

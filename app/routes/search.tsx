import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Pagination } from "~/components/pagination.tsx";
import {
  SEARCH_FILTERS,
  SEARCH_QUERY_MAX,
  parseSearchParams,
  type SearchFilter,
} from "~/domain/search/search.schema.ts";
import { search, type SearchHit, type SearchResults, type TypeCount } from "~/domain/search/search.server.ts";
import { formatDate } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { getDb } from "~/utils/db.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction<typeof loader> = ({ matches, data: loaded }) =>
  loaded?.q
    ? pageTitle(matches, "search.titleWithQuery", { q: loaded.q })
    : pageTitle(matches, "search.title");

type LoaderData = {
  q: string;
  filter: SearchFilter;
  /** Translation key of what was wrong with the URL's parameters. */
  error: string | null;
  results: SearchResults | null;
};

export async function loader({ request }: LoaderFunctionArgs) {
  const parsed = parseSearchParams(new URL(request.url).searchParams);
  const { q, type: filter, page } = parsed.value;
  if (!parsed.ok && parsed.errorKey === "search.errors.tooLong") {
    // Searching a cut-off query would answer a question nobody asked: say what to change instead.
    return data<LoaderData>({ q, filter, error: parsed.errorKey, results: null }, { status: 400 });
  }
  const results = q ? await search(getDb(), { q, filter, page }) : null;
  const body: LoaderData = { q, filter, error: parsed.ok ? null : parsed.errorKey, results };
  return data(body, { status: parsed.ok ? 200 : 400 });
}

/** "/search?q=…&type=…" for a type's link, page 1. */
function searchHref(q: string, filter: SearchFilter): string {
  const params = new URLSearchParams({ q });
  if (filter !== "all") params.set("type", filter);
  return `/search?${params.toString()}`;
}

function Count({ value }: { value: TypeCount }) {
  const t = useT();
  return <>{t(value.more ? "search.countMore" : "search.count", { count: value.count })}</>;
}

export default function SearchPage() {
  const t = useT();
  const { q, filter, error, results } = useLoaderData<typeof loader>();
  return (
    <div className="stack search-page">
      <h1 id="search-title">{t("search.title")}</h1>
      <p className="lead">{t("search.intro")}</p>
      <Form
        method="get"
        action="/search"
        role="search"
        aria-labelledby="search-title"
        className="card search-form"
      >
        {error ? (
          <div className="error-summary" role="alert" id="search-error">
            <p>{t(error)}</p>
          </div>
        ) : null}
        <div className="search-fields">
          <div className="field search-query">
            <label htmlFor="search-q">{t("search.form.label")}</label>
            <p className="hint" id="search-q-hint">
              {t("search.form.hint")}
            </p>
            <input
              id="search-q"
              type="search"
              name="q"
              defaultValue={q}
              key={q}
              maxLength={SEARCH_QUERY_MAX}
              autoComplete="off"
              enterKeyHint="search"
              aria-describedby={error ? "search-q-hint search-error" : "search-q-hint"}
              aria-invalid={error === "search.errors.tooLong" ? true : undefined}
            />
          </div>
          <div className="field search-type">
            <label htmlFor="search-type">{t("search.form.typeLabel")}</label>
            <select id="search-type" name="type" defaultValue={filter} key={filter}>
              {SEARCH_FILTERS.map((f) => (
                <option key={f} value={f}>
                  {t(`search.types.${f}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="search-submit">
            <button type="submit" className="button primary">
              {t("search.form.submit")}
            </button>
          </div>
        </div>
      </Form>
      {results ? (
        <Results results={results} />
      ) : !error ? (
        <section aria-labelledby="search-empty-title" className="search-empty">
          <h2 id="search-empty-title">{t("search.empty.title")}</h2>
          <p>{t("search.empty.body")}</p>
        </section>
      ) : null}
    </div>
  );
}

function Results({ results }: { results: SearchResults }) {
  const t = useT();
  const { query: q, filter, counts, total, hits, page, pageCount, greeklish } = results;
  const shown: TypeCount = filter === "all" ? total : counts[filter];
  return (
    <section aria-labelledby="search-results-title" className="search-results">
      <h2 id="search-results-title">{t("search.results")}</h2>
      <p role="status">
        {shown.more
          ? t("search.summaryMore", { count: shown.count, q })
          : t("search.summary", { count: shown.count, q })}
      </p>
      {greeklish ? <p className="search-greeklish">{t("search.greeklish", { text: greeklish })}</p> : null}
      {total.count > 0 ? (
        <nav aria-label={t("search.typeNav")}>
          <ul className="plain search-types">
            {SEARCH_FILTERS.map((f) => (
              <li key={f}>
                <Link to={searchHref(q, f)} aria-current={filter === f ? "page" : undefined}>
                  {t(`search.types.${f}`)}{" "}
                  <span className="badge">
                    <Count value={f === "all" ? total : counts[f]} />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {shown.more ? <p className="muted">{t("search.moreHint")}</p> : null}
      {hits.length === 0 ? (
        <div className="search-none">
          <h3>{t("search.noResults.title")}</h3>
          <p>{t("search.noResults.body", { q })}</p>
          <p>{t("search.noResults.hintsTitle")}</p>
          <ul>
            <li>{t("search.noResults.spelling")}</li>
            <li>{t("search.noResults.fewer")}</li>
            {filter !== "all" ? (
              <li>
                <Link to={searchHref(q, "all")}>{t("search.noResults.allTypes")}</Link>
              </li>
            ) : null}
          </ul>
        </div>
      ) : (
        <ol className="plain search-hits">
          {hits.map((hit) => (
            <Hit key={`${hit.type}:${hit.id}`} hit={hit} />
          ))}
        </ol>
      )}
      <Pagination page={page} pages={pageCount} />
    </section>
  );
}

function Hit({ hit }: { hit: SearchHit }) {
  const t = useT();
  const locale = useLocale();
  const kind =
    hit.type === "article"
      ? t("search.hit.article", { number: hit.articleNumber ?? 0 })
      : t(`search.hit.${hit.type}`);
  return (
    <li className={`search-hit search-hit-${hit.type}`}>
      <article>
        <p className="meta">
          <span className="badge">{kind}</span>
          <time dateTime={hit.createdAt}>{formatDate(locale, hit.createdAt)}</time>
        </p>
        <h3>
          {hit.type === "comment" ? (
            <Link to={hit.url}>
              {hit.commentOn === "article"
                ? t("search.hit.commentOnArticle", { number: hit.articleNumber ?? 0, title: hit.title })
                : t("search.hit.commentOnSubmission", { title: hit.title })}
            </Link>
          ) : (
            // titleHtml is escaped on the server; only <mark> highlights are markup.
            <Link to={hit.url} dangerouslySetInnerHTML={{ __html: hit.titleHtml }} />
          )}
        </h3>
        {hit.snippetHtml ? (
          <p className="search-snippet" dangerouslySetInnerHTML={{ __html: hit.snippetHtml }} />
        ) : null}
        {hit.consultationTitle ? (
          <p className="meta">{t("search.hit.inConsultation", { title: hit.consultationTitle })}</p>
        ) : null}
      </article>
    </li>
  );
}

import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useRef, useState } from "react";
import { FilterSelect } from "~/components/filter-select.tsx";
import { LiveAnnouncer, NewItemsButton, OfflineHint, useAnnouncer, useHydrated } from "~/components/live.tsx";
import { Pagination } from "~/components/pagination.tsx";
import { SubmissionCard } from "~/components/submission-card.tsx";
import { FollowButton } from "~/components/follow-button.tsx";
import { getUser } from "~/domain/accounts/auth.server.ts";
import { isFollowing } from "~/domain/notifications/notifications.server.ts";
import { can } from "~/domain/accounts/policy.ts";
import { getPublicConsultation, getReferenceData } from "~/domain/consultations/consultations.server.ts";
import { SUBMISSION_KINDS, SUBMISSION_SORTS } from "~/domain/submissions/submissions.schema.ts";
import {
  listSubmissions,
  newOrderSeed,
  parseSubmissionListQuery,
} from "~/domain/submissions/submissions.server.ts";
import { formatDate } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { useRoom, useSocketEvent } from "~/realtime/client.ts";
import type { SubmissionCard as Card } from "~/realtime/events.ts";
import { rooms } from "~/realtime/rooms.ts";
import { getDb } from "~/utils/db.server.ts";
import { throwAsResponse } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction<typeof loader> = ({ data: d, matches }) =>
  pageTitle(matches, "consultations.page.metaTitle", { title: d?.consultation.title ?? "" });

const ORDER_COOKIE = "synochi_order";

function readOrderSeed(request: Request): string | null {
  const match = /(?:^|;\s*)synochi_order=([a-z0-9]{4,16})(?:;|$)/.exec(request.headers.get("Cookie") ?? "");
  return match ? match[1] : null;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const url = new URL(request.url);
  const query = parseSubmissionListQuery(url.searchParams);
  const [user, consultation] = await Promise.all([
    getUser(request),
    getPublicConsultation(db, params.slug ?? "").catch(throwAsResponse),
  ]);
  // Random order is stable per visitor: the seed lives in a cookie (or the URL, for shared links).
  const cookieSeed = readOrderSeed(request);
  const seed = query.seed ?? cookieSeed ?? newOrderSeed();
  const [list, options, following] = await Promise.all([
    listSubmissions(db, consultation, query, seed),
    getReferenceData(db),
    user ? isFollowing(db, user.id, { targetType: "consultation", targetId: consultation.id }) : false,
  ]);
  const headers: HeadersInit = cookieSeed
    ? {}
    : { "Set-Cookie": `${ORDER_COOKIE}=${seed}; Path=/; Max-Age=2592000; SameSite=Lax; HttpOnly` };
  return data(
    {
      consultation,
      list,
      query,
      seed,
      options,
      loadedAt: new Date().toISOString(),
      viewer: {
        signedIn: !!user,
        following,
        canPost: consultation.openForInput && can(user, "submission.create"),
        needsVerification: !!user && !user.emailVerified,
      },
    },
    { headers },
  );
}

type Named = { nameEl: string; nameEn: string };

export default function ConsultationPage() {
  const t = useT();
  const locale = useLocale();
  const { consultation: c, list, query, seed, options, viewer, loadedAt } = useLoaderData<typeof loader>();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameEl);
  const hydrated = useHydrated();
  const [pending, setPending] = useState<Card[]>([]);
  const pendingRef = useRef<Card[]>([]);
  const [shown, setShown] = useState<Card[]>([]);
  const [counts, setCounts] = useState<Record<string, { supportCount: number; commentCount: number }>>({});
  const [message, announce] = useAnnouncer();
  const since = useRef(loadedAt);
  const newList = useRef<HTMLUListElement>(null);
  const known = (id: string) =>
    list.items.some((s) => s.id === id) || pending.some((s) => s.id === id) || shown.some((s) => s.id === id);

  const receive = (cards: Card[]) => {
    const fresh = cards.filter((card) => card.consultationId === c.id && !known(card.id));
    if (fresh.length === 0) return;
    for (const card of fresh) if (card.createdAt > since.current) since.current = card.createdAt;
    // A ref mirrors the waiting items, so two events in one tick neither duplicate nor lose an item.
    const waiting = pendingRef.current;
    const next = [...waiting, ...fresh.filter((f) => !waiting.some((x) => x.id === f.id))];
    pendingRef.current = next;
    setPending(next);
    announce(t("consultations.live.newSubmissions", { count: next.length }));
  };
  const connected = useRoom(rooms.consultation(c.id), {
    onReconnect: () => {
      void fetch(`/consultations/${c.slug}/updates?since=${encodeURIComponent(since.current)}`, {
        headers: { Accept: "application/json" },
      })
        .then((r) => (r.ok ? r.json() : null))
        .then((d: { submissions: Card[] } | null) => d && receive(d.submissions))
        .catch(() => {});
    },
  });
  useSocketEvent("submission:new", (card) => receive([card]));
  useSocketEvent("submission:counts", (u) =>
    setCounts((prev) => ({
      ...prev,
      [u.id]: { supportCount: u.supportCount, commentCount: u.commentCount },
    })),
  );
  const withCounts = (card: Card): Card => ({ ...card, ...(counts[card.id] ?? {}) });
  const showNew = () => {
    setShown((s) => [...pending.slice().reverse(), ...s]);
    pendingRef.current = [];
    setPending([]);
    requestAnimationFrame(() => newList.current?.focus());
  };

  return (
    <div className="stack">
      <nav aria-label={t("consultations.page.breadcrumb")}>
        <Link to="/consultations">{t("consultations.index.title")}</Link>
      </nav>
      <header className="stack">
        <h1>{c.title}</h1>
        <p className="lead">{c.summary}</p>
        <p className="meta">
          <span className={`badge phase-${c.phase}`}>{t(`phases.${c.phase}`)}</span>
          <span>
            {c.municipality
              ? name(c.municipality)
              : c.regionalUnit
                ? name(c.regionalUnit)
                : t("consultations.wholeRegion")}
          </span>
          {c.opensAt ? (
            <span>{t("consultations.page.opens", { date: formatDate(locale, c.opensAt) })}</span>
          ) : null}
          {c.closesAt ? (
            <span>{t("consultations.page.closes", { date: formatDate(locale, c.closesAt) })}</span>
          ) : null}
          {c.committee ? <span>{t("consultations.page.committee", { name: c.committee.name })}</span> : null}
        </p>
        {viewer.signedIn ? (
          <FollowButton targetType="consultation" targetId={c.id} following={viewer.following} />
        ) : null}
        {c.themes.length + c.targetGroups.length > 0 ? (
          <ul className="plain tags" aria-label={t("consultations.fields.themes")}>
            {c.themes.map((th) => (
              <li key={th.key}>{name(th)}</li>
            ))}
            {c.targetGroups.map((g) => (
              <li key={g.key} className="group">
                {name(g)}
              </li>
            ))}
          </ul>
        ) : null}
      </header>
      <section className="prose" aria-labelledby="about-title">
        <h2 id="about-title">{t("consultations.page.about")}</h2>
        <div dangerouslySetInnerHTML={{ __html: c.bodyHtml }} />
      </section>
      {c.articles.length > 0 ? (
        <section aria-labelledby="document-title">
          <h2 id="document-title">{t("consultations.page.document")}</h2>
          <ol className="plain articles">
            {c.articles.map((a) => (
              <li key={a.id}>
                <Link to={`/consultations/${c.slug}/articles/${a.number}`}>
                  {t("consultations.article.label", { number: a.number, title: a.title })}
                </Link>{" "}
                <span className="count">{t("submissions.comments", { count: a.commentCount })}</span>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      <section aria-labelledby="submissions-title" className="stack">
        <h2 id="submissions-title">{t("consultations.page.submissions", { count: list.total })}</h2>
        {c.openForInput ? (
          viewer.canPost ? (
            <p>
              <Link to={`/consultations/${c.slug}/submit`} className="button primary">
                {t("consultations.page.post")}
              </Link>
            </p>
          ) : viewer.needsVerification ? (
            <p className="notice">{t("submissions.errors.verifyFirst")}</p>
          ) : !viewer.signedIn ? (
            <p>
              <Link to={`/login?redirectTo=${encodeURIComponent(`/consultations/${c.slug}/submit`)}`}>
                {t("consultations.page.loginToPost")}
              </Link>
            </p>
          ) : null
        ) : (
          <p className="notice">{t(`consultations.page.notOpen.${c.phase}`)}</p>
        )}
        <Form method="get" className="filters card" aria-labelledby="list-options-title">
          <h3 id="list-options-title">{t("consultations.page.listOptions")}</h3>
          <input type="hidden" name="seed" value={seed} />
          <div className="filter-grid">
            <div className="field">
              <label htmlFor="s-sort">{t("consultations.page.sort")}</label>
              <select id="s-sort" name="sort" defaultValue={list.sort}>
                {SUBMISSION_SORTS.filter((s) => s !== "random" || c.openForInput).map((s) => (
                  <option key={s} value={s}>
                    {t(`consultations.sorts.${s}`)}
                  </option>
                ))}
              </select>
            </div>
            <FilterSelect
              id="s-kind"
              name="kind"
              label={t("submissions.fields.kind")}
              value={query.kind}
              options={SUBMISSION_KINDS.map((k) => ({ value: k, label: t(`submissions.kinds.${k}`) }))}
            />
            <FilterSelect
              id="s-theme"
              name="theme"
              label={t("consultations.fields.theme")}
              value={query.theme}
              options={options.themes.map((o) => ({ value: o.key, label: name(o) }))}
            />
            <FilterSelect
              id="s-group"
              name="group"
              label={t("consultations.fields.targetGroup")}
              value={query.group}
              options={options.groups.map((o) => ({ value: o.key, label: name(o) }))}
            />
            <FilterSelect
              id="s-municipality"
              name="municipality"
              label={t("consultations.fields.municipality")}
              value={query.municipality}
              options={options.municipalities.map((o) => ({ value: o.id, label: name(o) }))}
            />
          </div>
          <p>
            <button type="submit" className="button">
              {t("consultations.index.apply")}
            </button>
          </p>
        </Form>
        <OfflineHint connected={connected} hydrated={hydrated} />
        <LiveAnnouncer message={message} />
        <NewItemsButton count={pending.length} labelKey="consultations.live.showNew" onShow={showNew} />
        {shown.length > 0 ? (
          <ul
            className="plain cards new-list"
            ref={newList}
            tabIndex={-1}
            aria-label={t("consultations.live.newListLabel")}
          >
            {shown.map((card) => (
              <SubmissionCard key={card.id} card={withCounts(card)} isNew />
            ))}
          </ul>
        ) : null}
        {list.items.length === 0 && shown.length === 0 ? (
          <p>{t("consultations.page.noSubmissions")}</p>
        ) : null}
        <ul className="plain cards" aria-labelledby="submissions-title">
          {list.items.map((card) => (
            <SubmissionCard key={card.id} card={withCounts(card)} />
          ))}
        </ul>
        <Pagination page={list.page} pages={list.pages} />
      </section>
    </div>
  );
}

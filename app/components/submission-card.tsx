import { Link } from "@remix-run/react";
import { formatDate, type TFunction } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import type { SubmissionCard as Card } from "~/realtime/events.ts";

/** Who posted a submission: the author (or "deleted participant"), and the organisation they spoke for. */
export function byline(t: TFunction, s: { authorName: string; organisationName: string | null }): string {
  const name = s.authorName || t("common.deletedParticipant");
  return s.organisationName
    ? t("submissions.byOrganisation", { name, organisation: s.organisationName })
    : name;
}

/** One submission in a list: kind, title (the link), excerpt, author and counts. */
export function SubmissionCard({ card, isNew }: { card: Card; isNew?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const headingId = `submission-${card.id}-title`;
  return (
    <li
      className={`card submission-card kind-${card.kind}${isNew ? " is-new" : ""}`}
      aria-labelledby={headingId}
    >
      <p className="meta">
        <span className={`badge kind-${card.kind}`}>{t(`submissions.kinds.${card.kind}`)}</span>
        {isNew ? <span className="badge new">{t("consultations.live.newBadge")}</span> : null}
      </p>
      <h3 id={headingId}>
        <Link to={`/submissions/${card.id}`}>{card.title}</Link>
      </h3>
      <p>{card.excerpt}</p>
      <p className="meta">
        <span>{byline(t, card)}</span>
        {card.municipalityName ? <span>{card.municipalityName}</span> : null}
        <time dateTime={card.createdAt}>{formatDate(locale, card.createdAt, { dateStyle: "medium" })}</time>
        {card.kind === "proposal" ? (
          <span className="count">{t("submissions.supports", { count: card.supportCount })}</span>
        ) : null}
        <span className="count">{t("submissions.comments", { count: card.commentCount })}</span>
      </p>
    </li>
  );
}

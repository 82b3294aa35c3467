import { Form, Link, useLocation, useSearchParams } from "@remix-run/react";
import { formatDate } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import sessionsStyles from "~/styles/sessions.css";
import { CsrfInput } from "./forms.tsx";

/** The stylesheet of the sessions pages and of this component, for a route's `links`. */
export const sessionStylesLink = { rel: "stylesheet", href: sessionsStyles } as const;

export type SessionModeValue = "in_person" | "online" | "hybrid";
export type SessionStatusValue = "scheduled" | "live" | "ended" | "cancelled";

/** What the schedule box shows: a subset of `getSessionState(...).session` (or of a calendar row). */
export interface SessionScheduleSession {
  id: string;
  /** ISO instants (UTC); shown in Athens time. */
  startsAt: string;
  endsAt: string | null;
  place: string | null;
  onlineUrl: string | null;
  mode: SessionModeValue;
  status: SessionStatusValue;
  committee?: { id: string; name: string } | null;
  consultation?: { slug: string; title: string } | null;
  interestCount?: number;
}

export interface SessionScheduleProps {
  session: SessionScheduleSession;
  /** `getSessionState(...).viewer.interested`: the viewer registered interest (false for visitors). */
  interested: boolean;
  /** Whether someone is signed in (visitors get a "log in" link instead of the interest button). */
  signedIn: boolean;
  /** The box's heading level (default 2); its text is "When and where". */
  headingLevel?: 2 | 3;
}

/** Only http(s) links become "join" links (the schema checks this on input; this is the second lock). */
function safeHttpUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : null;
  } catch {
    return null;
  }
}

/** "Monday 1 December 2026" and "18:00", both in Athens time. */
export function useSessionDates() {
  const locale = useLocale();
  return {
    day: (iso: string) =>
      formatDate(locale, iso, { weekday: "long", day: "numeric", month: "long", year: "numeric" }),
    time: (iso: string) => formatDate(locale, iso, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
  };
}

/**
 * When and where a session takes place (Athens time), how to join (room, link or both), an .ics file for
 * the reader's calendar and the interest button (a reminder before it starts). Works without JavaScript:
 * the interest form posts to /sessions/:id/interest, which redirects back with `?interest=…`, shown here
 * as a polite status message.
 */
export function SessionSchedule({ session, interested, signedIn, headingLevel = 2 }: SessionScheduleProps) {
  const t = useT();
  const location = useLocation();
  const [params] = useSearchParams();
  const dates = useSessionDates();
  const Heading = headingLevel === 3 ? "h3" : "h2";
  const url = safeHttpUrl(session.onlineUrl);
  const open = session.status === "scheduled" || session.status === "live";
  const notice = params.get("interest");
  const here =
    location.pathname + location.search.replace(/([?&])interest=[^&]*&?/, "$1").replace(/[?&]$/, "");
  const sameDay = session.endsAt && dates.day(session.endsAt) === dates.day(session.startsAt);
  const headingId = `session-schedule-${session.id}`;

  return (
    <section className="card stack session-schedule" aria-labelledby={headingId}>
      <Heading id={headingId}>{t("sessions.schedule.heading")}</Heading>
      {notice === "registered" || notice === "withdrawn" ? (
        <p className="notice" role="status">
          {t(`sessions.interest.notices.${notice}`)}
        </p>
      ) : null}
      <dl className="session-facts">
        <dt>{t("sessions.schedule.when")}</dt>
        <dd>
          <time dateTime={session.startsAt}>
            {t("sessions.schedule.startsAt", {
              day: dates.day(session.startsAt),
              time: dates.time(session.startsAt),
            })}
          </time>
          {session.endsAt ? (
            <>
              {" – "}
              <time dateTime={session.endsAt}>
                {sameDay
                  ? dates.time(session.endsAt)
                  : t("sessions.schedule.startsAt", {
                      day: dates.day(session.endsAt),
                      time: dates.time(session.endsAt),
                    })}
              </time>
            </>
          ) : null}{" "}
          <span className="muted">{t("sessions.schedule.athensTime")}</span>
        </dd>
        <dt>{t("sessions.schedule.mode")}</dt>
        <dd>
          <span className={`badge session-mode mode-${session.mode}`}>
            {t(`sessions.modes.${session.mode}`)}
          </span>{" "}
          {session.status !== "scheduled" ? (
            <span className={`badge session-status status-${session.status}`}>
              {t(`sessions.statuses.${session.status}`)}
            </span>
          ) : null}
        </dd>
        {session.place ? (
          <>
            <dt>{t("sessions.schedule.place")}</dt>
            <dd>{session.place}</dd>
          </>
        ) : null}
        {url ? (
          <>
            <dt>{t("sessions.schedule.online")}</dt>
            <dd>
              <a
                href={url}
                rel="noopener noreferrer external"
                target="_blank"
                className="session-online-link"
              >
                {t("sessions.schedule.join")}
                <span className="visually-hidden">{t("sessions.schedule.newWindow")}</span>
              </a>{" "}
              <span className="muted session-url">{url}</span>
            </dd>
          </>
        ) : null}
        {session.committee ? (
          <>
            <dt>{t("sessions.schedule.committee")}</dt>
            <dd>{session.committee.name}</dd>
          </>
        ) : null}
        {session.consultation ? (
          <>
            <dt>{t("sessions.schedule.consultation")}</dt>
            <dd>
              <Link to={`/consultations/${session.consultation.slug}`}>{session.consultation.title}</Link>
            </dd>
          </>
        ) : null}
      </dl>
      <ul className="plain session-actions">
        {session.status !== "cancelled" ? (
          <li>
            <a href={`/sessions/${session.id}/ics`} download className="button">
              {t("sessions.schedule.ics")}
            </a>
          </li>
        ) : null}
        {open ? (
          <li>
            <Form method="post" action={`/sessions/${session.id}/interest`} className="session-interest">
              <CsrfInput />
              <input type="hidden" name="intent" value={interested ? "withdraw" : "register"} />
              <input type="hidden" name="redirectTo" value={here} />
              <button type="submit" className={`button${interested ? "" : " primary"}`}>
                {interested ? t("sessions.interest.withdraw") : t("sessions.interest.register")}
              </button>
            </Form>
          </li>
        ) : null}
      </ul>
      {open ? (
        <p className="hint">
          {!signedIn
            ? t("sessions.interest.loginHint")
            : interested
              ? t("sessions.interest.withdrawHint")
              : t("sessions.interest.registerHint")}
          {typeof session.interestCount === "number" && session.interestCount > 0
            ? ` ${t("sessions.interest.count", { count: session.interestCount })}`
            : ""}
        </p>
      ) : null}
    </section>
  );
}

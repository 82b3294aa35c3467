/**
 * /sessions/:id: the live session page. The server renders the whole current state (so a late opener
 * sees everything at once), then the page joins the session's room and applies the numbered events
 * live; on a gap or a reconnect it replays what it missed. Every control is a form that posts here
 * without JavaScript (or while the socket is down) and calls the same domain function as the socket.
 * Pending questions are not public: a moderator's page refetches this loader (its private part) when a
 * `question.pending` event arrives.
 */
import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Link, useActionData, useFetcher, useLoaderData, useLocation } from "@remix-run/react";
import { useCallback, useEffect, useRef } from "react";
import { LiveAnnouncer, OfflineHint, useAnnouncer, useHydrated } from "~/components/live.tsx";
import { SessionSchedule, sessionStylesLink } from "~/components/session-schedule.tsx";
import type { ActionFailure } from "~/components/session-live/live-form.tsx";
import {
  Agenda,
  ChairControls,
  Notes,
  Polls,
  pollOptions,
  Questions,
  type PanelProps,
} from "~/components/session-live/panels.tsx";
import liveStyles from "~/components/session-live/session-live.css";
import { useLiveSession } from "~/components/session-live/use-live-session.ts";
import { getUser, requireUser } from "~/domain/accounts/auth.server.ts";
import type { SessionEventMessage } from "~/domain/sessions/sessions.events.ts";
import { getSessionState, type SessionState } from "~/domain/sessions/sessions.server.ts";
import { useT } from "~/i18n/useT.ts";
import { clientEvents, type SessionCommand } from "~/realtime/events.ts";
import { presenceTotal } from "~/realtime/presence.server.ts";
import { runSessionCommand } from "~/realtime/session-handlers.server.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError, Invalid, throwAsResponse } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";
import { getRedis } from "~/utils/redis.server.ts";

export const links: LinksFunction = () => [sessionStylesLink, { rel: "stylesheet", href: liveStyles }];

export const meta: MetaFunction<typeof loader> = ({ data: d, matches }) =>
  pageTitle(matches, "live.metaTitle", { title: d?.state.session.title ?? "" });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  if (!UUID.test(id)) throw new Response("sessions.errors.notFound", { status: 404 });
  const user = await getUser(request);
  const db = getDb();
  const state = await getSessionState(db, id, user).catch(throwAsResponse);
  const [watching, own] = await Promise.all([
    presenceTotal(getRedis(), id).catch(() => null),
    user
      ? db.sessionQuestion.findMany({ where: { sessionId: id, authorId: user.id }, select: { id: true } })
      : [],
  ]);
  return {
    state,
    watching,
    ownQuestionIds: own.map((q) => q.id),
    signedIn: !!user,
    needsVerification: !!user && !user.emailVerified,
  };
}

const COMMANDS = clientEvents["session:command"].shape.command.options;
const isCommand = (v: unknown): v is SessionCommand => COMMANDS.includes(v as SessionCommand);

/** The no-JS path: the same command, from a form post, through the same function as the socket. */
export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  const user = await requireUser(request);
  const id = params.id ?? "";
  const str = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const intent = form.get("intent");
  const formKey = str("formKey").slice(0, 200);
  const values = {
    text: str("text"),
    reason: str("reason"),
    question: str("question"),
    options: str("options"),
  };
  try {
    if (!UUID.test(id) || !isCommand(intent)) throw new Invalid({}, "errors.invalid");
    await runSessionCommand(getDb(), user, id, intent, {
      agendaItemId: str("agendaItemId"),
      questionId: str("questionId"),
      pollId: str("pollId"),
      text: str("text"),
      reason: str("reason"),
      question: str("question"),
      kind: str("kind"),
      options: pollOptions(str("options")),
      optionIds: form.getAll("optionIds").map(String),
    });
  } catch (error) {
    return actionError(error, values, formKey);
  }
  return redirect(`/sessions/${id}`);
}

export default function LiveSessionPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const actionData = (useActionData<typeof action>() ?? null) as ActionFailure | null;
  const location = useLocation();
  const hydrated = useHydrated();
  const [message, announce] = useAnnouncer();
  const privateFetcher = useFetcher<typeof loader>();
  const ownIds = useRef(new Set(data.ownQuestionIds));
  const refetchPrivate = useRef<() => void>(() => {});

  const onApplied = useCallback(
    (event: SessionEventMessage, _before: SessionState, after: SessionState) => {
      const text = describe(event, after, t);
      if (text) announce(text);
      const caps = after.viewer.capabilities;
      // Pending questions travel without their text: staff pages fetch the queue; an author whose
      // question was rejected fetches the reason.
      if (event.type === "question.pending" && caps.moderate) refetchPrivate.current();
      if (event.type === "question.rejected" && ownIds.current.has(event.payload.questionId)) {
        refetchPrivate.current();
      }
    },
    [announce, t],
  );
  const live = useLiveSession(data.state, data.watching, onApplied);
  const { state, adoptPrivate } = live;

  refetchPrivate.current = () => {
    if (privateFetcher.state === "idle") privateFetcher.load(`/sessions/${state.session.id}?index`);
  };
  useEffect(() => {
    // A snapshot older than the page is fetched again (a later event may have moved one of its questions).
    if (privateFetcher.data && !adoptPrivate(privateFetcher.data.state as SessionState)) {
      privateFetcher.load(`/sessions/${state.session.id}?index`);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [privateFetcher.data]);

  const send: PanelProps["send"] = (command, args) => (live.connected ? live.command(command, args) : null);
  const announceError = (key: string) => announce(t(key));
  const panel: PanelProps = { state, send, actionData, announceError };
  const { session } = state;
  const loginHref = `/login?redirectTo=${encodeURIComponent(location.pathname)}`;

  return (
    <div className="stack live-session">
      <nav aria-label={t("live.breadcrumb")}>
        <Link to="/sessions">{t("live.allSessions")}</Link>
      </nav>
      <header className="stack live-header">
        <h1>{session.title}</h1>
        <p className="meta">
          <span className={`badge session-status status-${session.status}`}>
            {t(`sessions.statuses.${session.status}`)}
          </span>
          <span>{session.committee.name}</span>
          {live.watching !== null && (session.status === "live" || session.status === "scheduled") ? (
            <span className="live-presence">{t("live.watching", { count: live.watching })}</span>
          ) : null}
        </p>
        {session.description ? <p className="lead">{session.description}</p> : null}
        <OfflineHint connected={live.connected} hydrated={hydrated} />
        {session.status === "ended" ? <p className="notice">{t("live.endedNotice")}</p> : null}
        {session.status === "cancelled" ? <p className="notice">{t("live.cancelledNotice")}</p> : null}
      </header>
      <LiveAnnouncer message={message} />
      <div className="live-grid">
        <div className="stack live-main">
          {state.viewer.capabilities.chair ? <ChairControls {...panel} /> : null}
          <Questions
            {...panel}
            signedIn={data.signedIn}
            needsVerification={data.needsVerification}
            ownQuestionIds={[...ownIds.current]}
            loginHref={loginHref}
            onAsked={(q) => {
              ownIds.current.add(q.id);
              announce(t(q.status === "pending" ? "live.announce.askedPending" : "live.announce.asked"));
              if (q.status === "pending") {
                live.patch((s) => ({
                  ...s,
                  myQuestions: [
                    ...s.myQuestions.filter((x) => x.id !== q.id),
                    { ...q, rejectionReason: null },
                  ],
                }));
              }
            }}
            onVoted={(questionId) =>
              live.patch((s) => ({
                ...s,
                viewer: {
                  ...s.viewer,
                  votedQuestionIds: [...new Set([...s.viewer.votedQuestionIds, questionId])],
                },
              }))
            }
          />
          <Polls
            {...panel}
            onBallot={(pollId, optionIds) => {
              announce(t("live.announce.ballot"));
              live.patch((s) => ({
                ...s,
                viewer: { ...s.viewer, ballots: { ...s.viewer.ballots, [pollId]: optionIds } },
              }));
            }}
          />
          <Notes {...panel} />
        </div>
        <aside className="stack live-side">
          <Agenda {...panel} />
          <SessionSchedule session={session} interested={state.viewer.interested} signedIn={data.signedIn} />
        </aside>
      </div>
    </div>
  );
}

/** The polite announcement of an event (votes are not announced: too many). */
function describe(
  event: SessionEventMessage,
  s: SessionState,
  t: (k: string, p?: Record<string, string>) => string,
) {
  switch (event.type) {
    case "session.started":
      return t("live.announce.started");
    case "session.ended":
      return t("live.announce.ended");
    case "agenda.current": {
      const item = s.session.agendaItems.find((a) => a.id === event.payload.agendaItemId);
      return item ? t("live.announce.agenda", { item: item.title }) : null;
    }
    case "question.asked":
    case "question.approved":
      return t("live.announce.question", { text: event.payload.question.text.slice(0, 120) });
    case "question.pending":
      return s.viewer.capabilities.moderate ? t("live.announce.pending") : null;
    case "question.pinned": {
      const q = s.questions.find((x) => x.id === event.payload.questionId);
      return q ? t("live.announce.pinned", { text: q.text.slice(0, 120) }) : null;
    }
    case "question.answered":
      return t("live.announce.answered");
    case "poll.opened":
      return t("live.announce.pollOpened", { question: event.payload.poll.question });
    case "poll.revealed":
      return t("live.announce.pollRevealed", { question: event.payload.poll.question });
    case "poll.closed":
      return t("live.announce.pollClosed", { question: event.payload.poll.question });
    case "note.added":
      return t("live.announce.note");
    default:
      return null;
  }
}

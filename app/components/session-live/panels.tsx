/**
 * The parts of the live session page. Each control is a LiveForm: a socket command when live, a form post
 * to the route's action otherwise. Nothing here moves focus; the page announces changes politely.
 */
import { Link } from "@remix-run/react";
import type { PollView, QuestionView } from "~/domain/sessions/sessions.events.ts";
import type { SessionState } from "~/domain/sessions/sessions.server.ts";
import { SESSION_LIMITS } from "~/domain/sessions/sessions.schema.ts";
import { formatDate } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { LiveForm, type ActionFailure, type LiveFormProps } from "./live-form.tsx";

/** What every panel needs from the page. */
export interface PanelProps {
  state: SessionState;
  send: LiveFormProps["send"];
  actionData: ActionFailure | null;
  announceError: (messageKey: string) => void;
}

const time = (locale: "el" | "en", iso: string) =>
  formatDate(locale, iso, { hour: "2-digit", minute: "2-digit", hour12: false });

function useName() {
  const t = useT();
  return (name: string) => name || t("common.deletedParticipant");
}

// ───────────────────────────── Chair: start / end ─────────────────────────────

export function ChairControls({ state, send, actionData, announceError }: PanelProps) {
  const t = useT();
  const status = state.session.status;
  if (status !== "scheduled" && status !== "live") return null;
  const command = status === "scheduled" ? "session.start" : "session.end";
  return (
    <section className="card stack live-chair" aria-labelledby="live-chair-title">
      <h2 id="live-chair-title">{t("live.chair.title")}</h2>
      <LiveForm
        command={command}
        formKey={command}
        send={send}
        actionData={actionData}
        onError={(e) => announceError(e.messageKey)}
      >
        {({ busy }) => (
          <button
            type="submit"
            className={`button${command === "session.start" ? " primary" : ""}`}
            disabled={busy}
          >
            {t(command === "session.start" ? "live.chair.start" : "live.chair.end")}
          </button>
        )}
      </LiveForm>
    </section>
  );
}

/**
 * A command of one small button in a form of its own: the button shows the verb; its accessible name adds
 * what it acts on (agenda item, question or poll), since several stand side by side.
 */
function CommandButton({
  send,
  actionData,
  announceError,
  command,
  formKey,
  hidden,
  verb,
  target,
  primary = false,
  onDone,
}: Pick<PanelProps, "send" | "actionData" | "announceError"> & {
  command: LiveFormProps["command"];
  formKey: string;
  hidden: Record<string, string>;
  /** The translation key of the button's text. */
  verb: string;
  target: string;
  primary?: boolean;
  onDone?: LiveFormProps["onDone"];
}) {
  const t = useT();
  return (
    <LiveForm
      command={command}
      formKey={formKey}
      hidden={hidden}
      send={send}
      actionData={actionData}
      className="inline-form"
      onDone={onDone}
      onError={(e) => announceError(e.messageKey)}
    >
      {({ busy }) => (
        <button
          type="submit"
          className={primary ? "button small primary" : "button small"}
          disabled={busy}
          aria-label={`${t(verb)}: ${target}`}
        >
          {t(verb)}
        </button>
      )}
    </LiveForm>
  );
}

// ───────────────────────────── Agenda ─────────────────────────────

export function Agenda({ state, send, actionData, announceError }: PanelProps) {
  const t = useT();
  const { session } = state;
  const canMove = state.viewer.capabilities.chair && session.status === "live";
  return (
    <section className="card stack live-agenda" aria-labelledby="live-agenda-title">
      <h2 id="live-agenda-title">{t("live.agenda.title")}</h2>
      <ol className="plain live-agenda-list">
        {session.agendaItems.map((item) => {
          const current = item.id === session.currentAgendaItemId;
          return (
            <li
              key={item.id}
              className={current ? "current" : undefined}
              aria-current={current ? "step" : undefined}
            >
              <span className="live-agenda-position">{item.position}</span>
              <div className="live-agenda-body">
                <p className="live-agenda-item-title">
                  {item.title}{" "}
                  {current && session.status === "live" ? (
                    <span className="badge live-now">{t("live.agenda.now")}</span>
                  ) : null}
                </p>
                {item.description ? <p className="muted">{item.description}</p> : null}
                {canMove && !current ? (
                  <CommandButton
                    {...{ send, actionData, announceError }}
                    command="agenda.set"
                    formKey={`agenda.set:${item.id}`}
                    hidden={{ agendaItemId: item.id }}
                    verb="live.agenda.makeCurrent"
                    target={item.title}
                  />
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

// ───────────────────────────── Questions ─────────────────────────────

export interface QuestionsProps extends PanelProps {
  signedIn: boolean;
  needsVerification: boolean;
  ownQuestionIds: string[];
  onAsked: (question: QuestionView) => void;
  onVoted: (questionId: string) => void;
  loginHref: string;
}

export function Questions(props: QuestionsProps) {
  const t = useT();
  const { state, send, actionData, announceError } = props;
  const { session, viewer } = state;
  const live = session.status === "live";
  const caps = viewer.capabilities;
  const currentItem = session.agendaItems.find((a) => a.id === session.currentAgendaItemId);
  const itemTitle = (id: string | null) => session.agendaItems.find((a) => a.id === id)?.title ?? null;
  const voted = new Set(viewer.votedQuestionIds);
  const own = new Set(props.ownQuestionIds);
  const name = useName();

  return (
    <section className="card stack live-questions" aria-labelledby="live-questions-title">
      <h2 id="live-questions-title">{t("live.questions.title")}</h2>

      {live ? (
        caps.participate ? (
          <LiveForm
            command="question.ask"
            formKey="question.ask"
            send={send}
            actionData={actionData}
            className="stack live-ask"
            toArgs={(f) => ({ text: String(f.get("text") ?? "") })}
            onDone={(data, form) => {
              form.reset();
              const q = data?.question as QuestionView | undefined;
              if (q) props.onAsked(q);
            }}
            onError={(e) => announceError(e.messageKey)}
          >
            {({ error, errorId, busy }) => (
              <div className="field">
                <label htmlFor="live-question-text">
                  {currentItem
                    ? t("live.questions.askTo", { item: currentItem.title })
                    : t("live.questions.ask")}
                </label>
                <p className="hint" id="live-question-hint">
                  {session.preModerateQuestions
                    ? t("live.questions.premoderated")
                    : t("live.questions.askHint")}
                </p>
                <textarea
                  id="live-question-text"
                  name="text"
                  rows={3}
                  maxLength={SESSION_LIMITS.questionMax}
                  required
                  defaultValue={actionData?.intent === "question.ask" ? (actionData.values?.text ?? "") : ""}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={["live-question-hint", error ? errorId : ""].filter(Boolean).join(" ")}
                />
                <p>
                  <button type="submit" className="button primary" disabled={busy}>
                    {t("live.questions.send")}
                  </button>
                </p>
              </div>
            )}
          </LiveForm>
        ) : !props.signedIn ? (
          <p>
            <Link to={props.loginHref}>{t("live.questions.loginToAsk")}</Link>
          </p>
        ) : props.needsVerification ? (
          <p className="notice">{t("sessions.errors.verifyFirst")}</p>
        ) : null
      ) : null}

      {state.myQuestions.length > 0 ? (
        <div className="stack">
          <h3>{t("live.questions.mine")}</h3>
          <ul className="plain live-question-list">
            {state.myQuestions.map((q) => {
              const reason = (q as QuestionView & { rejectionReason?: string | null }).rejectionReason;
              return (
                <li key={q.id} className={`live-question mine status-${q.status}`}>
                  <p className="live-question-text">{q.text}</p>
                  <p className="meta">
                    <span className={`badge question-${q.status}`}>
                      {t(`sessions.questionStatuses.${q.status}`)}
                    </span>
                    {q.status === "rejected" && reason ? (
                      <span>{t("live.questions.reason", { reason })}</span>
                    ) : null}
                  </p>
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}

      {caps.moderate && state.pendingQuestions.length > 0 ? (
        <div className="stack live-pending">
          <h3>{t("live.questions.pending", { count: state.pendingQuestions.length })}</h3>
          <ul className="plain live-question-list">
            {state.pendingQuestions.map((q) => (
              <li key={q.id} className="live-question pending">
                <p className="live-question-text">{q.text}</p>
                <p className="meta">
                  <span>{name(q.authorName)}</span>
                  {itemTitle(q.agendaItemId) ? <span>{itemTitle(q.agendaItemId)}</span> : null}
                </p>
                {live ? <ModeratorActions {...props} question={q} /> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {state.questions.length === 0 ? (
        <p className="muted">{t("live.questions.none")}</p>
      ) : (
        <ol className="plain live-question-list" aria-label={t("live.questions.listLabel")}>
          {state.questions.map((q) => (
            <li key={q.id} className={`live-question${q.pinned ? " pinned" : ""}`}>
              {q.pinned ? <p className="badge live-pinned">{t("live.questions.pinned")}</p> : null}
              <p className="live-question-text">{q.text}</p>
              <p className="meta">
                <span>{name(q.authorName)}</span>
                {itemTitle(q.agendaItemId) ? <span>{itemTitle(q.agendaItemId)}</span> : null}
                <span className="live-votes">{t("live.questions.votes", { count: q.upvoteCount })}</span>
              </p>
              <div className="live-question-actions">
                {live && caps.participate && !own.has(q.id) ? (
                  voted.has(q.id) ? (
                    <p className="muted live-voted">{t("live.questions.upvoted")}</p>
                  ) : (
                    <CommandButton
                      {...{ send, actionData, announceError }}
                      command="question.vote"
                      formKey={`question.vote:${q.id}`}
                      hidden={{ questionId: q.id }}
                      verb="live.questions.upvote"
                      target={q.text.slice(0, 80)}
                      onDone={() => props.onVoted(q.id)}
                    />
                  )
                ) : own.has(q.id) ? (
                  <p className="muted">{t("live.questions.yours")}</p>
                ) : null}
                {live && caps.moderate ? <ModeratorActions {...props} question={q} /> : null}
              </div>
            </li>
          ))}
        </ol>
      )}

      {state.answeredQuestions.length > 0 ? (
        <details className="live-answered">
          <summary>{t("live.questions.answered", { count: state.answeredQuestions.length })}</summary>
          <ul className="plain live-question-list">
            {state.answeredQuestions.map((q) => (
              <li key={q.id} className="live-question answered">
                <p className="live-question-text">{q.text}</p>
                <p className="meta">
                  <span>{name(q.authorName)}</span>
                  <span>{t("live.questions.votes", { count: q.upvoteCount })}</span>
                </p>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

function ModeratorActions(props: QuestionsProps & { question: QuestionView }) {
  const t = useT();
  const { question: q, send, actionData, announceError } = props;
  const common = {
    send,
    actionData,
    hidden: { questionId: q.id },
    className: "inline-form",
    onError: (e: { messageKey: string }) => announceError(e.messageKey),
  };
  // The visible verb first, then which question: the name says what the button acts on.
  const named = (key: string) => ({ "aria-label": `${t(key)}: ${q.text.slice(0, 80)}`, children: t(key) });
  const button = { send, actionData, announceError, hidden: common.hidden, target: q.text.slice(0, 80) };
  return (
    <div className="live-moderation" role="group" aria-label={t("live.moderation.label")}>
      {q.status === "pending" ? (
        <CommandButton
          {...button}
          command="question.approve"
          formKey={`question.approve:${q.id}`}
          verb="live.moderation.approve"
          primary
        />
      ) : null}
      {q.status === "approved" ? (
        <>
          <CommandButton
            {...button}
            command={q.pinned ? "question.unpin" : "question.pin"}
            formKey={`question.pin:${q.id}`}
            verb={q.pinned ? "live.moderation.unpin" : "live.moderation.pin"}
          />
          <CommandButton
            {...button}
            command="question.answer"
            formKey={`question.answer:${q.id}`}
            verb="live.moderation.answered"
          />
        </>
      ) : null}
      <LiveForm
        {...common}
        command="question.reject"
        formKey={`question.reject:${q.id}`}
        className="inline-form live-reject"
        toArgs={(f) => ({ reason: String(f.get("reason") ?? "") })}
      >
        {({ error, errorId, busy }) => (
          <>
            <label htmlFor={`reason-${q.id}`}>{t("live.moderation.reason")}</label>
            <input
              id={`reason-${q.id}`}
              name="reason"
              maxLength={SESSION_LIMITS.reasonMax}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
            />
            <button
              type="submit"
              className="button small danger"
              disabled={busy}
              {...named("live.moderation.reject")}
            />
          </>
        )}
      </LiveForm>
    </div>
  );
}

// ───────────────────────────── Polls ─────────────────────────────

export interface PollsProps extends PanelProps {
  onBallot: (pollId: string, optionIds: string[]) => void;
}

export function Polls(props: PollsProps) {
  const t = useT();
  const { state, send, actionData, announceError } = props;
  const caps = state.viewer.capabilities;
  const live = state.session.status === "live";
  if (state.polls.length === 0 && !(caps.chair && live)) return null;
  return (
    <section className="card stack live-polls" aria-labelledby="live-polls-title">
      <h2 id="live-polls-title">{t("live.polls.title")}</h2>
      {state.polls.length === 0 ? <p className="muted">{t("live.polls.none")}</p> : null}
      {[...state.polls].reverse().map((poll) => (
        <Poll key={poll.id} {...props} poll={poll} />
      ))}
      {caps.chair && live ? (
        <details className="live-open-poll">
          <summary>{t("live.polls.openTitle")}</summary>
          <LiveForm
            command="poll.open"
            formKey="poll.open"
            send={send}
            actionData={actionData}
            className="stack"
            toArgs={(f) => ({
              question: String(f.get("question") ?? ""),
              kind: String(f.get("kind") ?? ""),
              options: pollOptions(String(f.get("options") ?? "")),
            })}
            onDone={(_d, form) => form.reset()}
            onError={(e) => announceError(e.messageKey)}
          >
            {({ error, errorId, busy }) => (
              <>
                <div className="field">
                  <label htmlFor="poll-question">{t("live.polls.question")}</label>
                  <input
                    id="poll-question"
                    name="question"
                    maxLength={SESSION_LIMITS.pollQuestionMax}
                    required
                    aria-invalid={error?.fieldErrors?.question ? true : undefined}
                    aria-describedby={error ? errorId : undefined}
                  />
                </div>
                <fieldset className="field">
                  <legend>{t("live.polls.kind")}</legend>
                  <label className="inline-check">
                    <input type="radio" name="kind" value="single" defaultChecked />{" "}
                    {t("sessions.pollKinds.single")}
                  </label>
                  <label className="inline-check">
                    <input type="radio" name="kind" value="multiple" /> {t("sessions.pollKinds.multiple")}
                  </label>
                </fieldset>
                <div className="field">
                  <label htmlFor="poll-options">{t("live.polls.options")}</label>
                  <p className="hint" id="poll-options-hint">
                    {t("live.polls.optionsHint")}
                  </p>
                  <textarea
                    id="poll-options"
                    name="options"
                    rows={4}
                    required
                    aria-invalid={error?.fieldErrors?.options ? true : undefined}
                    aria-describedby={["poll-options-hint", error ? errorId : ""].filter(Boolean).join(" ")}
                  />
                </div>
                <p>
                  <button type="submit" className="button primary" disabled={busy}>
                    {t("live.polls.open")}
                  </button>
                </p>
              </>
            )}
          </LiveForm>
        </details>
      ) : null}
    </section>
  );
}

/** One option per line, blank lines dropped (the schema checks count, length and duplicates). */
export function pollOptions(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function Poll(props: PollsProps & { poll: PollView }) {
  const t = useT();
  const { poll, state, send, actionData, announceError } = props;
  const caps = state.viewer.capabilities;
  const live = state.session.status === "live";
  const ballot = state.viewer.ballots[poll.id] as string[] | undefined;
  const canVote = live && poll.status === "open" && caps.participate && !ballot;
  const headingId = `poll-${poll.id}`;
  const max = Math.max(1, ...poll.options.map((o) => o.votes ?? 0));
  return (
    <article className={`live-poll status-${poll.status}`} aria-labelledby={headingId}>
      <h3 id={headingId}>{poll.question}</h3>
      <p className="meta">
        <span className="badge">{t(`sessions.pollKinds.${poll.kind}`)}</span>
        <span className={`badge poll-${poll.status}`}>{t(`live.polls.status.${poll.status}`)}</span>
        <span>{t("live.polls.ballots", { count: poll.ballotCount })}</span>
      </p>
      {canVote ? (
        <LiveForm
          command="poll.vote"
          formKey={`poll.vote:${poll.id}`}
          hidden={{ pollId: poll.id }}
          send={send}
          actionData={actionData}
          toArgs={(f) => ({ optionIds: f.getAll("optionIds").map(String) })}
          onDone={(_d, form) => props.onBallot(poll.id, new FormData(form).getAll("optionIds").map(String))}
          onError={(e) => announceError(e.messageKey)}
        >
          {({ error, errorId, busy }) => (
            <fieldset className="field" aria-describedby={error ? errorId : undefined}>
              <legend>{t(poll.kind === "single" ? "live.polls.chooseOne" : "live.polls.chooseMany")}</legend>
              {poll.options.map((o) => (
                <label key={o.id} className="inline-check">
                  <input type={poll.kind === "single" ? "radio" : "checkbox"} name="optionIds" value={o.id} />{" "}
                  {o.label}
                </label>
              ))}
              <p>
                <button type="submit" className="button primary" disabled={busy}>
                  {t("live.polls.vote")}
                </button>
              </p>
            </fieldset>
          )}
        </LiveForm>
      ) : null}
      {ballot ? <p className="muted live-ballot">{t("live.polls.voted")}</p> : null}
      {poll.resultsVisible ? (
        <ul className="plain live-results" aria-label={t("live.polls.results")}>
          {poll.options.map((o) => (
            <li key={o.id}>
              <span className="live-result-label">
                {o.label}
                {ballot?.includes(o.id) ? (
                  <span className="muted">{` (${t("live.polls.yourChoice")})`}</span>
                ) : null}
              </span>
              <span className="live-result-count">
                {t("live.polls.optionVotes", { count: o.votes ?? 0 })}
              </span>
              <span className="live-bar" aria-hidden="true">
                <span style={{ width: `${Math.round(((o.votes ?? 0) / max) * 100)}%` }} />
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <ul className="plain live-options">
          {!canVote
            ? poll.options.map((o) => (
                <li key={o.id}>
                  {o.label}
                  {ballot?.includes(o.id) ? (
                    <span className="muted">{` (${t("live.polls.yourChoice")})`}</span>
                  ) : null}
                </li>
              ))
            : null}
        </ul>
      )}
      {!poll.resultsVisible ? <p className="hint">{t("live.polls.resultsHidden")}</p> : null}
      {caps.chair && (live || state.session.status === "ended") ? (
        <div className="live-poll-controls">
          {!poll.resultsVisible ? (
            <CommandButton
              {...{ send, actionData, announceError }}
              command="poll.reveal"
              formKey={`poll.reveal:${poll.id}`}
              hidden={{ pollId: poll.id }}
              verb="live.polls.reveal"
              target={poll.question}
            />
          ) : null}
          {poll.status === "open" && live ? (
            <CommandButton
              {...{ send, actionData, announceError }}
              command="poll.close"
              formKey={`poll.close:${poll.id}`}
              hidden={{ pollId: poll.id }}
              verb="live.polls.close"
              target={poll.question}
            />
          ) : null}
        </div>
      ) : null}
    </article>
  );
}

// ───────────────────────────── Notes ─────────────────────────────

export function Notes({ state, send, actionData, announceError }: PanelProps) {
  const t = useT();
  const locale = useLocale();
  const name = useName();
  const canWrite = state.viewer.capabilities.notes && state.session.status === "live";
  const itemTitle = (id: string | null) => state.session.agendaItems.find((a) => a.id === id)?.title ?? null;
  if (state.notes.length === 0 && !canWrite) return null;
  return (
    <section className="card stack live-notes" aria-labelledby="live-notes-title">
      <h2 id="live-notes-title">{t("live.notes.title")}</h2>
      {state.notes.length === 0 ? (
        <p className="muted">{t("live.notes.none")}</p>
      ) : (
        <ol className="plain live-note-list">
          {state.notes.map((n) => (
            <li key={n.id} className="live-note">
              <p className="meta">
                <time dateTime={n.createdAt}>{time(locale, n.createdAt)}</time>
                {itemTitle(n.agendaItemId) ? <span>{itemTitle(n.agendaItemId)}</span> : null}
                <span>{name(n.authorName)}</span>
              </p>
              <p className="live-note-text">{n.text}</p>
            </li>
          ))}
        </ol>
      )}
      {canWrite ? (
        <LiveForm
          command="note.add"
          formKey="note.add"
          send={send}
          actionData={actionData}
          className="stack"
          toArgs={(f) => ({ text: String(f.get("text") ?? "") })}
          onDone={(_d, form) => form.reset()}
          onError={(e) => announceError(e.messageKey)}
        >
          {({ error, errorId, busy }) => (
            <div className="field">
              <label htmlFor="live-note-text">{t("live.notes.add")}</label>
              <textarea
                id="live-note-text"
                name="text"
                rows={3}
                maxLength={SESSION_LIMITS.noteMax}
                required
                defaultValue={actionData?.intent === "note.add" ? (actionData.values?.text ?? "") : ""}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
              />
              <p>
                <button type="submit" className="button" disabled={busy}>
                  {t("live.notes.save")}
                </button>
              </p>
            </div>
          )}
        </LiveForm>
      ) : null}
    </section>
  );
}

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { getEnv } from "~/utils/env.server.ts";
import { readMailSink } from "~/utils/mail.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "devMail.title");

/** The local mail sink, for development and demos only (404 whenever real SMTP is configured). */
export async function loader(_args: LoaderFunctionArgs) {
  const env = getEnv();
  if (env.SMTP_URL || (env.NODE_ENV === "production" && !env.ALLOW_MAIL_SINK)) {
    throw new Response("errors.notFound", { status: 404 });
  }
  const messages = await readMailSink();
  return {
    messages: messages
      .slice(0, 50)
      .map((m) => ({ to: m.to, subject: m.subject, text: m.text, date: m.date })),
  };
}

function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/g).map((part, i) =>
    /^https?:\/\//.test(part) ? (
      <a key={i} href={part}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}

export default function DevMail() {
  const t = useT();
  const locale = useLocale();
  const { messages } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>{t("devMail.title")}</h1>
      <p>{t("devMail.intro")}</p>
      {messages.length === 0 ? <p>{t("devMail.empty")}</p> : null}
      {messages.map((m, i) => (
        <article key={i} className="card" aria-labelledby={`mail-${i}`}>
          <h2 id={`mail-${i}`} className="h3">
            {m.subject}
          </h2>
          <p className="muted">
            {t("devMail.to")}: {m.to} · {formatDateTime(locale, m.date)}
          </p>
          <pre className="mail-body">{linkify(m.text)}</pre>
        </article>
      ))}
    </div>
  );
}

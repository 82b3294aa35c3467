/**
 * The `mail` queue: renders a localised e-mail from app/i18n/emails/<locale>.json and sends it.
 * `sendTemplatedMail` is the job's logic (testable without BullMQ); `createMailWorker` is the thin wrapper.
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { escapeHtml } from "~/domain/richtext/richtext.server.ts";
import type { Redis } from "ioredis";
import el from "~/i18n/emails/el.json";
import en from "~/i18n/emails/en.json";
import {
  InvalidJobPayload,
  parseJobPayload,
  queuePrefix,
  redisConnection,
  type MailLocale,
  type MailTemplate,
  type SendMailPayload,
} from "~/jobs/queues.server.ts";
import { sendMail, type MailConfig, type SentMail } from "~/utils/mail.server.ts";

/** A paragraph, a button-style link to a URL parameter, or a list of linked lines from an array parameter. */
type BodyItem = string | { link: string; label: string } | { list: string };
interface EmailTemplate {
  subject: string;
  body: BodyItem[];
}
interface EmailCatalogue {
  layout: {
    greeting: string;
    greetingAnonymous: string;
    signature: string;
    footer: string;
    linkFallback: string;
  };
  templates: Record<MailTemplate, EmailTemplate>;
}

const catalogues: Record<MailLocale, EmailCatalogue> = { el, en };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

function fill(template: string, params: Record<string, string>, escape: (s: string) => string): string {
  return template.replace(/\{(\w+)\}|[^{]+|\{/g, (whole, name: string | undefined) => {
    if (name === undefined) return escape(whole);
    const value = params[name];
    if (value === undefined) throw new Error(`E-mail template needs the parameter "${name}"`);
    return escape(value);
  });
}

function linkTarget(params: Record<string, string>, param: string): string {
  const url = params[param];
  if (url === undefined) throw new Error(`E-mail template needs the parameter "${param}"`);
  return url;
}

function listEntries(params: Record<string, unknown>, param: string): { text: string; url: string }[] {
  const entries = params[param];
  if (!Array.isArray(entries)) throw new Error(`E-mail template needs the list parameter "${param}"`);
  return entries as { text: string; url: string }[];
}

/** Renders a validated payload to subject, plain text and HTML (every parameter escaped in the HTML). */
export function renderMail(payload: SendMailPayload): RenderedMail {
  const { layout, templates } = catalogues[payload.locale];
  const template = templates[payload.template];
  const params = payload.params as Record<string, string>;
  const plain = (s: string) => s;

  const greeting = params.displayName !== undefined ? layout.greeting : layout.greetingAnonymous;
  const subject = fill(template.subject, params, plain);

  const textParts = [fill(greeting, params, plain)];
  const htmlParts = [`<p>${fill(greeting, params, escapeHtml)}</p>`];
  for (const item of template.body) {
    if (typeof item === "string") {
      textParts.push(fill(item, params, plain));
      htmlParts.push(`<p>${fill(item, params, escapeHtml)}</p>`);
    } else if ("list" in item) {
      const entries = listEntries(payload.params, item.list);
      textParts.push(entries.map((e) => `- ${e.text}\n  ${e.url}`).join("\n"));
      htmlParts.push(
        `<ul style="padding-left:20px">\n` +
          entries
            .map(
              (e) =>
                `<li style="margin-bottom:8px"><a href="${escapeHtml(e.url)}" style="color:#0b5394">${escapeHtml(e.text)}</a></li>`,
            )
            .join("\n") +
          `\n</ul>`,
      );
    } else {
      const url = linkTarget(params, item.link);
      textParts.push(`${item.label}:\n${url}`);
      htmlParts.push(
        `<p><a href="${escapeHtml(url)}" style="display:inline-block;padding:10px 16px;background:#0b5394;color:#ffffff;` +
          `text-decoration:none;border-radius:4px;font-weight:bold">${escapeHtml(item.label)}</a></p>`,
        `<p style="font-size:13px;color:#444444">${escapeHtml(layout.linkFallback)}<br>` +
          `<span style="word-break:break-all">${escapeHtml(url)}</span></p>`,
      );
    }
  }
  textParts.push(layout.signature, `--\n${layout.footer}`);
  htmlParts.push(
    `<p>${escapeHtml(layout.signature)}</p>`,
    `<hr style="border:none;border-top:1px solid #cccccc">`,
    `<p style="font-size:13px;color:#444444">${escapeHtml(layout.footer)}</p>`,
  );

  const html =
    `<!doctype html>\n<html lang="${payload.locale}">\n<head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>\n` +
    `<body style="margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#ffffff">\n` +
    `<div style="max-width:600px;margin:0 auto">\n${htmlParts.join("\n")}\n</div>\n</body>\n</html>\n`;
  return { subject, text: `${textParts.join("\n\n")}\n`, html };
}

/**
 * The `mail`/`send` job: validates the payload (throws `InvalidJobPayload`), renders it in the recipient's
 * language and sends it.
 */
export async function sendTemplatedMail(payload: unknown, config?: MailConfig): Promise<SentMail> {
  const valid = parseJobPayload("mail", "send", payload);
  const rendered = renderMail(valid);
  return sendMail({ to: valid.to, ...rendered }, config);
}

/** Runs one BullMQ job; a payload that can never succeed fails at once instead of being retried. */
export async function processMailJob(
  job: Pick<Job, "name" | "data">,
  config?: MailConfig,
): Promise<SentMail> {
  try {
    if (job.name !== "send") throw new InvalidJobPayload("mail", job.name, [`unknown job "${job.name}"`]);
    return await sendTemplatedMail(job.data, config);
  } catch (error) {
    if (error instanceof InvalidJobPayload) throw new UnrecoverableError(error.message);
    throw error;
  }
}

export interface MailWorkerOptions {
  /** A worker connection (`maxRetriesPerRequest: null`); default: a new one on REDIS_URL. */
  connection?: Redis;
  /** BullMQ prefix; default REDIS_PREFIX. */
  prefix?: string;
  concurrency?: number;
  /** Mail settings; default from the environment. */
  mail?: MailConfig;
}

/** The BullMQ worker of the `mail` queue. Closing it also closes the connection it created. */
export function createMailWorker(opts: MailWorkerOptions = {}): Worker {
  const connection = opts.connection ?? redisConnection({ worker: true });
  const worker = new Worker("mail", (job) => processMailJob(job, opts.mail), {
    connection,
    prefix: opts.prefix ?? queuePrefix(),
    concurrency: opts.concurrency ?? 4,
  });
  if (!opts.connection) worker.on("closed", () => connection.disconnect());
  return worker;
}

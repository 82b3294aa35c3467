/**
 * Outgoing e-mail. With SMTP_URL set, messages go out through nodemailer's SMTP transport; without it they
 * land in a sink directory (MAIL_SINK_DIR), one JSON file per message, which tests and the `/dev/mail` page
 * read. Production requires SMTP_URL unless ALLOW_MAIL_SINK is set (env.server.ts checks it at start).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { getEnv } from "./env.server.ts";
import { newId } from "./ids.ts";

export interface MailInput {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailConfig {
  from: string;
  /** smtp:// or smtps:// URL; when absent the sink is used. */
  smtpUrl?: string;
  sinkDir: string;
}

export interface SentMail {
  /** The sink file's id, or the SMTP server's message id. */
  id: string;
  /** The sink file written (sink only). */
  file?: string;
}

/** A message as stored in the sink. */
export interface SinkMessage {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /** ISO 8601. */
  date: string;
}

export interface SinkEntry extends SinkMessage {
  id: string;
  file: string;
}

export function mailConfigFromEnv(): MailConfig {
  const env = getEnv();
  return { from: env.MAIL_FROM, smtpUrl: env.SMTP_URL, sinkDir: env.MAIL_SINK_DIR };
}

const transporters = new Map<string, Transporter>();

function smtpTransporter(url: string): Transporter {
  let transporter = transporters.get(url);
  if (!transporter) {
    transporter = nodemailer.createTransport(url);
    transporters.set(url, transporter);
  }
  return transporter;
}

function writeToSink(dir: string, message: SinkMessage): SentMail {
  mkdirSync(dir, { recursive: true });
  const id = newId();
  const name = `${Date.now()}-${id}.json`;
  const file = path.join(dir, name);
  // Write then rename, so a reader never sees half a message.
  const temp = path.join(dir, `.${name}.tmp`);
  writeFileSync(temp, `${JSON.stringify(message, null, 2)}\n`, "utf8");
  renameSync(temp, file);
  return { id, file };
}

/** Sends one e-mail (SMTP, or the sink when SMTP_URL is unset). */
export async function sendMail(
  input: MailInput,
  config: MailConfig = mailConfigFromEnv(),
): Promise<SentMail> {
  if (config.smtpUrl) {
    const info = await smtpTransporter(config.smtpUrl).sendMail({
      from: config.from,
      to: input.to,
      subject: input.subject,
      text: input.text,
      html: input.html,
    });
    return { id: String(info.messageId ?? "") };
  }
  return writeToSink(config.sinkDir, {
    to: input.to,
    from: config.from,
    subject: input.subject,
    text: input.text,
    html: input.html,
    date: new Date().toISOString(),
  });
}

const SINK_FILE = /^(\d+)-([A-Za-z0-9-]+)\.json$/;

/** The sink's messages, newest first (empty when the directory does not exist). */
export function readMailSink(dir: string = mailConfigFromEnv().sinkDir): SinkEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const entries: Array<{ stamp: number; entry: SinkEntry }> = [];
  for (const name of names) {
    const match = SINK_FILE.exec(name);
    if (!match) continue;
    const file = path.join(dir, name);
    try {
      const message = JSON.parse(readFileSync(file, "utf8")) as SinkMessage;
      entries.push({ stamp: Number(match[1]), entry: { ...message, id: match[2], file } });
    } catch {
      // Unreadable or removed meanwhile: skip it.
    }
  }
  entries.sort(
    (a, b) =>
      b.stamp - a.stamp ||
      String(b.entry.date).localeCompare(String(a.entry.date)) ||
      b.entry.file.localeCompare(a.entry.file),
  );
  return entries.map((e) => e.entry);
}

/**
 * Reads what the app's development mail sink wrote: one JSON file `<timestamp>-<id>.json` per e-mail in
 * MAIL_SINK_DIR, with `{ to, from, subject, text, html, date }`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface MailMessage {
  to: string | string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  date: string;
  /** The file it was read from. */
  file: string;
}

/** Every message in the sink dir, oldest first (file names start with a timestamp). */
export function readMailbox(dir: string): MailMessage[] {
  if (!existsSync(dir)) return [];
  const messages: MailMessage[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .sort()) {
    const file = path.join(dir, name);
    try {
      messages.push({ ...(JSON.parse(readFileSync(file, "utf8")) as Omit<MailMessage, "file">), file });
    } catch {
      // Being written right now: the next read will see it whole.
    }
  }
  return messages;
}

/** Whether a message is addressed to `address` (case-insensitive, `Name <a@b>` forms included). */
export function isAddressedTo(message: MailMessage, address: string): boolean {
  const wanted = address.toLowerCase();
  const recipients = Array.isArray(message.to) ? message.to : String(message.to).split(",");
  return recipients.some((r) => {
    const m = /<([^>]+)>/.exec(r);
    return (m ? m[1] : r).trim().toLowerCase() === wanted;
  });
}

/** The first link in a message's text (or html) whose URL contains `contains`. */
export function findLink(message: MailMessage, contains = ""): string | undefined {
  const urls = `${message.text ?? ""}\n${message.html ?? ""}`.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
  return urls.map((u) => u.replace(/&amp;/g, "&")).find((u) => u.includes(contains));
}

/** Polls the sink dir until a message matches `predicate`; throws, listing what did arrive, after `timeoutMs`. */
export async function waitForMail(
  dir: string,
  predicate: (message: MailMessage) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<MailMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = readMailbox(dir);
    const found = messages.find(predicate);
    if (found) return found;
    if (Date.now() >= deadline) {
      const seen = messages
        .map((m) => `  - to ${JSON.stringify(m.to)}: ${JSON.stringify(m.subject)}`)
        .join("\n");
      throw new Error(
        `No matching e-mail in ${dir} within ${timeoutMs} ms. ${messages.length} message(s) arrived${seen ? `:\n${seen}` : "."}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * One session as an iCalendar file (RFC 5545) for "add to my calendar". Pure text building, no I/O:
 * CRLF line endings, TEXT values escaped, lines folded at 75 octets without splitting a UTF-8 character,
 * times in UTC.
 */

export interface IcsSession {
  id: string;
  title: string;
  description?: string | null;
  startsAt: Date;
  endsAt?: Date | null;
  place?: string | null;
  onlineUrl?: string | null;
  status?: "scheduled" | "live" | "ended" | "cancelled";
  committeeName?: string | null;
}

export interface IcsOptions {
  /** Host part of the UID, e.g. the site's host name. */
  uidDomain?: string;
  /** The public page of the session (URL property). */
  pageUrl?: string | null;
  /** DTSTAMP; now unless given (tests). */
  now?: Date;
  /** Length assumed when the session has no end time. */
  defaultMinutes?: number;
}

/** Escapes a TEXT value (RFC 5545 §3.3.11). */
export function escapeIcsText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** 20261123T180000Z */
export function icsUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

const encoder = new TextEncoder();

/**
 * Folds one content line (RFC 5545 §3.1): no line longer than 75 octets; continuation lines start with a
 * space, which counts towards their 75. Cuts fall between characters, never inside a UTF-8 sequence.
 */
export function foldIcsLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  let limit = 75;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
      limit = 74;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

export function sessionIcs(session: IcsSession, options: IcsOptions = {}): string {
  const end =
    session.endsAt ?? new Date(session.startsAt.getTime() + (options.defaultMinutes ?? 120) * 60_000);
  const description = [
    session.committeeName ?? "",
    session.description ?? "",
    session.onlineUrl ?? "",
    options.pageUrl ?? "",
  ]
    .map((s) => s.trim())
    .filter(Boolean)
    .join("\n\n");
  const location = session.place?.trim() || session.onlineUrl?.trim() || "";
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Synochi//Live sessions//EL",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:session-${session.id}@${options.uidDomain ?? "synochi"}`,
    `DTSTAMP:${icsUtc(options.now ?? new Date())}`,
    `DTSTART:${icsUtc(session.startsAt)}`,
    `DTEND:${icsUtc(end)}`,
    `SUMMARY:${escapeIcsText(session.title)}`,
    ...(description ? [`DESCRIPTION:${escapeIcsText(description)}`] : []),
    ...(location ? [`LOCATION:${escapeIcsText(location)}`] : []),
    // URL is a URI value, not TEXT: it is not escaped (http(s) links only, checked on input).
    ...(options.pageUrl ? [`URL:${options.pageUrl}`] : []),
    `STATUS:${session.status === "cancelled" ? "CANCELLED" : "CONFIRMED"}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(foldIcsLine).join("\r\n") + "\r\n";
}

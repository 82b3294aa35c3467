/**
 * What the admin queue dashboard may show of a job. Payloads carry e-mail addresses, names, message texts
 * and links holding tokens, so they are shown by an allow-list: a value appears only under a key that names
 * an id, a count, a version or a fixed vocabulary (template, locale, status), and only when it looks like
 * one; every other value is replaced by a redaction marker. Error messages and stack traces are shown, with
 * e-mail addresses, credentials and service URLs (which may carry tokens) cut out.
 */

/** Keys whose values are shown as they are (besides `id` and keys ending in `Id` / `Ids`). */
const SHOWN_KEYS = new Set(["version", "count", "attempt", "locale", "template", "status", "frequency"]);
/** A shown value must look like an id, a number or a vocabulary word: never free text. */
const SAFE_STRING = /^[A-Za-z0-9_.:-]{1,100}$/;
/** Fields listed per job at most (a digest carries up to a hundred items). */
export const PAYLOAD_FIELDS_MAX = 40;

function isShownKey(key: string): boolean {
  return key === "id" || /[a-z](Id|Ids)$/.test(key) || SHOWN_KEYS.has(key);
}

export type PayloadValue = string | number | boolean | null;
/** One leaf of a payload: its path (`params.displayName`, `items[0].url`) and its value, or redacted. */
export type PayloadField = { path: string; value: PayloadValue } | { path: string; redacted: true };

export interface RedactedPayload {
  fields: PayloadField[];
  /** Leaves left out past PAYLOAD_FIELDS_MAX. */
  more: number;
}

function isSafeValue(value: unknown): value is PayloadValue {
  if (value === null || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  return typeof value === "string" && SAFE_STRING.test(value);
}

/** The payload's leaves in order, each shown only under an allowed key and with a safe value. */
export function redactJobPayload(data: unknown, max = PAYLOAD_FIELDS_MAX): RedactedPayload {
  const fields: PayloadField[] = [];
  let more = 0;
  const add = (field: PayloadField) => {
    if (fields.length < max) fields.push(field);
    else more += 1;
  };
  const walk = (value: unknown, path: string, key: string | null): void => {
    if (Array.isArray(value)) {
      if (value.length === 0) add({ path, value: "[]" });
      value.forEach((v, i) => walk(v, `${path}[${i}]`, key));
      return;
    }
    if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, k);
      return;
    }
    if (key !== null && isShownKey(key) && isSafeValue(value)) add({ path, value });
    else add({ path: path || "(payload)", redacted: true });
  };
  if (data !== undefined && data !== null) walk(data, "", null);
  return { fields, more };
}

/** Text with some parts cut out: strings are shown, `null` stands for a redacted part. */
export type RedactedText = (string | null)[];

const SECRETS = [
  // E-mail addresses (the domain must end in letters, so `package@1.2.3` in a stack is left alone).
  /[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}/g,
  // Service URLs: links with tokens, connection strings with credentials (file:// stack frames stay).
  /\b(?:https?|smtps?|rediss?|postgres(?:ql)?|amqps?|mongodb(?:\+srv)?):\/\/[^\s"'<>)\]]+/gi,
  // name=value or name: value pairs of credentials.
  /\b(?:token|secret|password|passwd|pwd|api[_-]?key|authorization|cookie)\b\s*[=:]\s*[^\s,;"'&]+/gi,
];

/**
 * Cuts e-mail addresses, credentials and service URLs out of an error message or a stack trace, then keeps
 * at most `max` characters of what is left (cut after redacting, so no address is shown half).
 */
export function redactText(text: string, max = Infinity): RedactedText {
  const cuts: [number, number][] = [];
  for (const pattern of SECRETS) {
    for (const m of text.matchAll(pattern)) cuts.push([m.index, m.index + m[0].length]);
  }
  cuts.sort((a, b) => a[0] - b[0]);
  const parts: RedactedText = [];
  let at = 0;
  for (const [start, end] of cuts) {
    if (end <= at) continue;
    if (start > at) parts.push(text.slice(at, start));
    // Overlapping or adjacent cuts make one marker.
    if (parts.at(-1) !== null) parts.push(null);
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  const kept: RedactedText = [];
  let room = max;
  for (const part of parts) {
    if (room <= 0) break;
    if (part === null) kept.push(null);
    else {
      kept.push(part.slice(0, room));
      room -= part.length;
    }
  }
  return kept;
}

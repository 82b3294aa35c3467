/**
 * Rich-text helpers shared by the server and the browser (no Node APIs here): the document types, plain
 * text <-> document conversion, character counting and the link rule. The server-only parts (validation,
 * HTML rendering) live in richtext.server.ts, which re-exports these.
 */

export interface RichTextMark {
  type: string;
  attrs?: Record<string, unknown>;
}

export interface RichTextNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: RichTextNode[];
  marks?: RichTextMark[];
  text?: string;
}

export interface RichTextDoc extends RichTextNode {
  type: "doc";
  content: RichTextNode[];
}

/** The editor's schema: the only node and mark types the server accepts. */
export const RICH_TEXT_NODES = [
  "doc",
  "paragraph",
  "text",
  "heading",
  "bulletList",
  "orderedList",
  "listItem",
  "hardBreak",
] as const;
export const RICH_TEXT_MARKS = ["bold", "italic", "link"] as const;
export const HEADING_LEVELS = [2, 3, 4] as const;
/** Link schemes a reader may follow: nothing that can run script or smuggle a document. */
export const LINK_PROTOCOLS = ["http", "https", "mailto"] as const;
export const MAX_HREF_LENGTH = 2048;

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Plain text to a document: paragraphs split on blank lines, single line breaks kept as hard breaks. */
export function textToDoc(text: string): RichTextDoc {
  const paragraphs = text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n+/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  return {
    type: "doc",
    content: paragraphs.map((p) => {
      const lines = p.split("\n").map((l) => l.trim());
      const content: RichTextNode[] = [];
      lines.forEach((line, i) => {
        if (i > 0) content.push({ type: "hardBreak" });
        if (line) content.push({ type: "text", text: line });
      });
      return { type: "paragraph", content };
    }),
  };
}

/**
 * Only these link targets are rendered as links; anything else (javascript:, data:, relative) as text.
 * The result is the parsed URL's canonical form, with the few characters the URL parser leaves alone in
 * mailto: and paths (spaces, quotes, angle brackets, backticks) percent-encoded, so an href never holds
 * anything that reads like markup, even before escaping.
 */
export function safeHref(href: unknown): string | undefined {
  if (typeof href !== "string") return undefined;
  const trimmed = href.trim();
  try {
    const url = new URL(trimmed);
    if (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "mailto:") {
      return url.href.replace(/[\s"'<>`]/g, (c) => encodeURIComponent(c).replace("'", "%27"));
    }
  } catch {
    // not an absolute URL
  }
  return undefined;
}

/**
 * What a person typed into the editor's link box, as a safe href, or undefined. Bare addresses get a
 * scheme ("example.gr" → https://example.gr/, "name@example.gr" → mailto:), so people need not know URLs;
 * anything with another scheme (javascript:, data:, ftp:) is refused rather than rewritten.
 */
export function linkHrefFromInput(input: string): string | undefined {
  const value = input.trim();
  if (!value || value.length > MAX_HREF_LENGTH || /\s/.test(value)) return undefined;
  // Dots are legal in schemes but never in the ones allowed; without them "example.gr:8080" reads as a host.
  if (/^[a-z][a-z0-9+-]*:/i.test(value)) {
    // An explicit scheme: only the allowed ones, and an http(s) URL must name a host.
    const href = safeHref(value);
    if (!href) return undefined;
    if (href.startsWith("mailto:")) return href.length > "mailto:".length ? href : undefined;
    return /^https?:\/\/[^/?#]/i.test(value) ? href : undefined;
  }
  if (value.startsWith("//") || value.startsWith("\\") || value.startsWith("/")) return undefined;
  if (/^[^@/:]+@[^@/:]+\.[^@/:]+$/.test(value)) return safeHref(`mailto:${value}`);
  // A host needs a dot and a letter-only top-level part: "example.gr", "www.ypes.gr/path".
  if (/^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(:\d+)?([/?#].*)?$/u.test(value)) {
    return safeHref(`https://${value}`);
  }
  return undefined;
}

/** The document's plain text, paragraphs separated by blank lines (for search, analysis and fallbacks). */
export function docToText(doc: RichTextNode): string {
  const blocks: string[] = [];
  const inline = (node: RichTextNode): string => {
    if (node.type === "text") return node.text ?? "";
    if (node.type === "hardBreak") return "\n";
    return (node.content ?? []).map(inline).join("");
  };
  const walk = (node: RichTextNode): void => {
    if (["paragraph", "heading"].includes(node.type)) {
      blocks.push(inline(node));
      return;
    }
    if (node.type === "text") {
      blocks.push(node.text ?? "");
      return;
    }
    for (const child of node.content ?? []) walk(child);
  };
  walk(doc);
  return blocks.filter((b) => b.length > 0).join("\n\n");
}

/** Characters as people count them (code points, so an emoji is one), over text nodes only. */
export function countTextChars(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** The length the server enforces against maxChars; the editor's counter shows the same number. */
export function countChars(node: RichTextNode): number {
  if (!node || typeof node !== "object") return 0;
  if (node.type === "text") return typeof node.text === "string" ? countTextChars(node.text) : 0;
  let total = 0;
  if (Array.isArray(node.content)) for (const child of node.content) total += countChars(child);
  return total;
}

/** A stored or submitted value as plain text for the no-JavaScript textarea: JSON docs become text. */
export function richTextToPlainText(raw: string | undefined, format?: "json" | "text"): string {
  if (!raw) return "";
  const doc = format === "text" ? undefined : parseDocLoosely(raw);
  if (doc) return docToText(doc);
  return format === "json" ? "" : raw;
}

/** Parses a JSON string that claims to be a document; undefined when it is not one. Does not validate. */
export function parseDocLoosely(raw: string): RichTextDoc | undefined {
  if (!raw.trimStart().startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (
      value &&
      typeof value === "object" &&
      (value as RichTextNode).type === "doc" &&
      Array.isArray((value as RichTextNode).content)
    ) {
      return value as RichTextDoc;
    }
  } catch {
    // not JSON
  }
  return undefined;
}

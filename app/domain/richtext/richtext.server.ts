/**
 * Rich text is stored as Tiptap/ProseMirror JSON and rendered to HTML on the server only. Input from the
 * editor is validated against the editor's schema and rebuilt from what passed, so nothing a client adds
 * (attributes, node types, schemes) survives. Rendering escapes every text and attribute, knows a fixed set
 * of nodes and marks, and drops links that are not http(s) or mailto (defence in depth for stored docs).
 */
import {
  countChars,
  docToText,
  escapeHtml,
  HEADING_LEVELS,
  MAX_HREF_LENGTH,
  safeHref,
  textToDoc,
  type RichTextDoc,
  type RichTextMark,
  type RichTextNode,
} from "./richtext.ts";

export {
  countChars,
  docToText,
  escapeHtml,
  safeHref,
  textToDoc,
  type RichTextDoc,
  type RichTextMark,
  type RichTextNode,
} from "./richtext.ts";

// ---------------------------------------------------------------------------------------------------------
// Rendering

function renderText(node: RichTextNode): string {
  let html = escapeHtml(node.text ?? "");
  // Marks are applied inside out in the order given: the first mark ends up innermost.
  for (const mark of node.marks ?? []) {
    switch (mark.type) {
      case "bold":
        html = `<strong>${html}</strong>`;
        break;
      case "italic":
        html = `<em>${html}</em>`;
        break;
      case "link": {
        const href = safeHref(mark.attrs?.href);
        if (href) html = `<a href="${escapeHtml(href)}" rel="nofollow noopener noreferrer">${html}</a>`;
        break;
      }
      default:
        break; // unknown marks: the text alone
    }
  }
  return html;
}

function renderChildren(node: RichTextNode): string {
  return Array.isArray(node.content) ? node.content.map(renderNode).join("") : "";
}

function headingLevel(attrs: Record<string, unknown> | undefined): number {
  const level = Number(attrs?.level);
  return Number.isInteger(level) ? Math.min(6, Math.max(1, level)) : 2;
}

function renderNode(node: RichTextNode): string {
  if (!node || typeof node !== "object") return "";
  switch (node.type) {
    case "doc":
      return renderChildren(node);
    case "text":
      return renderText(node);
    case "paragraph":
      return `<p>${renderChildren(node)}</p>`;
    case "heading": {
      const level = headingLevel(node.attrs);
      return `<h${level}>${renderChildren(node)}</h${level}>`;
    }
    case "bulletList":
      return `<ul>${renderChildren(node)}</ul>`;
    case "orderedList": {
      const start = Number(node.attrs?.start);
      const startAttr = Number.isInteger(start) && start !== 1 ? ` start="${start}"` : "";
      return `<ol${startAttr}>${renderChildren(node)}</ol>`;
    }
    case "listItem":
      return `<li>${renderChildren(node)}</li>`;
    case "hardBreak":
      return "<br>";
    default:
      // Unknown nodes: their content only, never their markup.
      return renderChildren(node);
  }
}

/** Renders a document (or any node) to HTML. Every text is escaped; unknown nodes and marks add no markup. */
export function renderDocToHtml(doc: RichTextNode): string {
  return renderNode(doc);
}

// ---------------------------------------------------------------------------------------------------------
// Validation

export type RichTextLimits = {
  /** Characters of text (code points, as the editor's counter shows them). */
  maxChars: number;
  /** Size of the submitted value in UTF-8 bytes, checked before parsing. Default 200 KB. */
  maxBytes?: number;
  /** Nodes of every kind (text runs included). Default 5,000. */
  maxNodes?: number;
  /** Nesting depth below the doc (a list item in a list is two levels). Default 12. */
  maxDepth?: number;
};

export const RICH_TEXT_DEFAULT_LIMITS = { maxBytes: 200_000, maxNodes: 5_000, maxDepth: 12 } as const;

/** Each is a translation key of the "editor" namespace. */
export type RichTextError =
  | "editor.errors.empty"
  | "editor.errors.invalid"
  | "editor.errors.tooLong"
  | "editor.errors.tooLarge"
  | "editor.errors.tooDeep"
  | "editor.errors.badLink";

export type DocValidation = { ok: true; doc: RichTextDoc } | { ok: false; error: RichTextError };

export type RichTextFormat = "json" | "text";

export type RichTextResult =
  | { ok: true; doc: RichTextDoc; html: string; text: string; raw: string; format: RichTextFormat }
  | { ok: false; error: RichTextError; raw: string; format: RichTextFormat };

class Refused extends Error {
  constructor(readonly key: RichTextError) {
    super(key);
  }
}

type Walk = { nodes: number; maxNodes: number; maxDepth: number };

const BLOCKS = new Set(["paragraph", "heading", "bulletList", "orderedList"]);
const INLINES = new Set(["text", "hardBreak"]);
const LISTS = new Set(["listItem"]);
const MAX_LIST_START = 1_000_000;
// C0 controls other than tab and newline, DEL, and lone surrogates: invisible, and PostgreSQL refuses NUL.
const UNWANTED_CHARS =
  /[\u0000-\u0008\u000B-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function attrsOf(node: Record<string, unknown>): Record<string, unknown> {
  if (node.attrs === undefined || node.attrs === null) return {};
  if (!isObject(node.attrs)) throw new Refused("editor.errors.invalid");
  return node.attrs;
}

function childrenOf(node: Record<string, unknown>): unknown[] {
  if (node.content === undefined || node.content === null) return [];
  if (!Array.isArray(node.content)) throw new Refused("editor.errors.invalid");
  return node.content;
}

function cleanMarks(value: unknown): RichTextMark[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > 10) throw new Refused("editor.errors.invalid");
  const marks: RichTextMark[] = [];
  const seen = new Set<string>();
  for (const mark of value) {
    if (!isObject(mark) || typeof mark.type !== "string") throw new Refused("editor.errors.invalid");
    if (seen.has(mark.type)) continue;
    switch (mark.type) {
      case "bold":
      case "italic":
        marks.push({ type: mark.type });
        break;
      case "link": {
        const raw = attrsOf(mark).href;
        const href = typeof raw === "string" && raw.length <= MAX_HREF_LENGTH ? safeHref(raw) : undefined;
        if (!href) throw new Refused("editor.errors.badLink");
        marks.push({ type: "link", attrs: { href } });
        break;
      }
      default:
        throw new Refused("editor.errors.invalid");
    }
    seen.add(mark.type);
  }
  return marks.length > 0 ? marks : undefined;
}

/** Validates one node allowed in `allowed` and returns its clean copy (null: drop it, e.g. empty text). */
function cleanNode(value: unknown, allowed: Set<string>, depth: number, walk: Walk): RichTextNode | null {
  if (depth > walk.maxDepth) throw new Refused("editor.errors.tooDeep");
  if (++walk.nodes > walk.maxNodes) throw new Refused("editor.errors.tooLarge");
  if (!isObject(value) || typeof value.type !== "string" || !allowed.has(value.type)) {
    throw new Refused("editor.errors.invalid");
  }
  const children = (kinds: Set<string>, atLeastOne: boolean): RichTextNode[] => {
    const out: RichTextNode[] = [];
    for (const child of childrenOf(value)) {
      const clean = cleanNode(child, kinds, depth + 1, walk);
      if (clean) out.push(clean);
    }
    if (atLeastOne && out.length === 0) throw new Refused("editor.errors.invalid");
    return out;
  };
  switch (value.type) {
    case "text": {
      if (typeof value.text !== "string") throw new Refused("editor.errors.invalid");
      const text = value.text.replace(UNWANTED_CHARS, "");
      const marks = cleanMarks(value.marks);
      if (text.length === 0) return null;
      return marks ? { type: "text", text, marks } : { type: "text", text };
    }
    case "hardBreak":
      return { type: "hardBreak" };
    case "paragraph":
      return { type: "paragraph", content: children(INLINES, false) };
    case "heading": {
      const level = attrsOf(value).level;
      if (!(HEADING_LEVELS as readonly unknown[]).includes(level)) throw new Refused("editor.errors.invalid");
      return { type: "heading", attrs: { level }, content: children(INLINES, false) };
    }
    case "bulletList":
      return { type: "bulletList", content: children(LISTS, true) };
    case "orderedList": {
      const start = attrsOf(value).start ?? 1;
      if (typeof start !== "number" || !Number.isInteger(start) || Math.abs(start) > MAX_LIST_START) {
        throw new Refused("editor.errors.invalid");
      }
      const content = children(LISTS, true);
      return start === 1
        ? { type: "orderedList", content }
        : { type: "orderedList", attrs: { start }, content };
    }
    case "listItem":
      return { type: "listItem", content: children(BLOCKS, true) };
    default:
      throw new Refused("editor.errors.invalid");
  }
}

function limitsOf(limits: RichTextLimits) {
  return {
    maxChars: limits.maxChars,
    maxBytes: limits.maxBytes ?? RICH_TEXT_DEFAULT_LIMITS.maxBytes,
    maxNodes: limits.maxNodes ?? RICH_TEXT_DEFAULT_LIMITS.maxNodes,
    maxDepth: limits.maxDepth ?? RICH_TEXT_DEFAULT_LIMITS.maxDepth,
  };
}

/** Checks a clean document's text: not blank, not longer than maxChars. */
function checkText(doc: RichTextDoc, maxChars: number): DocValidation {
  if (docToText(doc).trim().length === 0) return { ok: false, error: "editor.errors.empty" };
  if (countChars(doc) > maxChars) return { ok: false, error: "editor.errors.tooLong" };
  return { ok: true, doc };
}

/**
 * Validates a parsed value against the editor's schema and returns a rebuilt document holding only what
 * is allowed: known nodes and marks, heading levels 2–4, integer list starts, http(s)/mailto links. Any
 * other attribute is dropped; any unknown node or mark, or a structure the editor cannot produce, refuses
 * the whole document (the editor never sends one, so it is a forged or broken request).
 */
export function validateDoc(value: unknown, limits: RichTextLimits): DocValidation {
  const l = limitsOf(limits);
  if (!isObject(value) || value.type !== "doc") return { ok: false, error: "editor.errors.invalid" };
  const walk: Walk = { nodes: 1, maxNodes: l.maxNodes, maxDepth: l.maxDepth };
  try {
    const content: RichTextNode[] = [];
    for (const child of childrenOf(value)) {
      const clean = cleanNode(child, BLOCKS, 1, walk);
      if (clean) content.push(clean);
    }
    // Empty paragraphs at either end (the editor keeps one after a list; Enter pressed at the end) show as
    // stray space; those between blocks are the author's spacing and stay.
    const isBlank = (node: RichTextNode) => node.type === "paragraph" && node.content?.length === 0;
    while (content.length > 0 && isBlank(content[content.length - 1])) content.pop();
    while (content.length > 0 && isBlank(content[0])) content.shift();
    return checkText({ type: "doc", content }, l.maxChars);
  } catch (error) {
    if (error instanceof Refused) return { ok: false, error: error.key };
    throw error;
  }
}

function byteLength(raw: string): number {
  return Buffer.byteLength(raw, "utf8");
}

/** The editor's JSON string to a clean document: size cap before parsing, then validateDoc. */
export function parseRichTextJson(raw: string, limits: RichTextLimits): DocValidation {
  const l = limitsOf(limits);
  // A UTF-8 string is never shorter in bytes than in UTF-16 units, so the cheap check goes first.
  if (raw.length > l.maxBytes || byteLength(raw) > l.maxBytes)
    return { ok: false, error: "editor.errors.tooLarge" };
  if (raw.trim().length === 0) return { ok: false, error: "editor.errors.empty" };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, error: "editor.errors.invalid" };
  }
  return validateDoc(value, limits);
}

/** Plain text (the no-JavaScript textarea) to a clean document. */
export function parseRichTextPlain(raw: string, limits: RichTextLimits): DocValidation {
  const l = limitsOf(limits);
  if (raw.length > l.maxBytes || byteLength(raw) > l.maxBytes)
    return { ok: false, error: "editor.errors.tooLong" };
  // textToDoc output goes through the same validator, so control characters and caps apply alike.
  return validateDoc(textToDoc(raw), { ...limits, maxNodes: Math.max(l.maxNodes, l.maxBytes) });
}

/** A submitted value in either format, validated, with its HTML and plain text ready to store. */
export function readRichText(raw: string, format: RichTextFormat, limits: RichTextLimits): RichTextResult {
  const result = format === "json" ? parseRichTextJson(raw, limits) : parseRichTextPlain(raw, limits);
  if (!result.ok) return { ok: false, error: result.error, raw, format };
  return {
    ok: true,
    doc: result.doc,
    html: renderDocToHtml(result.doc),
    text: docToText(result.doc),
    raw,
    format,
  };
}

/**
 * Reads the RichTextEditor's field from a form: `<name>` holds the editor's JSON when `<name>Format` is
 * "json", otherwise plain text from the no-JavaScript textarea. `raw` and `format` go back to the form on
 * failure so nothing typed is lost.
 */
export function readRichTextField(form: FormData, name: string, limits: RichTextLimits): RichTextResult {
  const value = form.get(name);
  const format: RichTextFormat = form.get(`${name}Format`) === "json" ? "json" : "text";
  if (value !== null && typeof value !== "string") {
    return { ok: false, error: "editor.errors.invalid", raw: "", format };
  }
  return readRichText(value ?? "", format, limits);
}

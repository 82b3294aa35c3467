/**
 * Rich text is stored as Tiptap/ProseMirror JSON and rendered to HTML on the server only. Rendering escapes
 * every text and attribute, knows a fixed set of nodes and marks, and drops links that are not http(s) or
 * mailto. (Validating editor input against the allowed schema comes with the editor.)
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

/** Only these link targets are rendered as links; anything else (javascript:, data:, relative) as text. */
export function safeHref(href: unknown): string | undefined {
  if (typeof href !== "string") return undefined;
  const trimmed = href.trim();
  try {
    const url = new URL(trimmed);
    if (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "mailto:") return url.href;
  } catch {
    // not an absolute URL
  }
  return undefined;
}

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

/** The document's plain text, paragraphs separated by blank lines (for search and analysis). */
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

import { describe, expect, it } from "vitest";
import { readRichText, renderDocToHtml, validateDoc, type RichTextNode } from "./richtext.server.ts";
import {
  decodeHtmlEntities,
  findUnsafeHtml,
  tokenizeHtml,
  urlScheme,
  xssMarkupPayloads,
  xssPayloads,
  xssUrlPayloads,
} from "./xss-payloads.ts";

const limits = { maxChars: 10_000 };
const text = (value: string, marks?: unknown[]) => ({
  type: "text",
  text: value,
  ...(marks ? { marks } : {}),
});
const para = (...content: unknown[]) => ({ type: "paragraph", content });
const doc = (...content: unknown[]) => ({ type: "doc", content });

// The only markup renderDocToHtml may produce. Headings 1-6 because stored docs that bypassed validation
// are clamped, not refused; validated docs only ever hold 2-4.
const ALLOWED_TAG =
  /^<(?:p|\/p|h[1-6]|\/h[1-6]|ul|\/ul|ol(?: start="-?\d+")?|\/ol|li|\/li|strong|\/strong|em|\/em|br|\/a|a href="[^"<>]*" rel="nofollow noopener noreferrer")>$/;
const VOID = new Set(["br"]);
const ALLOWED_SCHEMES = new Set(["http:", "https:", "mailto:"]);

/**
 * Strict check of rendered rich text: the HTML is text with only the five escapes, and tags from a short
 * list, properly nested; every link's decoded href parses as an absolute http, https or mailto URL.
 */
function expectSafeRichHtml(html: string) {
  // The checks the issue names, on top of the grammar below.
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
  expect(html).not.toMatch(/href\s*=\s*["']?\s*(javascript|data|vbscript):/i);

  const stack: string[] = [];
  for (const part of html.split(/(<[^>]*>)/)) {
    if (part === "") continue;
    if (part.startsWith("<")) {
      expect(part, `unexpected markup in ${html}`).toMatch(ALLOWED_TAG);
      const name = /^<\/?([a-z0-9]+)/.exec(part)![1];
      if (part.startsWith("</")) expect(stack.pop(), `misnested ${part} in ${html}`).toBe(name);
      else if (!VOID.has(name)) stack.push(name);
      if (name === "a" && !part.startsWith("</")) {
        const href = decodeHtmlEntities(/href="([^"]*)"/.exec(part)![1]);
        expect(ALLOWED_SCHEMES.has(new URL(href).protocol), `link ${href}`).toBe(true);
        expect(urlScheme(href)).toMatch(/^(https?|mailto)$/);
      }
    } else {
      // Text: no raw angle brackets or quotes, and "&" only as one of the escapes the renderer writes.
      expect(part, `raw markup characters in text of ${html}`).not.toMatch(/[<>"']/);
      expect(part.replace(/&(amp|lt|gt|quot|#39);/g, ""), `bare & in ${html}`).not.toContain("&");
    }
  }
  expect(stack, `unclosed tags in ${html}`).toEqual([]);
  // And the generic checker every other XSS test uses agrees.
  expect(findUnsafeHtml(html)).toEqual([]);
}

/** Validates, renders, checks; returns the result for further assertions. */
function throughValidation(value: unknown) {
  const result = validateDoc(value, limits);
  if (result.ok) expectSafeRichHtml(renderDocToHtml(result.doc));
  return result;
}

/** Renders a document that never went through validation (a stored doc, a seed): must be safe all the same. */
function renderedRaw(value: unknown) {
  const html = renderDocToHtml(value as RichTextNode);
  expectSafeRichHtml(html);
  return html;
}

function unescapeText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

describe("the XSS corpus", () => {
  it("has at least a hundred distinct payloads, including the link schemes the issue names", () => {
    expect(new Set(xssPayloads).size).toBe(xssPayloads.length);
    expect(xssPayloads.length).toBeGreaterThanOrEqual(100);
    const joined = xssUrlPayloads.join("\n").toLowerCase();
    for (const needle of [
      "javascript:",
      "data:",
      "vbscript:",
      "java\tscript:",
      "&#106;avascript:",
      "//evil",
    ]) {
      expect(joined).toContain(needle);
    }
  });

  it("is recognised as hostile by the checker when inserted raw, so the checker can fail", () => {
    // Guard against a checker that passes everything: most markup payloads, pasted unescaped, are caught.
    const caught = xssMarkupPayloads.filter((p) => findUnsafeHtml(p).length > 0);
    expect(caught.length).toBeGreaterThan(xssMarkupPayloads.length * 0.7);
    // Browsers drop tabs and newlines inside URLs and leading spaces and controls; so does urlScheme.
    const scripting = /^[\u0000-\u0020]*(javascript|data|vbscript):/i;
    for (const p of xssUrlPayloads.filter((u) => scripting.test(u.replace(/[\t\n\r]/g, "")))) {
      expect(findUnsafeHtml(`<a href="${p.replace(/"/g, "&quot;")}">x</a>`), p).not.toEqual([]);
    }
    expect(() =>
      expectSafeRichHtml('<p><a href="javascript:alert(1)" rel="nofollow noopener noreferrer">x</a></p>'),
    ).toThrow();
    expect(() => expectSafeRichHtml("<p><img src=x onerror=alert(1)></p>")).toThrow();
    expect(() => expectSafeRichHtml("<p>a & b</p>")).toThrow();
    expect(() => expectSafeRichHtml("<p><strong>a</p></strong>")).toThrow();
  });
});

describe.each(xssPayloads.map((p, i) => [i, p] as const))("payload %i %j", (_i, payload) => {
  it("as text: accepted, escaped and shown exactly as typed", () => {
    const result = throughValidation(
      doc(para(text(payload)), { type: "heading", attrs: { level: 2 }, content: [text(payload)] }),
    );
    // Control characters are stripped on the way in; everything else survives as visible text.
    const visible = payload.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, "");
    if (visible.trim() === "") return expect(result.ok).toBe(false);
    expect(result.ok).toBe(true);
    if (result.ok) expect(unescapeText(renderDocToHtml(result.doc))).toBe(visible + visible);
  });

  it("as text in bold, italic and a list, and as plain text from the textarea", () => {
    throughValidation(
      doc({
        type: "bulletList",
        content: [
          { type: "listItem", content: [para(text(payload, [{ type: "bold" }, { type: "italic" }]))] },
        ],
      }),
    );
    const plain = readRichText(payload, "text", limits);
    if (plain.ok) {
      expectSafeRichHtml(plain.html);
      expect(plain.doc.content.every((n) => n.type === "paragraph")).toBe(true);
    }
  });

  it("as a link href: refused unless it is a real http(s)/mailto URL, and rendered safely either way", () => {
    const value = doc(para(text("σύνδεσμος", [{ type: "link", attrs: { href: payload } }])));
    const result = throughValidation(value);
    if (result.ok) {
      const href = (result.doc.content[0].content?.[0] as RichTextNode).marks?.[0].attrs?.href as string;
      expect(ALLOWED_SCHEMES.has(new URL(href).protocol)).toBe(true);
    } else {
      expect(result.error).toBe("editor.errors.badLink");
    }
    // Stored documents are rendered without validation: the renderer must hold the line on its own.
    renderedRaw(value);
    renderedRaw(doc(para(text(payload, [{ type: "link", attrs: { href: payload, onclick: payload } }]))));
  });

  it("as a node type: refused, and its markup never rendered", () => {
    const value = doc({ type: payload, attrs: { src: payload, href: payload }, content: [para(text("α"))] });
    expect(throughValidation(value)).toEqual({ ok: false, error: "editor.errors.invalid" });
    expect(renderedRaw(value)).toBe("<p>α</p>");
    expect(throughValidation(doc(para({ type: payload, text: payload })))).toMatchObject({ ok: false });
    renderedRaw(doc(para({ type: payload, text: payload })));
  });

  it("as a mark type: refused, and rendered as text only", () => {
    const value = doc(para(text("α", [{ type: payload, attrs: { href: payload } }])));
    expect(throughValidation(value)).toEqual({ ok: false, error: "editor.errors.invalid" });
    expect(renderedRaw(value)).toBe("<p>α</p>");
  });

  it("as attributes and attribute names: dropped", () => {
    const hostile = {
      [payload]: payload,
      onclick: payload,
      class: payload,
      style: payload,
      href: payload,
      src: payload,
    };
    const result = throughValidation(
      doc(
        { type: "paragraph", attrs: hostile, content: [text("α", [{ type: "bold", attrs: hostile }])] },
        { type: "heading", attrs: { ...hostile, level: 3 }, content: [text("β")] },
        {
          type: "orderedList",
          attrs: { ...hostile, start: 2 },
          content: [
            {
              type: "listItem",
              attrs: hostile,
              content: [para(text("γ"), { type: "hardBreak", attrs: hostile })],
            },
          ],
        },
        para(text("δ", [{ type: "link", attrs: { ...hostile, href: "https://example.gr/" } }])),
      ),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const json = JSON.stringify(result.doc);
    expect(json).not.toContain("onclick");
    expect(json).not.toContain('"class"');
    expect(json).not.toContain('"style"');
    expect(json).not.toContain('"src"');
    if (payload.length > 3) expect(json).not.toContain(JSON.stringify(payload).slice(1, -1));
  });

  it("as heading level and list start: refused, and harmless if stored anyway", () => {
    expect(
      throughValidation(doc({ type: "heading", attrs: { level: payload }, content: [text("α")] })).ok,
    ).toBe(false);
    expect(
      throughValidation(
        doc({
          type: "orderedList",
          attrs: { start: payload },
          content: [{ type: "listItem", content: [para(text("α"))] }],
        }),
      ).ok,
    ).toBe(false);
    renderedRaw(doc({ type: "heading", attrs: { level: payload }, content: [text(payload)] }));
    renderedRaw(
      doc({
        type: "orderedList",
        attrs: { start: payload },
        content: [{ type: "listItem", content: [para(text(payload))] }],
      }),
    );
  });

  it("as the whole submitted value claiming to be JSON: refused", () => {
    expect(readRichText(payload, "json", limits).ok).toBe(false);
  });
});

describe("tokenizeHtml", () => {
  it("reads attributes the way a browser does", () => {
    const [tag] = tokenizeHtml(`<img/src="x"/onerror=alert(1) alt='a"b' data-x = y>`);
    expect(tag).toMatchObject({
      kind: "tag",
      name: "img",
      attrs: [
        ["src", "x"],
        ["onerror", "alert(1)"],
        ["alt", 'a"b'],
        ["data-x", "y"],
      ],
    });
  });

  it("treats escaped markup as text and raw-text elements as opaque", () => {
    expect(tokenizeHtml("&lt;script&gt; a < b")).toEqual([{ kind: "text", text: "&lt;script&gt; a < b" }]);
    const tokens = tokenizeHtml('<textarea><img src=x onerror=alert(1)></textarea><b onclick="x">');
    expect(tokens.map((t) => t.kind)).toEqual(["tag", "text", "tag", "tag"]);
    expect(findUnsafeHtml("<textarea><img src=x onerror=alert(1)></textarea>")).toEqual([]);
    expect(findUnsafeHtml('<textarea></textarea><b onclick="x">')).not.toEqual([]);
  });

  it("decodes entities in URL attributes before judging the scheme", () => {
    expect(findUnsafeHtml('<a href="&#106;avascript:alert(1)">x</a>')).not.toEqual([]);
    expect(findUnsafeHtml('<a href="jav&#x09;ascript:alert(1)">x</a>')).not.toEqual([]);
    expect(findUnsafeHtml('<a href="javascript&colon;alert(1)">x</a>')).not.toEqual([]);
    expect(findUnsafeHtml('<a href="//evil.example">x</a>')).not.toEqual([]);
    expect(
      findUnsafeHtml('<a href="https://example.gr/?a=1&amp;b=2">x</a><a href="/consultations">y</a>'),
    ).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import {
  parseRichTextJson,
  readRichText,
  readRichTextField,
  RICH_TEXT_DEFAULT_LIMITS,
  validateDoc,
  type RichTextNode,
} from "./richtext.server.ts";

const limits = { maxChars: 1000 };
const text = (value: string, marks?: unknown[]) => ({
  type: "text",
  text: value,
  ...(marks ? { marks } : {}),
});
const para = (...content: unknown[]) => ({ type: "paragraph", content });
const doc = (...content: unknown[]) => ({ type: "doc", content });
const item = (...content: unknown[]) => ({ type: "listItem", content });
const link = (href: unknown, extra: Record<string, unknown> = {}) => ({
  type: "link",
  attrs: { href, ...extra },
});

function ok(value: unknown, l: Parameters<typeof validateDoc>[1] = limits) {
  const result = validateDoc(value, l);
  if (!result.ok) throw new Error(`expected a valid document, got ${result.error}`);
  return result.doc;
}

function refused(value: unknown, l: Parameters<typeof validateDoc>[1] = limits) {
  const result = validateDoc(value, l);
  return result.ok ? "accepted" : result.error;
}

describe("validateDoc: the editor's schema", () => {
  it("accepts every allowed node and mark and renders them", () => {
    const input = doc(
      { type: "heading", attrs: { level: 2 }, content: [text("Τίτλος")] },
      { type: "heading", attrs: { level: 3 }, content: [text("Υπότιτλος")] },
      { type: "heading", attrs: { level: 4 }, content: [text("Μικρός")] },
      para(
        text("έντονο", [{ type: "bold" }]),
        text(" "),
        text("πλάγιο", [{ type: "italic" }]),
        { type: "hardBreak" },
        text("σύνδεσμος", [link("https://example.gr/a?b=1")]),
        text(" "),
        text("mail", [link("mailto:info@example.gr")]),
        text(" "),
        text("http", [link("http://example.gr")]),
      ),
      {
        type: "bulletList",
        content: [item(para(text("α")), { type: "bulletList", content: [item(para(text("β")))] })],
      },
      { type: "orderedList", attrs: { start: 3 }, content: [item(para(text("γ")))] },
      { type: "orderedList", attrs: { start: 1 }, content: [item(para(text("δ")))] },
    );
    const result = readRichText(JSON.stringify(input), "json", limits);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.html).toBe(
      "<h2>Τίτλος</h2><h3>Υπότιτλος</h3><h4>Μικρός</h4>" +
        "<p><strong>έντονο</strong> <em>πλάγιο</em><br>" +
        '<a href="https://example.gr/a?b=1" rel="nofollow noopener noreferrer">σύνδεσμος</a> ' +
        '<a href="mailto:info@example.gr" rel="nofollow noopener noreferrer">mail</a> ' +
        '<a href="http://example.gr/" rel="nofollow noopener noreferrer">http</a></p>' +
        "<ul><li><p>α</p><ul><li><p>β</p></li></ul></li></ul>" +
        '<ol start="3"><li><p>γ</p></li></ol><ol><li><p>δ</p></li></ol>',
    );
    expect(result.text).toContain("Τίτλος\n\nΥπότιτλος");
    expect(result.format).toBe("json");
  });

  it("accepts what Tiptap actually sends and keeps only what it validated", () => {
    // Shapes copied from Tiptap 3's getJSON(): null attributes, the link's target/rel/class, empty paragraphs.
    const tiptap = {
      type: "doc",
      content: [
        { type: "paragraph", attrs: { textAlign: null } },
        {
          type: "paragraph",
          content: [
            {
              type: "text",
              marks: [
                { type: "bold" },
                {
                  type: "link",
                  attrs: {
                    href: "https://example.gr",
                    target: "_blank",
                    rel: "noopener noreferrer nofollow",
                    class: null,
                    title: null,
                  },
                },
              ],
              text: "Πρόταση",
            },
          ],
        },
        { type: "orderedList", attrs: { start: 1, type: null }, content: [item(para(text("ένα")))] },
      ],
    };
    expect(ok(tiptap)).toEqual({
      type: "doc",
      content: [
        {
          type: "paragraph",
          content: [
            {
              type: "text",
              text: "Πρόταση",
              marks: [{ type: "bold" }, { type: "link", attrs: { href: "https://example.gr/" } }],
            },
          ],
        },
        { type: "orderedList", content: [item(para(text("ένα")))] },
      ],
    });
  });

  it("drops attributes it does not know from every node and mark", () => {
    const hostile = { onclick: "alert(1)", class: "x", style: "color:red", target: "_blank", id: "main" };
    const clean = ok(
      doc(
        {
          ...para({
            ...text("α", [{ type: "bold", attrs: hostile }, link("https://a.gr", hostile)]),
            attrs: hostile,
          }),
          attrs: hostile,
        },
        {
          type: "heading",
          attrs: { level: 2, ...hostile },
          content: [{ type: "hardBreak", attrs: hostile }],
        },
        { type: "bulletList", attrs: hostile, content: [{ ...item(para(text("β"))), attrs: hostile }] },
        { type: "orderedList", attrs: { start: 2, ...hostile }, content: [item(para(text("γ")))] },
      ),
    );
    expect(JSON.stringify(clean)).not.toMatch(/onclick|class|style|target|main/);
    expect(clean.content[0]).toEqual(
      para(text("α", [{ type: "bold" }, { type: "link", attrs: { href: "https://a.gr/" } }])),
    );
    expect(clean.content[1]).toEqual({
      type: "heading",
      attrs: { level: 2 },
      content: [{ type: "hardBreak" }],
    });
    expect(clean.content[3]).toEqual({
      type: "orderedList",
      attrs: { start: 2 },
      content: [item(para(text("γ")))],
    });
  });

  it("drops empty paragraphs at the start and end, and keeps those between blocks", () => {
    const empty = { type: "paragraph" };
    expect(ok(doc(empty, para(), para(text("α")), empty, para(text("β")), empty, para()))).toEqual(
      doc(para(text("α")), para(), para(text("β"))),
    );
  });

  it("drops keys that are not part of a node (such as html) and duplicate marks", () => {
    const clean = ok(
      doc({
        type: "paragraph",
        html: "<script>",
        content: [{ ...text("α", [{ type: "bold" }, { type: "bold" }]), html: "<b>" }],
      }),
    );
    expect(clean).toEqual(doc(para(text("α", [{ type: "bold" }]))));
  });

  it.each([
    "blockquote",
    "codeBlock",
    "code",
    "horizontalRule",
    "image",
    "table",
    "iframe",
    "script",
    "html",
    "mention",
    "taskList",
    "__proto__",
    "constructor",
    "",
  ])("refuses the node type %j", (type) => {
    expect(refused(doc({ type, content: [para(text("α"))] }))).toBe("editor.errors.invalid");
    expect(refused(doc(para({ type, text: "α" })))).toBe("editor.errors.invalid");
  });

  it.each(["code", "strike", "underline", "textStyle", "highlight", "subscript", "script", "__proto__"])(
    "refuses the mark %j",
    (type) => {
      expect(refused(doc(para(text("α", [{ type }]))))).toBe("editor.errors.invalid");
    },
  );

  it.each([1, 5, 6, 0, -1, "2", 2.5, null, undefined, '2" onclick="x'])(
    "refuses heading level %j",
    (level) => {
      expect(refused(doc({ type: "heading", attrs: { level }, content: [text("α")] }))).toBe(
        "editor.errors.invalid",
      );
    },
  );

  it.each(["3", 1.5, 1e9, -1e9, NaN, '1" onclick="x', { n: 1 }])("refuses ordered list start %j", (start) => {
    expect(refused(doc({ type: "orderedList", attrs: { start }, content: [item(para(text("α")))] }))).toBe(
      "editor.errors.invalid",
    );
  });

  it("accepts ordered lists without a start and with negative or zero starts", () => {
    for (const attrs of [undefined, {}, { start: null }, { start: 1 }]) {
      expect(ok(doc({ type: "orderedList", attrs, content: [item(para(text("α")))] })).content[0]).toEqual({
        type: "orderedList",
        content: [item(para(text("α")))],
      });
    }
    expect(
      ok(doc({ type: "orderedList", attrs: { start: 0 }, content: [item(para(text("α")))] })),
    ).toBeTruthy();
    expect(
      ok(doc({ type: "orderedList", attrs: { start: -3 }, content: [item(para(text("α")))] })),
    ).toBeTruthy();
  });

  it.each([
    ["text at the top level", doc(text("α"))],
    ["a hard break at the top level", doc({ type: "hardBreak" })],
    ["a list item at the top level", doc(item(para(text("α"))))],
    ["a paragraph inside a paragraph", doc(para(para(text("α"))))],
    ["a list inside a paragraph", doc(para({ type: "bulletList", content: [item(para(text("α")))] }))],
    ["a paragraph directly in a list", doc({ type: "bulletList", content: [para(text("α"))] })],
    ["an empty list", doc({ type: "bulletList", content: [] })],
    ["an empty list item", doc({ type: "bulletList", content: [item()] })],
    ["text in a list item", doc({ type: "bulletList", content: [item(text("α"))] })],
    ["a nested doc", doc(doc(para(text("α"))))],
    ["text that is not a string", doc(para({ type: "text", text: 42 }))],
    ["text without text", doc(para({ type: "text" }))],
    ["content that is not an array", doc({ type: "paragraph", content: "α" })],
    ["content that is an object", doc({ type: "paragraph", content: { 0: text("α") } })],
    ["attrs that are not an object", doc({ type: "heading", attrs: "level=2", content: [text("α")] })],
    ["attrs that are an array", doc({ type: "heading", attrs: [2], content: [text("α")] })],
    ["marks that are not an array", doc(para({ type: "text", text: "α", marks: { type: "bold" } }))],
    ["a mark that is not an object", doc(para(text("α", ["bold"])))],
    ["a mark without a type", doc(para(text("α", [{ attrs: {} }])))],
    ["a node that is a string", doc("paragraph")],
    ["a node that is null", doc(null)],
    ["a node that is an array", doc([para(text("α"))])],
    ["a node without a type", doc({ content: [text("α")] })],
    ["a node type that is not a string", doc({ type: ["paragraph"], content: [text("α")] })],
  ])("refuses %s", (_label, value) => {
    expect(refused(value)).toBe("editor.errors.invalid");
  });

  it.each([
    null,
    undefined,
    1,
    "doc",
    [],
    {},
    { type: "paragraph", content: [] },
    { type: "DOC", content: [] },
  ])("refuses a root that is not a doc: %j", (value) => {
    expect(refused(value)).toBe("editor.errors.invalid");
  });

  it.each([
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "/relative",
    "relative/path",
    "//evil.example",
    "&#106;avascript:alert(1)",
    "ftp://example.gr",
    "file:///etc/passwd",
    "",
    "   ",
    42,
    null,
    undefined,
    ["https://example.gr"],
    `https://example.gr/${"a".repeat(2100)}`,
  ])("refuses the link %j with badLink", (href) => {
    expect(refused(doc(para(text("α", [link(href)]))))).toBe("editor.errors.badLink");
  });

  it("refuses a link mark without attrs", () => {
    expect(refused(doc(para(text("α", [{ type: "link" }]))))).toBe("editor.errors.badLink");
  });

  it("normalises the hrefs it keeps", () => {
    const clean = ok(doc(para(text("α", [link('  HTTPS://Example.GR/a b?q="x"  ')]))));
    const mark = (clean.content[0].content?.[0] as RichTextNode).marks?.[0];
    expect(mark).toEqual({ type: "link", attrs: { href: "https://example.gr/a%20b?q=%22x%22" } });
  });

  it("strips control characters and NUL (which PostgreSQL refuses) and drops text nodes left empty", () => {
    const clean = ok(doc(para(text("α\u0000β\u0007γ\u001bδ\u007f"), text("\u0000\u0001"), text("ε\tζ"))));
    expect(clean).toEqual(doc(para(text("αβγδ"), text("ε\tζ"))));
  });

  it("replaces lone surrogates but keeps real pairs", () => {
    const clean = ok(doc(para(text("α\ud800β😀\udc00"))));
    expect(clean).toEqual(doc(para(text("αβ😀"))));
  });
});

describe("validateDoc: empty documents", () => {
  it.each([
    ["no content", { type: "doc" }],
    ["an empty content", doc()],
    ["an empty paragraph", doc({ type: "paragraph" })],
    ["spaces only", doc(para(text("   \t ")))],
    ["non-breaking and ideographic spaces", doc(para(text("\u00a0\u3000")))],
    ["hard breaks only", doc(para({ type: "hardBreak" }, { type: "hardBreak" }))],
    [
      "an empty heading and list",
      doc({ type: "heading", attrs: { level: 2 } }, { type: "bulletList", content: [item(para())] }),
    ],
    ["control characters only", doc(para(text("\u0000\u0001")))],
  ])("calls %s empty", (_label, value) => {
    expect(refused(value)).toBe("editor.errors.empty");
  });
});

describe("validateDoc: limits", () => {
  it("allows exactly maxChars characters and refuses one more", () => {
    expect(refused(doc(para(text("α".repeat(10)))), { maxChars: 10 })).toBe("accepted");
    expect(refused(doc(para(text("α".repeat(11)))), { maxChars: 10 })).toBe("editor.errors.tooLong");
    expect(refused(doc(para(text("α".repeat(6))), para(text("β".repeat(5)))), { maxChars: 10 })).toBe(
      "editor.errors.tooLong",
    );
  });

  it("counts an emoji as one character, as people do", () => {
    expect(refused(doc(para(text("😀".repeat(10)))), { maxChars: 10 })).toBe("accepted");
  });

  it("checks emptiness before length", () => {
    expect(refused(doc(para(text(" ".repeat(50)))), { maxChars: 10 })).toBe("editor.errors.empty");
  });

  it("caps the number of nodes", () => {
    const many = doc(...Array.from({ length: 60 }, () => para(text("α"), { type: "hardBreak" })));
    expect(refused(many, { maxChars: 1000, maxNodes: 100 })).toBe("editor.errors.tooLarge");
    expect(refused(many, { maxChars: 1000, maxNodes: 200 })).toBe("accepted");
    const atDefault = doc(
      ...Array.from({ length: RICH_TEXT_DEFAULT_LIMITS.maxNodes }, () => para(text("α"))),
    );
    expect(refused(atDefault, { maxChars: 100_000 })).toBe("editor.errors.tooLarge");
  });

  it("caps nesting depth", () => {
    const nest = (levels: number): unknown =>
      levels === 0 ? para(text("α")) : { type: "bulletList", content: [item(nest(levels - 1))] };
    // Each list level is two nodes deep (list, item); the paragraph and its text add two more.
    expect(refused(doc(nest(5)), { maxChars: 100, maxDepth: 12 })).toBe("accepted");
    expect(refused(doc(nest(6)), { maxChars: 100, maxDepth: 12 })).toBe("editor.errors.tooDeep");
    expect(refused(doc(nest(100)), limits)).toBe("editor.errors.tooDeep");
  });

  it("refuses oversized JSON before parsing it", () => {
    expect(parseRichTextJson("x".repeat(200_001), limits)).toEqual({
      ok: false,
      error: "editor.errors.tooLarge",
    });
    // Greek letters are two bytes each in UTF-8: 100,001 of them exceed 200 KB.
    const greek = JSON.stringify(doc(para(text("α".repeat(100_001)))));
    expect(parseRichTextJson(greek, { maxChars: 1_000_000 })).toEqual({
      ok: false,
      error: "editor.errors.tooLarge",
    });
    expect(
      parseRichTextJson(JSON.stringify(doc(para(text("α".repeat(20))))), { maxChars: 10, maxBytes: 50 }),
    ).toEqual({
      ok: false,
      error: "editor.errors.tooLarge",
    });
  });

  it("survives JSON nested far deeper than any stack", () => {
    const deep = '{"type":"doc","content":' + "[".repeat(50_000) + "]".repeat(50_000) + "}";
    expect(parseRichTextJson(deep, limits).ok).toBe(false);
    let nested = '{"type":"paragraph","content":[{"type":"text","text":"α"}]}';
    for (let i = 0; i < 3000; i++)
      nested = `{"type":"bulletList","content":[{"type":"listItem","content":[${nested}]}]}`;
    expect(parseRichTextJson(`{"type":"doc","content":[${nested}]}`, limits)).toEqual({
      ok: false,
      error: "editor.errors.tooDeep",
    });
  });

  it("validates a large legitimate document quickly", () => {
    const big = JSON.stringify(
      doc(
        ...Array.from({ length: 400 }, (_, i) =>
          para(
            text(`Παράγραφος ${i} `),
            text("με έντονα", [{ type: "bold" }]),
            text(" και σύνδεσμο", [link("https://example.gr")]),
          ),
        ),
      ),
    );
    const started = performance.now();
    for (let i = 0; i < 10; i++) expect(parseRichTextJson(big, { maxChars: 20_000 }).ok).toBe(true);
    expect((performance.now() - started) / 10).toBeLessThan(25);
  });
});

describe("parseRichTextJson: malformed input", () => {
  it.each(["", "   ", "\n"])("calls %j empty", (raw) => {
    expect(parseRichTextJson(raw, limits)).toEqual({ ok: false, error: "editor.errors.empty" });
  });

  it.each([
    "{",
    "null",
    "[]",
    "1",
    '"doc"',
    "true",
    "{'type':'doc'}",
    '{"type":"doc","content":[}',
    "<p>html</p>",
    "<script>alert(1)</script>",
    "Απλό κείμενο",
    '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"α"}]}]}trailing',
    '{"__proto__":{"type":"doc"},"content":[]}',
  ])("refuses %j as invalid", (raw) => {
    expect(parseRichTextJson(raw, limits)).toEqual({ ok: false, error: "editor.errors.invalid" });
  });

  it("is not fooled by __proto__ keys", () => {
    const raw =
      '{"type":"doc","content":[{"type":"paragraph","__proto__":{"onclick":"x"},"content":[{"type":"text","text":"α"}]}]}';
    const result = parseRichTextJson(raw, limits);
    expect(result).toEqual({ ok: true, doc: doc(para(text("α"))) });
    expect(({} as Record<string, unknown>).onclick).toBeUndefined();
  });
});

describe("readRichTextField", () => {
  const form = (entries: Record<string, string | Blob>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(entries)) f.set(k, v);
    return f;
  };
  const json = JSON.stringify(doc(para(text("Γεια "), text("σας", [{ type: "bold" }]))));

  it("reads the editor's JSON when the format field says json", () => {
    const result = readRichTextField(form({ body: json, bodyFormat: "json" }), "body", limits);
    expect(result).toEqual({
      ok: true,
      doc: doc(para(text("Γεια "), text("σας", [{ type: "bold" }]))),
      html: "<p>Γεια <strong>σας</strong></p>",
      text: "Γεια σας",
      raw: json,
      format: "json",
    });
  });

  it("reads plain text from the no-JavaScript textarea, which sends no format", () => {
    const result = readRichTextField(
      form({ body: "Πρώτη <b>γραμμή</b>\nδεύτερη\n\nΝέα παράγραφος" }),
      "body",
      limits,
    );
    expect(result).toMatchObject({
      ok: true,
      html: "<p>Πρώτη &lt;b&gt;γραμμή&lt;/b&gt;<br>δεύτερη</p><p>Νέα παράγραφος</p>",
      text: "Πρώτη <b>γραμμή</b>\nδεύτερη\n\nΝέα παράγραφος",
      format: "text",
    });
  });

  it("treats JSON as plain text when the format is not json, so nothing is interpreted", () => {
    const result = readRichTextField(form({ body: json, bodyFormat: "html" }), "body", limits);
    expect(result.ok && result.format === "text" && result.text === json).toBe(true);
  });

  it("gives the raw value and format back on failure, so the form can show them again", () => {
    const tooLong = JSON.stringify(doc(para(text("α".repeat(11)))));
    expect(readRichTextField(form({ body: tooLong, bodyFormat: "json" }), "body", { maxChars: 10 })).toEqual({
      ok: false,
      error: "editor.errors.tooLong",
      raw: tooLong,
      format: "json",
    });
    expect(readRichTextField(form({ body: "α".repeat(11) }), "body", { maxChars: 10 })).toEqual({
      ok: false,
      error: "editor.errors.tooLong",
      raw: "α".repeat(11),
      format: "text",
    });
  });

  it("calls a missing or blank field empty", () => {
    expect(readRichTextField(form({}), "body", limits)).toMatchObject({
      ok: false,
      error: "editor.errors.empty",
      raw: "",
    });
    expect(readRichTextField(form({ body: " \n\n \t" }), "body", limits)).toMatchObject({
      ok: false,
      error: "editor.errors.empty",
    });
    expect(readRichTextField(form({ body: "", bodyFormat: "json" }), "body", limits)).toMatchObject({
      ok: false,
      error: "editor.errors.empty",
    });
  });

  it("refuses a file upload in place of the text", () => {
    const result = readRichTextField(form({ body: new Blob(["α"]), bodyFormat: "json" }), "body", limits);
    expect(result).toEqual({ ok: false, error: "editor.errors.invalid", raw: "", format: "json" });
  });

  it("refuses huge plain text as too long before splitting it", () => {
    const result = readRichTextField(form({ body: "α\n".repeat(150_000) }), "body", { maxChars: 10 });
    expect(result).toMatchObject({ ok: false, error: "editor.errors.tooLong" });
  });

  it("accepts plain text with many short lines (the node cap is for editor JSON)", () => {
    const lines = Array.from({ length: 4000 }, (_, i) => `${i}`).join("\n");
    expect(readRichTextField(form({ body: lines }), "body", { maxChars: 20_000 }).ok).toBe(true);
  });

  it("strips NUL from plain text", () => {
    const result = readRichTextField(form({ body: "α\u0000β" }), "body", limits);
    expect(result.ok && result.text).toBe("αβ");
  });
});

import { describe, expect, it } from "vitest";
import { docToText, renderDocToHtml, textToDoc, type RichTextDoc } from "./richtext.server.ts";

const doc = (...content: RichTextDoc["content"]): RichTextDoc => ({ type: "doc", content });
const para = (...content: RichTextDoc["content"]) => ({ type: "paragraph", content });
const text = (value: string, marks?: { type: string; attrs?: Record<string, unknown> }[]) => ({
  type: "text",
  text: value,
  ...(marks ? { marks } : {}),
});

describe("renderDocToHtml", () => {
  it("escapes every character that could open markup in text", () => {
    const html = renderDocToHtml(doc(para(text(`<script>alert("x")</script> & 'y'`))));
    expect(html).toBe("<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</p>");
  });

  it("escapes text inside marks, headings and lists", () => {
    const html = renderDocToHtml(
      doc(
        { type: "heading", attrs: { level: 2 }, content: [text("<b>Τίτλος</b>")] },
        {
          type: "bulletList",
          content: [
            { type: "listItem", content: [para(text("<img src=x onerror=alert(1)>", [{ type: "bold" }]))] },
          ],
        },
      ),
    );
    expect(html).toBe(
      "<h2>&lt;b&gt;Τίτλος&lt;/b&gt;</h2><ul><li><p><strong>&lt;img src=x onerror=alert(1)&gt;</strong></p></li></ul>",
    );
    expect(html).not.toContain("<img");
  });

  it("renders paragraphs, headings, ordered lists and bold/italic marks", () => {
    const html = renderDocToHtml(
      doc(
        { type: "heading", attrs: { level: 3 }, content: [text("Άρθρο 1")] },
        para(text("έντονο", [{ type: "bold" }]), text(" και "), text("πλάγιο", [{ type: "italic" }])),
        {
          type: "orderedList",
          attrs: { start: 3 },
          content: [{ type: "listItem", content: [para(text("τρίτο"))] }],
        },
      ),
    );
    expect(html).toBe(
      '<h3>Άρθρο 1</h3><p><strong>έντονο</strong> και <em>πλάγιο</em></p><ol start="3"><li><p>τρίτο</p></li></ol>',
    );
  });

  it("keeps http, https and mailto links and escapes their href", () => {
    const html = renderDocToHtml(
      doc(para(text("δες", [{ type: "link", attrs: { href: 'https://example.org/?a=1&b="2"' } }]))),
    );
    expect(html).toBe(
      '<p><a href="https://example.org/?a=1&amp;b=%222%22" rel="nofollow noopener noreferrer">δες</a></p>',
    );
    expect(
      renderDocToHtml(doc(para(text("mail", [{ type: "link", attrs: { href: "mailto:a@b.gr" } }])))),
    ).toContain('href="mailto:a@b.gr"');
  });

  it("drops links with other schemes but keeps their text", () => {
    for (const href of [
      "javascript:alert(1)",
      " JavaScript:alert(1)",
      "data:text/html,<b>x</b>",
      "/relative",
      "vbscript:x",
    ]) {
      const html = renderDocToHtml(doc(para(text("κλικ", [{ type: "link", attrs: { href } }]))));
      expect(html).toBe("<p>κλικ</p>");
    }
  });

  it("renders unknown nodes as their escaped content only, and ignores unknown attributes", () => {
    const html = renderDocToHtml(
      doc({
        type: "iframe",
        attrs: { src: "https://evil.example" },
        content: [para(text("<x>"))],
      } as RichTextDoc["content"][number]),
    );
    expect(html).toBe("<p>&lt;x&gt;</p>");
  });

  it("clamps heading levels", () => {
    expect(renderDocToHtml(doc({ type: "heading", attrs: { level: 9 }, content: [text("a")] }))).toBe(
      "<h6>a</h6>",
    );
    expect(
      renderDocToHtml(doc({ type: "heading", attrs: { level: '1 onclick="x"' }, content: [text("a")] })),
    ).toBe("<h2>a</h2>");
  });
});

describe("textToDoc", () => {
  it("splits paragraphs on blank lines and keeps single line breaks", () => {
    const d = textToDoc("Πρώτη παράγραφος.\n\n  Δεύτερη\nγραμμή  \n\n\n");
    expect(d).toEqual({
      type: "doc",
      content: [
        { type: "paragraph", content: [{ type: "text", text: "Πρώτη παράγραφος." }] },
        {
          type: "paragraph",
          content: [
            { type: "text", text: "Δεύτερη" },
            { type: "hardBreak" },
            { type: "text", text: "γραμμή" },
          ],
        },
      ],
    });
    expect(renderDocToHtml(d)).toBe("<p>Πρώτη παράγραφος.</p><p>Δεύτερη<br>γραμμή</p>");
  });

  it("round-trips to plain text", () => {
    const source = "Α & Β <όχι ετικέτα>.\n\nΓ.";
    expect(docToText(textToDoc(source))).toBe(source);
    expect(renderDocToHtml(textToDoc(source))).toBe("<p>Α &amp; Β &lt;όχι ετικέτα&gt;.</p><p>Γ.</p>");
  });
});

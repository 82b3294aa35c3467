/**
 * The rich-text field (Tiptap). Without JavaScript, and until the page hydrates, it is a plain labelled
 * <textarea name={name}>; the server reads it as plain text. Once the editor runs, it replaces the textarea
 * and sends its JSON in a hidden `<name>` input with `<name>Format` = "json". The server validates that
 * JSON (app/domain/richtext/richtext.server.ts: readRichTextField), so nothing here is trusted.
 */
import { EditorContent, useEditor, useEditorState, type Editor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import {
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  type ReactNode,
} from "react";
import {
  countChars,
  linkHrefFromInput,
  parseDocLoosely,
  richTextToPlainText,
  textToDoc,
  type RichTextDoc,
} from "~/domain/richtext/richtext.ts";
import { formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import {
  DRAFT_SAVE_DELAY_MS,
  readDraft,
  removeDraft,
  useAfterSuccessfulSubmit,
  writeDraft,
} from "./use-form-draft.ts";

export type RichTextEditorProps = {
  /** Form field name; the format goes in `<name>Format`. */
  name: string;
  /** Visible label (already translated). */
  label: string;
  /** Id of the editable element (and of the fallback textarea), e.g. for an error summary's link. */
  id?: string;
  /** A failed submit's raw value, or an existing document's JSON string. */
  defaultValue?: string;
  /** How to read defaultValue; guessed from its content when omitted. */
  defaultFormat?: "json" | "text";
  /** Error message, already translated. */
  error?: string;
  /** Hint, already translated. */
  hint?: string;
  /** The server's limit; the counter counts the way the server does. */
  maxChars: number;
  /** Save drafts in this browser under this key (name the person and the thing being written). */
  draftKey?: string;
  required?: boolean;
};

const EMPTY_DOC: RichTextDoc = { type: "doc", content: [{ type: "paragraph" }] };
/** The counter is read out only near the limit, and only once typing pauses. */
const ANNOUNCE_FROM = 0.8;
const ANNOUNCE_DELAY_MS = 1000;

type RichTextDraft = { doc: RichTextDoc };

function initialDocOf(
  value: string | undefined,
  format: "json" | "text" | undefined,
): RichTextDoc | undefined {
  if (!value) return undefined;
  if (format !== "text") {
    const doc = parseDocLoosely(value);
    if (doc) return doc;
    if (format === "json") return undefined;
  }
  return textToDoc(value);
}

function isEmptyDoc(doc: RichTextDoc): boolean {
  return countChars(doc) === 0;
}

/** The link rule (http, https, mailto) is the server's; Tiptap's own default would also let ftp: or tel: in. */
function allowedLink(url: string): boolean {
  return linkHrefFromInput(url) !== undefined;
}

function createExtensions() {
  return [
    StarterKit.configure({
      blockquote: false,
      code: false,
      codeBlock: false,
      horizontalRule: false,
      strike: false,
      underline: false,
      heading: { levels: [2, 3, 4] },
      link: {
        openOnClick: false,
        autolink: true,
        linkOnPaste: true,
        defaultProtocol: "https",
        protocols: [],
        HTMLAttributes: { target: null, rel: "nofollow noopener noreferrer", class: null },
        isAllowedUri: allowedLink,
        shouldAutoLink: allowedLink,
      },
    }),
  ];
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex], [contenteditable="true"]';

/** Moves focus to the next (or previous) focusable element: Tab's job, when Tab itself indents lists. */
function focusNeighbour(from: HTMLElement, backwards: boolean) {
  const all = Array.from(document.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => el === from || (el.tabIndex >= 0 && el.getClientRects().length > 0),
  );
  const index = all.indexOf(from);
  all[backwards ? index - 1 : index + 1]?.focus();
}

function isMacLike(): boolean {
  return (
    typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
  );
}

const icon = (children: ReactNode) => (
  <svg
    aria-hidden="true"
    focusable="false"
    width="20"
    height="20"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth="2"
    strokeLinecap="round"
    strokeLinejoin="round"
  >
    {children}
  </svg>
);

const ICONS = {
  bulletList: icon(
    <>
      <circle cx="4.5" cy="6" r="1.2" fill="currentColor" />
      <circle cx="4.5" cy="12" r="1.2" fill="currentColor" />
      <circle cx="4.5" cy="18" r="1.2" fill="currentColor" />
      <path d="M9 6h11M9 12h11M9 18h11" />
    </>,
  ),
  orderedList: icon(
    <>
      <path d="M4 4.5h1.5V9M3.5 9h3.5M3.5 14.5c.5-.8 3-1 3 .6 0 1.2-3 2.3-3 3.9h3.2" strokeWidth="1.5" />
      <path d="M10 6h10M10 12h10M10 18h10" />
    </>,
  ),
  link: icon(
    <>
      <path d="M10 14a4.5 4.5 0 0 0 6.4 0l3-3a4.5 4.5 0 0 0-6.4-6.4l-1.2 1.2" />
      <path d="M14 10a4.5 4.5 0 0 0-6.4 0l-3 3a4.5 4.5 0 0 0 6.4 6.4l1.2-1.2" />
    </>,
  ),
  unlink: icon(
    <>
      <path d="M15.5 12.5l3.5-3.5a4.5 4.5 0 0 0-6.4-6.4L11 4.2M8.5 11.5L5 15a4.5 4.5 0 0 0 6.4 6.4l1.6-1.6" />
      <path d="M3 3l18 18" />
    </>,
  ),
  undo: icon(<path d="M9 14L4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11" />),
  redo: icon(<path d="M15 14l5-5-5-5M20 9H9.5a5.5 5.5 0 0 0 0 11H13" />),
};

function toolbarState(e: Editor) {
  return {
    bold: e.isActive("bold"),
    italic: e.isActive("italic"),
    h2: e.isActive("heading", { level: 2 }),
    h3: e.isActive("heading", { level: 3 }),
    bulletList: e.isActive("bulletList"),
    orderedList: e.isActive("orderedList"),
    link: e.isActive("link"),
    canUndo: e.can().undo(),
    canRedo: e.can().redo(),
  };
}

type ToolbarItem = {
  key: string;
  label: string;
  content: ReactNode;
  onClick: () => void;
  pressed?: boolean;
  disabled?: boolean;
  shortcut?: string;
  /** Keep the caret in the text while clicking (formatting); not for buttons that open the link box. */
  keepFocus?: boolean;
  expanded?: boolean;
  controls?: string;
  wide?: boolean;
};

function Toolbar({ label, controls, items }: { label: string; controls: string; items: ToolbarItem[] }) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const [current, setCurrent] = useState(0);
  const mod = isMacLike() ? "⌘" : "Ctrl";

  // One tab stop for the whole toolbar; arrows move between buttons (the WAI-ARIA toolbar pattern).
  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const buttons = Array.from(ref.current?.querySelectorAll<HTMLButtonElement>("button.rte-button") ?? []);
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (index === -1) return;
    let next = index;
    if (event.key === "ArrowRight") next = (index + 1) % buttons.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + buttons.length) % buttons.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = buttons.length - 1;
    else return;
    event.preventDefault();
    buttons[next].focus();
    setCurrent(next);
  };

  const keepFocus = (event: ReactMouseEvent) => event.preventDefault();

  return (
    <div
      className="rte-toolbar"
      role="toolbar"
      aria-label={label}
      aria-controls={controls}
      ref={ref}
      onKeyDown={onKeyDown}
    >
      {items.map((item, i) => (
        <button
          key={item.key}
          type="button"
          className={item.wide ? "rte-button rte-button-wide" : "rte-button"}
          tabIndex={i === current ? 0 : -1}
          aria-pressed={item.pressed}
          aria-disabled={item.disabled ? true : undefined}
          aria-expanded={item.expanded}
          aria-controls={item.expanded ? item.controls : undefined}
          title={
            item.shortcut
              ? t("editor.toolbar.withShortcut", {
                  action: item.label,
                  keys: item.shortcut.replace("Mod", mod),
                })
              : item.label
          }
          onMouseDown={item.keepFocus ? keepFocus : undefined}
          onFocus={() => setCurrent(i)}
          onClick={() => {
            if (!item.disabled) item.onClick();
          }}
        >
          {item.content}
        </button>
      ))}
    </div>
  );
}

/** A rich-text field with a plain-textarea fallback; see the file comment for the wire format. */
export function RichTextEditor({
  name,
  label,
  id,
  defaultValue,
  defaultFormat,
  error,
  hint,
  maxChars,
  draftKey,
  required,
}: RichTextEditorProps) {
  const t = useT();
  const locale = useLocale();
  const auto = useId();
  const baseId = id ?? `${name}-${auto.replace(/:/g, "")}`;
  const ids = {
    label: `${baseId}-label`,
    hint: `${baseId}-hint`,
    error: `${baseId}-error`,
    counter: `${baseId}-counter`,
    help: `${baseId}-help`,
    link: `${baseId}-link`,
    linkLabel: `${baseId}-link-label`,
    linkHint: `${baseId}-link-hint`,
    linkError: `${baseId}-link-error`,
  };

  const initialDoc = useMemo(() => initialDocOf(defaultValue, defaultFormat), [defaultValue, defaultFormat]);
  const initialText = useMemo(
    () => richTextToPlainText(defaultValue, defaultFormat),
    [defaultValue, defaultFormat],
  );
  const extensions = useMemo(createExtensions, []);

  const wrapperRef = useRef<HTMLDivElement>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const typedBeforeEditor = useRef<string | null>(null);
  const initialisedFor = useRef<Editor | null>(null);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const announceTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const escapePressed = useRef(false);
  const openLinkRef = useRef<() => void>(() => {});

  const [json, setJson] = useState(() => JSON.stringify(initialDoc ?? EMPTY_DOC));
  const [count, setCount] = useState(() => (initialDoc ? countChars(initialDoc) : 0));
  const [announcement, setAnnouncement] = useState("");
  const [restoredAt, setRestoredAt] = useState<number | null>(null);
  const [draftMessage, setDraftMessage] = useState("");
  const [linkOpen, setLinkOpen] = useState(false);
  const [linkValue, setLinkValue] = useState("");
  const [linkError, setLinkError] = useState<string | null>(null);
  const linkInputRef = useRef<HTMLInputElement>(null);

  const counterText = useCallback(
    (n: number) =>
      n > maxChars
        ? t("editor.counter.over", { count: n - maxChars })
        : t("editor.counter.remaining", { count: maxChars - n }),
    [maxChars, t],
  );

  const saveDraft = useCallback(
    (editor: Editor) => {
      if (saveTimer.current) clearTimeout(saveTimer.current);
      saveTimer.current = null;
      if (!draftKey || editor.isDestroyed) return;
      const doc = editor.getJSON() as RichTextDoc;
      if (isEmptyDoc(doc)) removeDraft("richtext", draftKey);
      else writeDraft<RichTextDraft>("richtext", draftKey, { doc });
    },
    [draftKey],
  );

  /** Mirrors the content into the hidden field and the counter; `typed` also schedules the announcement and draft. */
  const onContentChange = (editor: Editor, typed = true) => {
    const doc = editor.getJSON() as RichTextDoc;
    setJson(JSON.stringify(doc));
    const n = countChars(doc);
    setCount(n);
    if (!typed) return;
    if (announceTimer.current) clearTimeout(announceTimer.current);
    announceTimer.current = setTimeout(() => {
      if (n >= maxChars * ANNOUNCE_FROM) setAnnouncement(counterText(n));
    }, ANNOUNCE_DELAY_MS);
    if (draftKey) {
      if (saveTimer.current) clearTimeout(saveTimer.current);
      saveTimer.current = setTimeout(() => saveDraft(editor), DRAFT_SAVE_DELAY_MS);
    }
  };

  const describedBy = [hint ? ids.hint : null, error ? ids.error : null, ids.counter, ids.help]
    .filter(Boolean)
    .join(" ");
  const attributes: Record<string, string> = {
    id: baseId,
    class: "rte-content",
    role: "textbox",
    "aria-multiline": "true",
    "aria-labelledby": ids.label,
    "aria-describedby": describedBy,
    spellcheck: "true",
  };
  if (error) attributes["aria-invalid"] = "true";
  if (required) attributes["aria-required"] = "true";

  const editor = useEditor({
    immediatelyRender: false,
    // Our stylesheet carries ProseMirror's few needed rules; no inline <style> (keeps a strict CSP possible).
    injectCSS: false,
    extensions,
    content: initialDoc ?? "",
    editorProps: {
      attributes,
      handleKeyDown: (view, event) => {
        if (event.key === "Escape") {
          escapePressed.current = true;
          return false;
        }
        if (event.key === "Tab" && escapePressed.current) {
          // Esc then Tab leaves the editor even inside a list, where Tab alone indents.
          escapePressed.current = false;
          focusNeighbour(view.dom as HTMLElement, event.shiftKey);
          return true;
        }
        escapePressed.current = false;
        if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.code === "KeyK") {
          openLinkRef.current();
          return true;
        }
        return false;
      },
    },
    onUpdate: ({ editor: e }) => onContentChange(e),
  });

  // Anything typed into the textarea before the editor took over is carried into the editor.
  useEffect(() => {
    const textarea = textareaRef.current;
    if (textarea && textarea.value !== textarea.defaultValue) typedBeforeEditor.current = textarea.value;
  }, []);

  useEffect(() => {
    if (!editor || initialisedFor.current === editor) return;
    initialisedFor.current = editor;
    if (typedBeforeEditor.current !== null) {
      editor.commands.setContent(textToDoc(typedBeforeEditor.current));
    } else if (draftKey && !defaultValue) {
      const draft = readDraft<RichTextDraft>("richtext", draftKey);
      const doc = draft?.data?.doc && parseDocLoosely(JSON.stringify(draft.data.doc));
      if (draft && doc && !isEmptyDoc(doc)) {
        editor.commands.setContent(doc, { emitUpdate: false });
        setRestoredAt(draft.savedAt);
      }
    }
    onContentChange(editor, false);
    // Runs once, when the editor first exists; the values it reads are the mount-time ones on purpose.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editor]);

  // Save a pending draft when the page is hidden or left, and at submit time.
  useEffect(() => {
    if (!editor || !draftKey) return;
    const flush = () => {
      if (saveTimer.current) saveDraft(editor);
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") flush();
    };
    const form = wrapperRef.current?.closest("form");
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", onVisibility);
    form?.addEventListener("submit", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      document.removeEventListener("visibilitychange", onVisibility);
      form?.removeEventListener("submit", flush);
      flush();
    };
  }, [editor, draftKey, saveDraft]);

  // A form reset (e.g. after a comment was posted) empties the editor too.
  useEffect(() => {
    const form = wrapperRef.current?.closest("form");
    if (!form || !editor) return;
    const onReset = () => {
      editor.commands.setContent(initialDoc ?? EMPTY_DOC);
      setRestoredAt(null);
    };
    form.addEventListener("reset", onReset);
    return () => form.removeEventListener("reset", onReset);
  }, [editor, initialDoc]);

  useEffect(
    () => () => {
      if (announceTimer.current) clearTimeout(announceTimer.current);
    },
    [],
  );

  const getForm = useCallback(() => wrapperRef.current?.closest("form") ?? null, []);
  useAfterSuccessfulSubmit(getForm, () => {
    if (saveTimer.current) clearTimeout(saveTimer.current);
    saveTimer.current = null;
    if (draftKey) removeDraft("richtext", draftKey);
  });

  // useEditorState reports only after the editor's first transaction; until then, read the editor directly.
  const watched = useEditorState({
    editor,
    selector: ({ editor: e }) => (e ? toolbarState(e) : null),
  });
  const active = watched ?? (editor ? toolbarState(editor) : null);

  const openLink = useCallback(() => {
    if (!editor) return;
    const href: unknown = editor.getAttributes("link").href;
    setLinkValue(typeof href === "string" ? href : "");
    setLinkError(null);
    setLinkOpen(true);
  }, [editor]);
  useEffect(() => {
    openLinkRef.current = openLink;
  }, [openLink]);
  useEffect(() => {
    if (linkOpen) linkInputRef.current?.focus();
  }, [linkOpen]);

  const closeLink = () => {
    setLinkOpen(false);
    setLinkError(null);
    editor?.commands.focus();
  };

  const applyLink = () => {
    if (!editor) return;
    const href = linkHrefFromInput(linkValue);
    if (!href) {
      setLinkError(t("editor.link.invalid"));
      linkInputRef.current?.focus();
      return;
    }
    if (editor.state.selection.empty && !editor.isActive("link")) {
      // Nothing selected: the address itself becomes the link's text.
      editor
        .chain()
        .focus()
        .insertContent({ type: "text", text: linkValue.trim(), marks: [{ type: "link", attrs: { href } }] })
        .unsetMark("link")
        .run();
    } else {
      editor.chain().focus().extendMarkRange("link").setLink({ href }).run();
    }
    setLinkOpen(false);
    setLinkError(null);
  };

  const removeLink = () => {
    editor?.chain().focus().extendMarkRange("link").unsetLink().run();
    setLinkOpen(false);
    setLinkError(null);
  };

  const discardDraft = () => {
    editor
      ?.chain()
      .setContent(initialDoc ?? EMPTY_DOC)
      .focus()
      .run();
    // setContent scheduled a (debounced) save of what is now shown: cancel it, then forget the draft.
    if (saveTimer.current) clearTimeout(saveTimer.current);
    saveTimer.current = null;
    if (draftKey) removeDraft("richtext", draftKey);
    setRestoredAt(null);
    setDraftMessage(t("editor.draft.discarded"));
  };

  const over = count > maxChars;
  const errorBlock = error ? (
    <p className="field-error" id={ids.error}>
      {error}
    </p>
  ) : null;
  const hintBlock = hint ? (
    <p className="hint" id={ids.hint}>
      {hint}
    </p>
  ) : null;

  if (!editor || !active) {
    // Server render, no JavaScript, or not hydrated yet: a plain textarea the server reads as text.
    return (
      <div className="field rte rte-fallback" ref={wrapperRef}>
        <label id={ids.label} htmlFor={baseId}>
          {label}
        </label>
        {hintBlock}
        {errorBlock}
        <textarea
          id={baseId}
          name={name}
          ref={textareaRef}
          rows={10}
          defaultValue={initialText}
          required={required}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          data-draft="off"
        />
        <p className="hint rte-counter" id={ids.counter}>
          {t("editor.counter.max", { count: maxChars })}
        </p>
        <p className="hint" id={ids.help}>
          {t("editor.fallbackHelp")}
        </p>
      </div>
    );
  }

  const items: ToolbarItem[] = [
    {
      key: "bold",
      label: t("editor.toolbar.bold"),
      content: (
        <>
          <span aria-hidden="true" className="rte-glyph rte-glyph-bold">
            {t("editor.toolbar.boldGlyph")}
          </span>
          <span className="rte-sr">{t("editor.toolbar.bold")}</span>
        </>
      ),
      pressed: active.bold,
      shortcut: "Mod+B",
      keepFocus: true,
      onClick: () => editor.chain().focus().toggleBold().run(),
    },
    {
      key: "italic",
      label: t("editor.toolbar.italic"),
      content: (
        <>
          <span aria-hidden="true" className="rte-glyph rte-glyph-italic">
            {t("editor.toolbar.italicGlyph")}
          </span>
          <span className="rte-sr">{t("editor.toolbar.italic")}</span>
        </>
      ),
      pressed: active.italic,
      shortcut: "Mod+I",
      keepFocus: true,
      onClick: () => editor.chain().focus().toggleItalic().run(),
    },
    {
      key: "h2",
      label: t("editor.toolbar.heading"),
      content: t("editor.toolbar.heading"),
      pressed: active.h2,
      shortcut: "Mod+Alt+2",
      keepFocus: true,
      wide: true,
      onClick: () => editor.chain().focus().toggleHeading({ level: 2 }).run(),
    },
    {
      key: "h3",
      label: t("editor.toolbar.subheading"),
      content: t("editor.toolbar.subheading"),
      pressed: active.h3,
      shortcut: "Mod+Alt+3",
      keepFocus: true,
      wide: true,
      onClick: () => editor.chain().focus().toggleHeading({ level: 3 }).run(),
    },
    {
      key: "bulletList",
      label: t("editor.toolbar.bulletList"),
      content: (
        <>
          {ICONS.bulletList}
          <span className="rte-sr">{t("editor.toolbar.bulletList")}</span>
        </>
      ),
      pressed: active.bulletList,
      shortcut: "Mod+Shift+8",
      keepFocus: true,
      onClick: () => editor.chain().focus().toggleBulletList().run(),
    },
    {
      key: "orderedList",
      label: t("editor.toolbar.orderedList"),
      content: (
        <>
          {ICONS.orderedList}
          <span className="rte-sr">{t("editor.toolbar.orderedList")}</span>
        </>
      ),
      pressed: active.orderedList,
      shortcut: "Mod+Shift+7",
      keepFocus: true,
      onClick: () => editor.chain().focus().toggleOrderedList().run(),
    },
    {
      key: "link",
      label: t("editor.toolbar.link"),
      content: (
        <>
          {ICONS.link}
          <span className="rte-sr">{t("editor.toolbar.link")}</span>
        </>
      ),
      pressed: active.link,
      expanded: linkOpen,
      controls: ids.link,
      shortcut: "Mod+K",
      onClick: () => (linkOpen ? closeLink() : openLink()),
    },
    {
      key: "unlink",
      label: t("editor.toolbar.unlink"),
      content: (
        <>
          {ICONS.unlink}
          <span className="rte-sr">{t("editor.toolbar.unlink")}</span>
        </>
      ),
      disabled: !active.link,
      keepFocus: true,
      onClick: removeLink,
    },
    {
      key: "undo",
      label: t("editor.toolbar.undo"),
      content: (
        <>
          {ICONS.undo}
          <span className="rte-sr">{t("editor.toolbar.undo")}</span>
        </>
      ),
      disabled: !active.canUndo,
      shortcut: "Mod+Z",
      keepFocus: true,
      onClick: () => editor.chain().focus().undo().run(),
    },
    {
      key: "redo",
      label: t("editor.toolbar.redo"),
      content: (
        <>
          {ICONS.redo}
          <span className="rte-sr">{t("editor.toolbar.redo")}</span>
        </>
      ),
      disabled: !active.canRedo,
      shortcut: "Mod+Shift+Z",
      keepFocus: true,
      onClick: () => editor.chain().focus().redo().run(),
    },
  ];

  const onLinkKeyDown = (event: ReactKeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      closeLink();
    }
  };

  return (
    <div className={error ? "field rte rte-has-error" : "field rte"} ref={wrapperRef}>
      {/* Not a <label for>: the editable area is not a form control; it names itself with aria-labelledby. */}
      <span id={ids.label} className="rte-label" onClick={() => editor.commands.focus()}>
        {label}
      </span>
      {hintBlock}
      {errorBlock}
      <div role="status" className="rte-status">
        {restoredAt !== null ? (
          <p className="rte-draft">
            {t("editor.draft.restored", { time: formatDateTime(locale, new Date(restoredAt)) })}{" "}
            <button type="button" className="link-button" onClick={discardDraft}>
              {t("editor.draft.discard")}
            </button>
          </p>
        ) : draftMessage ? (
          <p className="rte-draft">{draftMessage}</p>
        ) : null}
      </div>
      <div className="rte-frame">
        <Toolbar label={t("editor.toolbar.label", { field: label })} controls={baseId} items={items} />
        {linkOpen ? (
          <div
            className="rte-link"
            id={ids.link}
            role="group"
            aria-labelledby={ids.linkLabel}
            onKeyDown={onLinkKeyDown}
          >
            <label id={ids.linkLabel} htmlFor={`${baseId}-link-input`}>
              {t("editor.link.label")}
            </label>
            <p className="hint" id={ids.linkHint}>
              {t("editor.link.hint")}
            </p>
            {linkError ? (
              <p className="field-error" id={ids.linkError} role="alert">
                {linkError}
              </p>
            ) : null}
            <div className="rte-link-row">
              {/* type="text", not "url": a bare "example.gr" is fine here, and the form must not be blocked. */}
              <input
                id={`${baseId}-link-input`}
                ref={linkInputRef}
                type="text"
                inputMode="url"
                autoComplete="url"
                autoCapitalize="off"
                spellCheck={false}
                value={linkValue}
                aria-invalid={linkError ? true : undefined}
                aria-describedby={[ids.linkHint, linkError ? ids.linkError : null].filter(Boolean).join(" ")}
                onChange={(e) => {
                  setLinkValue(e.target.value);
                  if (linkError) setLinkError(null);
                }}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    // Enter applies the link; it must not submit the surrounding form.
                    e.preventDefault();
                    applyLink();
                  }
                }}
              />
              <button type="button" className="button primary" onClick={applyLink}>
                {t("editor.link.apply")}
              </button>
              <button type="button" className="button" onClick={closeLink}>
                {t("editor.link.cancel")}
              </button>
              {active.link ? (
                <button type="button" className="button danger" onClick={removeLink}>
                  {t("editor.link.remove")}
                </button>
              ) : null}
            </div>
          </div>
        ) : null}
        <EditorContent editor={editor} />
      </div>
      <input type="hidden" name={name} value={json} />
      <input type="hidden" name={`${name}Format`} value="json" />
      <p className={over ? "rte-counter rte-counter-over" : "hint rte-counter"} id={ids.counter}>
        {counterText(count)}
      </p>
      <p className="rte-sr" aria-live="polite">
        {announcement}
      </p>
      <p className="rte-sr" id={ids.help}>
        {t("editor.help")}
      </p>
    </div>
  );
}

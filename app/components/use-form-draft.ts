/**
 * Drafts that survive a reload or a lost connection: what someone types into a form is kept in
 * localStorage until the form is sent and the site moves on (or clear() is called).
 *
 * Storage: one entry per form (`synochi:draft:form:<key>`) and one per rich-text editor
 * (`synochi:draft:richtext:<key>`), each `{ v: 1, savedAt, data }`. Keys should name the person and the
 * thing being written (e.g. `submission:new:<consultationId>:<userId>`), so a shared computer does not
 * offer one person's draft to another. Drafts older than 30 days are dropped. Nothing here throws when
 * storage is unavailable (private mode, full quota, disabled cookies): drafts are a convenience.
 */
import { useLocation, useNavigation } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";

export type DraftKind = "form" | "richtext";
export type StoredDraft<T> = { savedAt: number; data: T };

const PREFIX = "synochi:draft:";
const MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** How long after the last keystroke a draft is written. */
export const DRAFT_SAVE_DELAY_MS = 500;

function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null; // some browsers throw on the mere access when storage is disabled
  }
}

export function draftStorageKey(kind: DraftKind, key: string): string {
  return `${PREFIX}${kind}:${key}`;
}

export function readDraft<T>(kind: DraftKind, key: string): StoredDraft<T> | null {
  const store = storage();
  if (!store) return null;
  try {
    const raw = store.getItem(draftStorageKey(kind, key));
    if (!raw) return null;
    const parsed = JSON.parse(raw) as { v?: number; savedAt?: number; data?: T };
    if (parsed?.v !== 1 || typeof parsed.savedAt !== "number" || parsed.data === undefined) return null;
    if (Date.now() - parsed.savedAt > MAX_AGE_MS) {
      store.removeItem(draftStorageKey(kind, key));
      return null;
    }
    return { savedAt: parsed.savedAt, data: parsed.data };
  } catch {
    return null;
  }
}

export function writeDraft<T>(kind: DraftKind, key: string, data: T): void {
  try {
    storage()?.setItem(draftStorageKey(kind, key), JSON.stringify({ v: 1, savedAt: Date.now(), data }));
  } catch {
    // Quota exceeded or storage disabled: the draft is lost, the form still works.
  }
}

export function removeDraft(kind: DraftKind, key: string): void {
  try {
    storage()?.removeItem(draftStorageKey(kind, key));
  } catch {
    // nothing to do
  }
}

/** Forgets every draft saved under this key: the form's fields and a rich-text editor's content. */
export function clearDraft(key: string): void {
  removeDraft("form", key);
  removeDraft("richtext", key);
}

/**
 * Calls `onSent` when this form was submitted and the submission then navigated elsewhere (the action
 * redirected: it succeeded), at the moment this component unmounts. Leaving by a link, a failed submit
 * that re-renders the form, or an error page after a lost connection keep the draft.
 */
export function useAfterSuccessfulSubmit(getForm: () => HTMLFormElement | null, onSent: () => void): void {
  const navigation = useNavigation();
  const location = useLocation();
  const submitted = useRef(false);
  const leaving = useRef(false);
  const onSentRef = useRef(onSent);
  useEffect(() => {
    onSentRef.current = onSent;
  });

  useEffect(() => {
    const form = getForm();
    if (!form) return;
    const onSubmit = () => {
      submitted.current = true;
      leaving.current = false;
    };
    form.addEventListener("submit", onSubmit);
    return () => form.removeEventListener("submit", onSubmit);
  }, [getForm]);

  useEffect(() => {
    if (!submitted.current) return;
    // After an action redirects, the router loads the new location with the submission's method kept;
    // after an action that returned errors it reloads the same path.
    const method = navigation.formMethod?.toUpperCase();
    if (
      navigation.state === "loading" &&
      method &&
      method !== "GET" &&
      navigation.location.pathname !== location.pathname
    ) {
      leaving.current = true;
    } else if (navigation.state === "idle") {
      // Still here once the router settles: the submit did not take us away (errors, or a same-page action).
      submitted.current = false;
    }
  }, [navigation, location.pathname]);

  useEffect(
    () => () => {
      if (submitted.current && leaving.current) onSentRef.current();
    },
    [],
  );
}

// ---------------------------------------------------------------------------------------------------------
// Form fields

type FormDraftData = {
  /** Text-like inputs, textareas and single selects, in document order per name. */
  values: Record<string, string[]>;
  /** Checkbox and radio groups and multiple selects: the values chosen. */
  chosen: Record<string, string[]>;
};

type DraftField = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

const SKIPPED_INPUT_TYPES = new Set(["hidden", "password", "file", "submit", "button", "reset", "image"]);
const SKIPPED_NAMES = new Set(["csrf", "_csrf"]);

function draftFields(form: HTMLFormElement): DraftField[] {
  const fields: DraftField[] = [];
  for (const el of Array.from(form.elements)) {
    if (!(
      el instanceof HTMLInputElement ||
      el instanceof HTMLTextAreaElement ||
      el instanceof HTMLSelectElement
    )) {
      continue;
    }
    if (!el.name || SKIPPED_NAMES.has(el.name) || el.dataset.draft === "off") continue;
    if (el instanceof HTMLInputElement && SKIPPED_INPUT_TYPES.has(el.type)) continue;
    fields.push(el);
  }
  return fields;
}

function isChoice(el: DraftField): el is HTMLInputElement {
  return el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio");
}

function isTextLike(el: DraftField): el is HTMLInputElement | HTMLTextAreaElement {
  return el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && !isChoice(el));
}

function snapshot(form: HTMLFormElement): FormDraftData {
  const data: FormDraftData = { values: {}, chosen: {} };
  for (const el of draftFields(form)) {
    if (isChoice(el)) {
      (data.chosen[el.name] ??= []).push(...(el.checked ? [el.value] : []));
    } else if (el instanceof HTMLSelectElement && el.multiple) {
      (data.chosen[el.name] ??= []).push(...Array.from(el.selectedOptions, (o) => o.value));
    } else {
      (data.values[el.name] ??= []).push(el.value);
    }
  }
  return data;
}

function hasText(data: FormDraftData): boolean {
  return Object.values(data.values).some((list) => list.some((v) => v.trim() !== ""));
}

/** Sets a value the way typing would, so React's onChange (controlled inputs) and other listeners see it. */
function setFieldValue(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string) {
  const proto = Object.getPrototypeOf(el) as object;
  const setter = Object.getOwnPropertyDescriptor(proto, "value")?.set;
  if (setter) setter.call(el, value);
  else el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
}

function setChecked(el: HTMLInputElement, checked: boolean) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "checked")?.set;
  if (setter) setter.call(el, checked);
  else el.checked = checked;
  // React listens to "click" for checkboxes; a plain Event (not a MouseEvent) does not toggle the box again.
  el.dispatchEvent(new Event("click", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
}

/**
 * Puts a draft back. Text goes only into empty fields (a failed submit's values or an edited record's
 * stored values win); choices (checkboxes, radios, selects) only when every text field was empty, since
 * an untouched choice cannot be told apart from a deliberate one. Returns whether anything was restored.
 */
function restore(form: HTMLFormElement, data: FormDraftData): boolean {
  const fields = draftFields(form);
  const fresh = fields.filter(isTextLike).every((el) => el.value === "");
  let restored = false;
  const seen: Record<string, number> = {};
  for (const el of fields) {
    if (isChoice(el)) {
      const chosen = data.chosen[el.name];
      if (!fresh || !chosen) continue;
      const want = chosen.includes(el.value);
      if (el.checked !== want) {
        setChecked(el, want);
        restored = true;
      }
    } else if (el instanceof HTMLSelectElement && el.multiple) {
      const chosen = data.chosen[el.name];
      if (!fresh || !chosen) continue;
      for (const option of Array.from(el.options)) option.selected = chosen.includes(option.value);
      el.dispatchEvent(new Event("change", { bubbles: true }));
      restored = true;
    } else {
      const index = (seen[el.name] = (seen[el.name] ?? -1) + 1);
      const value = data.values[el.name]?.[index];
      if (value === undefined || value === "" || value === el.value) continue;
      if (el instanceof HTMLSelectElement) {
        if (!fresh || !Array.from(el.options).some((o) => o.value === value)) continue;
      } else if (el.value !== "") {
        continue;
      }
      setFieldValue(el, value);
      restored = true;
    }
  }
  return restored;
}

/**
 * Keeps a draft of a form's named text inputs, textareas, selects, checkboxes and radios (never hidden
 * inputs, passwords, files or the CSRF token; mark a field `data-draft="off"` to leave it out) in
 * localStorage, written 500 ms after the last change and when the page is hidden. On mount, restores a
 * saved draft (see `restore`). The draft is cleared when the form was submitted and the component then
 * unmounts because the site moved on, or when `clear()` is called (for example after a fetcher form
 * succeeded). `key === null` turns drafts off (e.g. when signed out). `restored` tells whether a draft
 * was put back, so the page can say so.
 */
export function useFormDraft(
  formRef: RefObject<HTMLFormElement | null>,
  key: string | null,
): { clear(): void; restored: boolean } {
  const [restored, setRestored] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const restoring = useRef(false);

  const save = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const form = formRef.current;
    if (!form || !key) return;
    const data = snapshot(form);
    if (hasText(data)) writeDraft("form", key, data);
    else removeDraft("form", key);
  }, [formRef, key]);

  const clear = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (key) clearDraft(key);
    setRestored(false);
  }, [key]);

  useEffect(() => {
    const form = formRef.current;
    if (!form || !key) return;
    const draft = readDraft<FormDraftData>("form", key);
    if (draft && draft.data && typeof draft.data === "object" && draft.data.values && draft.data.chosen) {
      restoring.current = true;
      try {
        setRestored(restore(form, draft.data));
      } finally {
        restoring.current = false;
      }
    }
    const onChange = () => {
      if (restoring.current) return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(save, DRAFT_SAVE_DELAY_MS);
    };
    // Write what is pending before the page goes away (reload, tab closed, phone switching apps).
    const flush = () => {
      if (timer.current) save();
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") flush();
    };
    form.addEventListener("input", onChange);
    form.addEventListener("change", onChange);
    // Save what is pending at submit time, so nothing is written after a successful submit clears it.
    form.addEventListener("submit", flush);
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      form.removeEventListener("input", onChange);
      form.removeEventListener("change", onChange);
      form.removeEventListener("submit", flush);
      window.removeEventListener("pagehide", flush);
      document.removeEventListener("visibilitychange", onVisibility);
      flush();
    };
  }, [formRef, key, save]);

  const getForm = useCallback(() => formRef.current, [formRef]);
  useAfterSuccessfulSubmit(getForm, clear);

  return { clear, restored };
}

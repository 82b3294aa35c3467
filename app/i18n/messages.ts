// Every translation, per locale: the core file plus one file per area (app/i18n/areas/<area>.<locale>.json).
// Each area file holds exactly one top-level key, its area's namespace, so areas never overlap.
import analysisEl from "./areas/analysis.el.json";
import analysisEn from "./areas/analysis.en.json";
import liveEl from "./areas/live.el.json";
import liveEn from "./areas/live.en.json";
import priorityEl from "./areas/priority.el.json";
import priorityEn from "./areas/priority.en.json";
import commentsEl from "./areas/comments.el.json";
import commentsEn from "./areas/comments.en.json";
import consultationsEl from "./areas/consultations.el.json";
import consultationsEn from "./areas/consultations.en.json";
import editorEl from "./areas/editor.el.json";
import editorEn from "./areas/editor.en.json";
import manageEl from "./areas/manage.el.json";
import manageEn from "./areas/manage.en.json";
import moderationEl from "./areas/moderation.el.json";
import moderationEn from "./areas/moderation.en.json";
import notificationsEl from "./areas/notifications.el.json";
import notificationsEn from "./areas/notifications.en.json";
import statusEl from "./areas/status.el.json";
import statusEn from "./areas/status.en.json";
import searchEl from "./areas/search.el.json";
import searchEn from "./areas/search.en.json";
import sessionsEl from "./areas/sessions.el.json";
import sessionsEn from "./areas/sessions.en.json";
import submissionsEl from "./areas/submissions.el.json";
import submissionsEn from "./areas/submissions.en.json";
import coreEl from "./el.json";
import coreEn from "./en.json";

export const areaMessages = {
  el: [
    analysisEl,
    liveEl,
    priorityEl,
    commentsEl,
    consultationsEl,
    editorEl,
    manageEl,
    moderationEl,
    notificationsEl,
    searchEl,
    sessionsEl,
    statusEl,
    submissionsEl,
  ],
  en: [
    analysisEn,
    liveEn,
    priorityEn,
    commentsEn,
    consultationsEn,
    editorEn,
    manageEn,
    moderationEn,
    notificationsEn,
    searchEn,
    sessionsEn,
    statusEn,
    submissionsEn,
  ],
};

export const messages: { el: Record<string, unknown>; en: Record<string, unknown> } = {
  el: Object.assign({}, coreEl, ...areaMessages.el),
  en: Object.assign({}, coreEn, ...areaMessages.en),
};
export const coreMessages = { el: coreEl, en: coreEn };

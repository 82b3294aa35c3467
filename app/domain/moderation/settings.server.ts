/**
 * Admin-tunable moderation thresholds and rate limits, stored as Setting rows. Readers get a default for a
 * missing or malformed row (posting limits default to the environment's SUBMISSIONS_MAX_PER_HOUR and
 * COMMENTS_MAX_PER_HOUR); admins change them through one validated, audited write.
 */
import { fieldErrorsOf } from "~/domain/accounts/accounts.schema.ts";
import { hasRole, type Actor } from "~/domain/accounts/policy.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import type { Db, DbOrTx } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { Forbidden, Invalid } from "~/utils/errors.server.ts";
import {
  DEFAULT_AUTO_HIDE_FLAGS,
  DEFAULT_CLAIM_MINUTES,
  DEFAULT_FLAGS_PER_HOUR,
  MODERATION_SETTING_KEYS,
  SETTING_BOUNDS,
  moderationSettingsSchema,
  type ModerationSettingName,
  type ModerationSettingsInput,
} from "./moderation.schema.ts";

export interface ModerationSettings {
  /** Distinct open flags that hide a submission or comment pending review. */
  autoHideFlags: number;
  /** Flags one participant may file per hour. */
  flagsPerHour: number;
  /** Submissions one participant may post per hour. */
  submissionsPerHour: number;
  /** Comments one participant may post per hour. */
  commentsPerHour: number;
  /** Minutes a queue claim lasts. */
  claimMinutes: number;
}

const NAMES = Object.keys(MODERATION_SETTING_KEYS) as ModerationSettingName[];

function defaults(): ModerationSettings {
  const env = getEnv();
  return {
    autoHideFlags: DEFAULT_AUTO_HIDE_FLAGS,
    flagsPerHour: DEFAULT_FLAGS_PER_HOUR,
    submissionsPerHour: env.SUBMISSIONS_MAX_PER_HOUR,
    commentsPerHour: env.COMMENTS_MAX_PER_HOUR,
    claimMinutes: DEFAULT_CLAIM_MINUTES,
  };
}

/** A whole number setting within its bounds (a JSON number or numeric string), or the default. */
function intSetting(value: unknown, fallback: number, bounds: { min: number; max: number }): number {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isInteger(n) && n >= bounds.min && n <= bounds.max ? n : fallback;
}

/** The settings in force, with defaults for missing or malformed values. */
export async function getModerationSettings(db: DbOrTx): Promise<ModerationSettings> {
  const rows = await db.setting.findMany({
    where: { key: { in: Object.values(MODERATION_SETTING_KEYS) } },
    select: { key: true, value: true },
  });
  const fallback = defaults();
  const out = { ...fallback };
  for (const name of NAMES) {
    const row = rows.find((r) => r.key === MODERATION_SETTING_KEYS[name]);
    out[name] = intSetting(row?.value, fallback[name], SETTING_BOUNDS[name]);
  }
  return out;
}

export interface SettingsView {
  values: ModerationSettings;
  defaults: ModerationSettings;
  /** The latest change to any of these settings (null: never changed). */
  lastChange: { at: Date; by: string | null } | null;
}

/** The settings page: values in force, defaults and who changed them last. Admins only. */
export async function moderationSettingsView(db: DbOrTx, actor: Actor): Promise<SettingsView> {
  if (!hasRole(actor, "admin")) throw new Forbidden();
  const [values, last] = await Promise.all([
    getModerationSettings(db),
    db.setting.findFirst({
      where: { key: { in: Object.values(MODERATION_SETTING_KEYS) } },
      orderBy: { updatedAt: "desc" },
      select: { updatedAt: true, updatedBy: { select: { displayName: true } } },
    }),
  ]);
  return {
    values,
    defaults: defaults(),
    lastChange: last ? { at: last.updatedAt, by: last.updatedBy?.displayName ?? null } : null,
  };
}

/**
 * An admin saves every setting at once (all fields validated together, each error on its field). The rows
 * record who changed them; the audit log keeps the values before and after.
 */
export async function saveModerationSettings(
  db: Db,
  actor: Actor,
  input: ModerationSettingsInput,
): Promise<{ changed: ModerationSettingName[] }> {
  if (!hasRole(actor, "admin")) throw new Forbidden();
  const parsed = moderationSettingsSchema.safeParse(input);
  if (!parsed.success) {
    throw new Invalid(fieldErrorsOf(parsed.error), "moderation.settings.errors.summary");
  }
  const next = parsed.data;
  return db.$transaction(async (tx) => {
    const before = await getModerationSettings(tx);
    const changed = NAMES.filter((name) => before[name] !== next[name]);
    for (const name of changed) {
      const key = MODERATION_SETTING_KEYS[name];
      await tx.setting.upsert({
        where: { key },
        create: { key, value: next[name], updatedById: actor!.id },
        update: { value: next[name], updatedById: actor!.id },
      });
    }
    if (changed.length > 0) {
      await tx.auditLog.create({
        data: {
          actorId: actor!.id,
          action: "settings.moderation",
          targetType: "setting",
          details: {
            before: Object.fromEntries(changed.map((n) => [n, before[n]])),
            after: Object.fromEntries(changed.map((n) => [n, next[n]])),
          } as Prisma.InputJsonValue,
        },
      });
    }
    return { changed };
  });
}

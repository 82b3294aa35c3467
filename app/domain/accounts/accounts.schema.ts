import { z } from "zod";
import { Invalid } from "~/utils/errors.server.ts";

// Messages are translation keys; the UI shows them in the reader's language.
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "accounts.errors.emailRequired")
  .max(254, "accounts.errors.emailInvalid")
  .email("accounts.errors.emailInvalid");

export const newPasswordSchema = z
  .string()
  .min(10, "accounts.errors.passwordTooShort")
  .max(256, "accounts.errors.passwordTooLong");

export const displayNameSchema = z
  .string()
  .trim()
  .min(2, "accounts.errors.displayNameLength")
  .max(50, "accounts.errors.displayNameLength")
  .regex(/^[^<>{}\u0000-\u001f]+$/u, "accounts.errors.displayNameChars");

// Required, not optional: zod skips an optional schema (and its refinement) when the key is missing.
const checked = (message: string) =>
  z.string({ error: message }).refine((v) => v === "on" || v === "true", message);

export const registerSchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  displayName: displayNameSchema,
  acceptTerms: checked("accounts.errors.acceptTerms"),
  acceptPrivacy: checked("accounts.errors.acceptPrivacy"),
});

export const loginSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "accounts.errors.passwordRequired").max(256, "accounts.errors.passwordTooLong"),
});

export const forgotSchema = z.object({ email: emailSchema });

export const resetSchema = z.object({
  token: z.string().min(10).max(100),
  password: newPasswordSchema,
});

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "accounts.errors.passwordRequired").max(256),
  password: newPasswordSchema,
});

export const profileSchema = z.object({
  displayName: displayNameSchema,
  locale: z.enum(["el", "en"]),
  digest: z.enum(["none", "daily"]),
});

export const eraseSchema = z.object({
  password: z.string().min(1, "accounts.errors.passwordRequired").max(256),
  confirm: checked("accounts.errors.confirmErase"),
});

export const roleSchema = z.enum(["citizen", "moderator", "directorate", "admin"]);

export const assignRolesSchema = z.object({
  userId: z.string().uuid(),
  roles: z.array(roleSchema),
});

export const committeeMembershipSchema = z.object({
  userId: z.string().uuid(),
  committeeId: z.string().min(1).max(100),
  role: z.enum(["chair", "secretary", "member", "none"]),
});

/** Parses input with a schema; invalid input throws `Invalid` with a field → translation-key map. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new Invalid(fieldErrorsOf(result.error));
  return result.data;
}

/** Turns zod issues into a field → translation-key map. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    if (!out[field]) out[field] = issue.message.includes(".") ? issue.message : "errors.invalidField";
  }
  return out;
}

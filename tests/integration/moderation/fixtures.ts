/** Shared set-up of the moderation tests: environment, actors, consultations, submissions, comments. */
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import type { RoleName } from "~/domain/accounts/policy.ts";
import { createComment } from "~/domain/comments/comments.server.ts";
import { createSubmission } from "~/domain/submissions/submissions.server.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import { DomainError, type Invalid } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import { expect } from "vitest";
import { createUser } from "../../helpers/factories.ts";

export function setEnv(databaseUrl: string, redis: { url: string; prefix: string }): void {
  // getEnv() reads process.env once, on its first call.
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    APP_URL: "http://synochi.test",
    COOKIE_SECURE: "false",
    SUBMISSIONS_MAX_PER_HOUR: "10000",
    COMMENTS_MAX_PER_HOUR: "10000",
    SUBMISSION_EDIT_MINUTES: "60",
    COMMENT_EDIT_MINUTES: "15",
    LOGIN_MAX_PER_ACCOUNT: "1000",
    LOGIN_MAX_PER_IP: "1000",
  });
}

export function actor(id: string, roles: RoleName[] = ["citizen"], emailVerified = true): CurrentUser {
  return {
    id,
    roles,
    committees: [],
    emailVerified,
    displayName: "x",
    email: "",
    locale: "el",
    sessionId: "",
  };
}

export async function makeActor(
  db: PrismaClient,
  roles: RoleName[] = ["citizen"],
  extra: { passwordHash?: string; email?: string } = {},
): Promise<CurrentUser> {
  const u = await createUser(db, { roles, ...extra });
  return { ...actor(u.id, roles), email: u.email };
}

export async function makeConsultation(
  db: PrismaClient,
  createdById: string,
  phase: "open" | "closed" | "draft" = "open",
): Promise<string> {
  const id = newId();
  await db.consultation.create({
    data: {
      id,
      slug: `c-${id.slice(0, 8)}`,
      title: `Διαβούλευση ${id.slice(0, 4)}`,
      summary: "Περίληψη",
      bodyJson: {},
      bodyHtml: "<p>Σώμα</p>",
      phase,
      createdById,
    },
  });
  return id;
}

const doc = (text: string) =>
  JSON.stringify({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] });

let counter = 0;
export async function makeSubmission(db: PrismaClient, author: CurrentUser, consultationId: string) {
  counter += 1;
  const { id } = await createSubmission(db, author, consultationId, {
    kind: "proposal",
    title: `Πρόταση αριθμός ${counter} για την ένταξη`,
    body: doc("Να δημιουργηθεί κέντρο ημέρας για ηλικιωμένους στη γειτονιά μας."),
    bodyFormat: "json",
    targetGroups: [],
  });
  return id;
}

export async function makeComment(db: PrismaClient, author: CurrentUser, submissionId: string) {
  const view = await createComment(db, author, { submissionId }, { body: "Συμφωνώ απόλυτα με την πρόταση." });
  return view.id;
}

/** Resolves to the DomainError a promise was rejected with (fails when it resolved). */
export async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

export async function expectError(promise: Promise<unknown>, key: string, field?: string): Promise<void> {
  const error = await errorOf(promise);
  if (field) expect((error as Invalid).fieldErrors[field]).toBe(key);
  else expect(error.messageKey).toBe(key);
}

/** People, committees and sessions for the live-session tests (written straight to the database). */
import { expect } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { createSession, startSession } from "~/domain/sessions/sessions.server.ts";
import type { PrismaClient, Role } from "~/generated/prisma/client.ts";
import { DomainError, type Invalid } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import { createUser } from "../../helpers/factories.ts";

type Membership = { committeeId: string; role: "chair" | "secretary" | "member" };

export async function person(
  db: PrismaClient,
  options: { roles?: Role[]; committees?: Membership[]; emailVerified?: boolean; name?: string } = {},
): Promise<CurrentUser> {
  const { id, email } = await createUser(db, {
    roles: options.roles ?? ["citizen"],
    displayName: options.name,
  });
  for (const m of options.committees ?? []) {
    await db.committeeMember.create({ data: { committeeId: m.committeeId, userId: id, role: m.role } });
  }
  return {
    id,
    email,
    displayName: options.name ?? "x",
    locale: "el",
    sessionId: "s",
    roles: options.roles ?? ["citizen"],
    committees: options.committees ?? [],
    emailVerified: options.emailVerified ?? true,
  };
}

export async function committee(db: PrismaClient): Promise<string> {
  const id = newId();
  await db.committee.create({ data: { id, name: `Επιτροπή ${id.slice(0, 8)}`, level: "regional" } });
  return id;
}

export const sessionFields = (committeeId: string, extra: Record<string, unknown> = {}) => ({
  title: "Συνεδρίαση για τη στέγαση",
  description: "Τακτική συνεδρίαση",
  committeeId,
  startsAt: new Date(Date.now() + 3 * 24 * 3600_000).toISOString(),
  place: "Αίθουσα Περιφερειακού Συμβουλίου",
  onlineUrl: "https://meet.example.org/room",
  mode: "hybrid",
  agenda: [{ title: "Στέγαση" }, { title: "Σίτιση" }, { title: "Διάφορα" }],
  ...extra,
});

/** A session of the committee, started by its chair; returns its id and agenda item ids in order. */
export async function liveSession(
  db: PrismaClient,
  chair: CurrentUser,
  committeeId: string,
  extra: Record<string, unknown> = {},
) {
  const { id } = await createSession(db, chair, sessionFields(committeeId, extra));
  await startSession(db, chair, id);
  const items = await db.agendaItem.findMany({ where: { sessionId: id }, orderBy: { position: "asc" } });
  return { id, items: items.map((i) => i.id) };
}

export async function expectError(promise: Promise<unknown>, key: string, field?: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  if (field) expect((error as Invalid).fieldErrors[field]).toBe(key);
  else expect((error as DomainError).messageKey).toBe(key);
}

/** Test data written straight to the database: users and the session rows that log them in. */
import { generateToken, hashToken } from "~/domain/accounts/session.server.ts";
import type { PrismaClient, Role } from "~/generated/prisma/client.ts";
import { newId } from "~/utils/ids.ts";

export async function createUser(
  db: PrismaClient,
  {
    roles = ["citizen"],
    email,
    displayName,
    passwordHash = null,
  }: { roles?: Role[]; email?: string; displayName?: string; passwordHash?: string | null } = {},
): Promise<{ id: string; email: string }> {
  const id = newId();
  const address = email ?? `u-${id}@example.org`;
  await db.user.create({
    data: {
      id,
      email: address,
      displayName: displayName ?? `Δοκιμή ${id.slice(0, 6)}`,
      passwordHash,
      emailVerifiedAt: new Date(),
      roles: { create: roles.map((role) => ({ role })) },
    },
  });
  return { id, email: address };
}

/** A session row as the app stores it (id = SHA-256 of the token); returns the cookie's token. */
export async function createSessionToken(
  db: PrismaClient,
  userId: string,
  expiresAt = new Date(Date.now() + 24 * 3600 * 1000),
): Promise<string> {
  const token = generateToken();
  await db.session.create({ data: { id: hashToken(token), userId, expiresAt } });
  return token;
}

import type { Db } from "~/utils/db.server.ts";
import { Invalid, NotFound } from "~/utils/errors.server.ts";
import { assignRolesSchema, committeeMembershipSchema, parseInput } from "./accounts.schema.ts";

const PAGE_SIZE = 25;

export async function listUsers(db: Db, query: string, page: number) {
  const q = query.trim().slice(0, 100);
  const where = {
    erasedAt: null,
    ...(q
      ? {
          OR: [
            { email: { contains: q, mode: "insensitive" as const } },
            { displayName: { contains: q, mode: "insensitive" as const } },
          ],
        }
      : {}),
  };
  const [total, users, committees] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({
      where,
      orderBy: { createdAt: "asc" },
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        email: true,
        displayName: true,
        emailVerifiedAt: true,
        createdAt: true,
        roles: { select: { role: true } },
        committees: { select: { committeeId: true, role: true } },
      },
    }),
    db.committee.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  return {
    total,
    page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    committees,
    users: users.map((u) => ({ ...u, roles: u.roles.map((r) => r.role) })),
  };
}

/** Replaces a user's roles. An admin cannot take the admin role from themselves (no lock-out). */
export async function setRoles(db: Db, actorId: string, input: { userId: unknown; roles: unknown }) {
  const data = parseInput(assignRolesSchema, input);
  if (data.userId === actorId && !data.roles.includes("admin")) {
    throw new Invalid({ roles: "admin.errors.ownAdminRole" });
  }
  await db.$transaction(async (tx) => {
    const user = await tx.user.findFirst({
      where: { id: data.userId, erasedAt: null },
      select: { id: true },
    });
    if (!user) throw new NotFound();
    await tx.userRole.deleteMany({ where: { userId: data.userId, role: { notIn: data.roles } } });
    await tx.userRole.createMany({
      data: data.roles.map((role) => ({ userId: data.userId, role, grantedById: actorId })),
      skipDuplicates: true,
    });
    await tx.auditLog.create({
      data: {
        actorId,
        action: "admin.set_roles",
        targetType: "user",
        targetId: data.userId,
        details: { roles: data.roles },
      },
    });
  });
}

/** Adds, changes or (role "none") removes a user's membership of a committee. */
export async function setCommitteeMembership(db: Db, actorId: string, input: Record<string, unknown>) {
  const data = parseInput(committeeMembershipSchema, input);
  await db.$transaction(async (tx) => {
    const [user, committee] = await Promise.all([
      tx.user.findFirst({ where: { id: data.userId, erasedAt: null }, select: { id: true } }),
      tx.committee.findUnique({ where: { id: data.committeeId }, select: { id: true } }),
    ]);
    if (!user || !committee) throw new NotFound();
    if (data.role === "none") {
      await tx.committeeMember.deleteMany({ where: { userId: data.userId, committeeId: data.committeeId } });
    } else {
      await tx.committeeMember.upsert({
        where: { committeeId_userId: { committeeId: data.committeeId, userId: data.userId } },
        create: { committeeId: data.committeeId, userId: data.userId, role: data.role },
        update: { role: data.role },
      });
    }
    await tx.auditLog.create({
      data: {
        actorId,
        action: "admin.set_committee_membership",
        targetType: "user",
        targetId: data.userId,
        details: { committeeId: data.committeeId, role: data.role },
      },
    });
  });
}

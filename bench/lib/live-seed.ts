/**
 * A live committee session for the live benchmark and the failover test: a committee and its chair, a
 * started session, approved questions from the floor, and many signed-in participants (users with a
 * verified e-mail and a session row, as the app stores it: the row id is the SHA-256 of the cookie's token).
 *
 * Questions are asked through the domain (askQuestion), so the caller's process.env must hold
 * DATABASE_URL, REDIS_URL and REDIS_PREFIX of the app under test (their events go through its Redis).
 */
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { generateToken, hashToken } from "~/domain/accounts/session.server.ts";
import { askQuestion, createSession, startSession } from "~/domain/sessions/sessions.server.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import { newId } from "~/utils/ids.ts";

/** The cookie name when COOKIE_SECURE is false (plain http on localhost, as the benchmark runs the app). */
export const SESSION_COOKIE = "synochi_session";

export interface Participant {
  actor: CurrentUser;
  cookie: string;
}

export interface SeededLiveSession {
  sessionId: string;
  chair: Participant;
  participants: Participant[];
  questionIds: string[];
  /** The session's last event seq after seeding. */
  lastSeq: number;
}

function actorOf(id: string, email: string, displayName: string): CurrentUser {
  return {
    id,
    email,
    displayName,
    locale: "el",
    sessionId: "bench",
    roles: ["citizen"],
    committees: [],
    emailVerified: true,
  };
}

/** `count` verified citizens, each with a session cookie; inserted in batches. */
export async function createParticipants(db: PrismaClient, count: number): Promise<Participant[]> {
  const out: Participant[] = [];
  const expiresAt = new Date(Date.now() + 7 * 24 * 3600_000);
  for (let offset = 0; offset < count; offset += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, count - offset) }, (_, i) => {
      const id = newId();
      return {
        id,
        email: `live-${id}@example.org`,
        displayName: `Συμμετέχων ${offset + i + 1}`,
        token: generateToken(),
      };
    });
    await db.user.createMany({
      data: batch.map((u) => ({
        id: u.id,
        email: u.email,
        displayName: u.displayName,
        emailVerifiedAt: new Date(),
      })),
    });
    await db.userRole.createMany({ data: batch.map((u) => ({ userId: u.id, role: "citizen" as const })) });
    await db.session.createMany({
      data: batch.map((u) => ({ id: hashToken(u.token), userId: u.id, expiresAt })),
    });
    for (const u of batch) {
      out.push({ actor: actorOf(u.id, u.email, u.displayName), cookie: `${SESSION_COOKIE}=${u.token}` });
    }
  }
  return out;
}

/**
 * A started session with `questions` approved questions (each asked by a different participant, so no
 * one hits the per-person question limit) and `participants` signed-in participants.
 */
export async function seedLiveSession(
  db: PrismaClient,
  options: { participants: number; questions: number },
): Promise<SeededLiveSession> {
  const committeeId = newId();
  await db.committee.create({
    data: { id: committeeId, name: `Επιτροπή ${committeeId.slice(0, 8)}`, level: "regional" },
  });
  const [chairBase] = await createParticipants(db, 1);
  await db.committeeMember.create({ data: { committeeId, userId: chairBase.actor.id, role: "chair" } });
  const chair: Participant = {
    ...chairBase,
    actor: { ...chairBase.actor, committees: [{ committeeId, role: "chair" }] },
  };
  const { id: sessionId } = await createSession(db, chair.actor, {
    title: "Ζωντανή συνεδρίαση (μέτρηση)",
    description: "Συνεδρίαση για τη μέτρηση των ζωντανών ενημερώσεων",
    committeeId,
    startsAt: new Date(Date.now() + 3600_000).toISOString(),
    place: "Αίθουσα Περιφερειακού Συμβουλίου",
    onlineUrl: "https://meet.example.org/bench",
    mode: "hybrid",
    agenda: [{ title: "Στέγαση" }, { title: "Διάφορα" }],
  });
  await startSession(db, chair.actor, sessionId);
  const participants = await createParticipants(db, options.participants);
  const authors = await createParticipants(db, options.questions);
  const questionIds: string[] = [];
  for (let i = 0; i < options.questions; i++) {
    const { question } = await askQuestion(db, authors[i].actor, sessionId, {
      text: `Ερώτηση ${i + 1}: πότε θα ανοίξει η νέα δομή φιλοξενίας;`,
    });
    questionIds.push(question.id);
  }
  const row = await db.liveSession.findUniqueOrThrow({ where: { id: sessionId }, select: { lastSeq: true } });
  return { sessionId, chair, participants, questionIds, lastSeq: row.lastSeq };
}

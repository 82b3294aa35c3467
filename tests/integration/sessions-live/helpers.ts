/** Socket clients for the live-session tests: cookie-authenticated, with typed waits and acks. */
import { io, type Socket } from "socket.io-client";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import type { SessionEventMessage } from "~/domain/sessions/sessions.events.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import type { SessionCommand, SessionCommandAck } from "~/realtime/events.ts";
import { createSessionToken } from "../../helpers/factories.ts";

export interface Client {
  socket: Socket;
  /** Every `session:event` received, in arrival order. */
  events: SessionEventMessage[];
  /** Every event name received (errors included), to prove what a bystander did not get. */
  received: { event: string; payload: unknown }[];
  presence: number[];
  command: (
    sessionId: string,
    command: SessionCommand,
    args?: Record<string, unknown>,
  ) => Promise<SessionCommandAck>;
  sync: (
    sessionId: string,
    since: number,
  ) => Promise<{ ok: boolean; events?: SessionEventMessage[]; messageKey?: string }>;
  join: (sessionId: string) => Promise<void>;
  close: () => void;
}

const open = new Set<Socket>();

export async function cookieOf(db: PrismaClient, user: CurrentUser | null): Promise<string | undefined> {
  return user ? `synochi_session=${await createSessionToken(db, user.id)}` : undefined;
}

/** Connects to `url` (websocket only, as the browser does) and resolves once connected. */
export async function connect(url: string, cookie?: string): Promise<Client> {
  const socket = io(url, {
    transports: ["websocket"],
    extraHeaders: cookie ? { Cookie: cookie } : {},
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
  });
  open.add(socket);
  const client: Client = {
    socket,
    events: [],
    received: [],
    presence: [],
    command: (sessionId, command, args = {}) =>
      socket.timeout(5_000).emitWithAck("session:command", { sessionId, command, args }),
    sync: (sessionId, since) => socket.timeout(5_000).emitWithAck("session:sync", { sessionId, since }),
    join: async (sessionId) => {
      const reply = (await socket
        .timeout(5_000)
        .emitWithAck("room:join", { room: `session:${sessionId}` })) as {
        ok: boolean;
      };
      if (!reply.ok) throw new Error("room:join refused");
    },
    close: () => {
      socket.disconnect();
      open.delete(socket);
    },
  };
  socket.onAny((event: string, payload: unknown) => {
    client.received.push({ event, payload });
    if (event === "session:event") client.events.push(payload as SessionEventMessage);
    if (event === "session:presence") client.presence.push((payload as { watching: number }).watching);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return client;
}

export function closeAll(): void {
  for (const socket of open) socket.disconnect();
  open.clear();
}

/** Polls `check` until it returns a value (not undefined/false) or `ms` pass. */
export async function until<T>(
  check: () => T | undefined | false | null,
  ms = 5_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The id of the question an ok `question.ask` ack returned. */
export function questionIdOf(ack: SessionCommandAck): string {
  if (!ack.ok) throw new Error(`question.ask failed: ${ack.messageKey}`);
  return (ack.data?.question as { id: string }).id;
}

/**
 * The live state of a session page: starts from the server-rendered state, joins the session's room,
 * applies `session:event`s through the reducer (duplicates ignored), and on a gap, a (re)connect or a
 * missed window asks `session:sync` for what it missed. Commands go out as `session:command` and come
 * back through the ack; errors are for this page only.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { Socket } from "socket.io-client";
import type { SessionEventMessage } from "~/domain/sessions/sessions.events.ts";
import { applySessionEvent, applySessionEvents } from "~/domain/sessions/sessions.reducer.ts";
import type { SessionState } from "~/domain/sessions/sessions.server.ts";
import { getSocket, useRoom, useSocketEvent } from "~/realtime/client.ts";
import type { SessionCommand, SessionCommandAck } from "~/realtime/events.ts";
import { rooms } from "~/realtime/rooms.ts";

type SyncAck = { ok: true; events: SessionEventMessage[] } | { ok: false; messageKey: string };
const REPLAY_PAGE = 500;
const ACK_TIMEOUT_MS = 10_000;

/** The shared socket, typed for the session events this page emits (client.ts types room events only). */
function sessionSocket(): Socket | null {
  return getSocket() as unknown as Socket | null;
}

export interface LiveSession {
  state: SessionState;
  connected: boolean;
  watching: number | null;
  /** Sends one command; resolves with its ack (a timeout or no connection is an error too). */
  command: (command: SessionCommand, args: Record<string, unknown>) => Promise<SessionCommandAck>;
  /** Local changes the events do not carry (own votes, own pending question). */
  patch: (fn: (s: SessionState) => SessionState) => void;
  /** Replaces the private parts (pending queue, own questions) from a fresher snapshot. */
  adoptPrivate: (snapshot: SessionState) => boolean;
}

export function useLiveSession(
  initial: SessionState,
  initialWatching: number | null,
  onApplied: (event: SessionEventMessage, before: SessionState, after: SessionState) => void,
): LiveSession {
  const [state, setState] = useState(initial);
  const ref = useRef(initial);
  const [watching, setWatching] = useState(initialWatching);
  const sessionId = initial.session.id;
  const syncing = useRef(false);
  const again = useRef(false);
  const onAppliedRef = useRef(onApplied);
  onAppliedRef.current = onApplied;

  const set = useCallback((next: SessionState) => {
    ref.current = next;
    setState(next);
  }, []);

  // A newer server render (after a no-JS form post, or a revalidation) replaces what the page holds.
  useEffect(() => {
    if (initial.seq > ref.current.seq || initial.session.id !== ref.current.session.id) set(initial);
  }, [initial, set]);

  const apply = useCallback(
    (events: SessionEventMessage[]): "ok" | "gap" => {
      for (const event of events) {
        const before = ref.current;
        const result = applySessionEvent(before, event);
        if (result.status === "gap") return "gap";
        if (result.status === "applied") {
          set(result.state);
          onAppliedRef.current(event, before, result.state);
        }
      }
      return "ok";
    },
    [set],
  );

  /** Replays from the last applied seq until a page comes back short; one replay at a time. */
  const sync = useCallback(async () => {
    const socket = sessionSocket();
    if (!socket) return;
    if (syncing.current) {
      again.current = true;
      return;
    }
    syncing.current = true;
    try {
      do {
        again.current = false;
        for (;;) {
          let reply: SyncAck;
          try {
            reply = (await socket
              .timeout(ACK_TIMEOUT_MS)
              .emitWithAck("session:sync", { sessionId, since: ref.current.seq })) as SyncAck;
          } catch {
            return; // no answer: the next reconnect or event tries again
          }
          if (!reply.ok) return;
          // A replay page is contiguous from seq+1, so it never reports a gap; apply them in one go.
          const before = ref.current;
          const result = applySessionEvents(before, reply.events);
          if (result.status === "applied") {
            set(result.state);
            for (const event of reply.events.filter((e) => e.seq > before.seq)) {
              onAppliedRef.current(event, before, result.state);
            }
          }
          if (reply.events.length < REPLAY_PAGE) break;
        }
      } while (again.current);
    } finally {
      syncing.current = false;
    }
  }, [sessionId, set]);

  const connected = useRoom(rooms.liveSession(sessionId));
  // After every (re)join: whatever happened between the server render (or the disconnect) and the join.
  useEffect(() => {
    if (connected) void sync();
  }, [connected, sync]);

  useSocketEvent("session:event", (event) => {
    if (event.sessionId !== sessionId) return;
    if (syncing.current) {
      // A replay is under way: apply what fits, and make the replay go round once more for the rest.
      if (apply([event]) === "gap") again.current = true;
      return;
    }
    if (apply([event]) === "gap") void sync();
  });
  useSocketEvent("session:presence", (p) => {
    if (p.sessionId === sessionId) setWatching(p.watching);
  });

  const command = useCallback(
    async (name: SessionCommand, args: Record<string, unknown>): Promise<SessionCommandAck> => {
      const socket = sessionSocket();
      if (!socket?.connected) return { ok: false, messageKey: "live.errors.offline" };
      try {
        return (await socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck("session:command", { sessionId, command: name, args })) as SessionCommandAck;
      } catch {
        return { ok: false, messageKey: "live.errors.noAnswer" };
      }
    },
    [sessionId],
  );

  const patch = useCallback((fn: (s: SessionState) => SessionState) => set(fn(ref.current)), [set]);

  const adoptPrivate = useCallback(
    (snapshot: SessionState) => {
      const current = ref.current;
      // Older than what the page shows: a later event may already have moved one of these questions.
      if (snapshot.seq < current.seq || snapshot.session.id !== current.session.id) return false;
      set({
        ...current,
        pendingQuestions: snapshot.pendingQuestions,
        myQuestions: snapshot.myQuestions,
      });
      return true;
    },
    [set],
  );

  return { state, connected, watching, command, patch, adoptPrivate };
}

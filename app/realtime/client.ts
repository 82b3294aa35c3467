/**
 * The browser's one Socket.io connection, shared by every component, and hooks to use it. Rooms are
 * re-joined after every reconnect; `onReconnect` lets a page fetch what it missed while offline.
 */
import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { ServerEvents } from "./events.ts";

type ClientEmits = {
  "room:join": (payload: { room: string }) => void;
  "room:leave": (payload: { room: string }) => void;
};
type ClientSocket = Socket<ServerEvents, ClientEmits>;
let socket: ClientSocket | null = null;

export function getSocket(): ClientSocket | null {
  if (typeof window === "undefined") return null;
  // WebSocket only: any app process can take the connection (no sticky sessions between nodes).
  if (!socket) socket = io({ transports: ["websocket"], withCredentials: true });
  return socket;
}

/** Calls `handler` for every `event` while mounted (the latest handler, without re-subscribing). */
export function useSocketEvent<E extends keyof ServerEvents>(event: E, handler: ServerEvents[E]): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const s = getSocket();
    if (!s) return;
    const listener = ((...args: Parameters<ServerEvents[E]>) =>
      (ref.current as (...a: unknown[]) => void)(...args)) as never;
    s.on(event, listener);
    return () => {
      s.off(event, listener);
    };
  }, [event]);
}

/**
 * Joins `room` while mounted and after each reconnect. `onReconnect` runs after a re-join that followed a
 * disconnect (not on the first join): the moment to fetch what was missed. Returns whether the socket is
 * connected, for an unobtrusive "offline" hint.
 */
export function useRoom(room: string | null, options: { onReconnect?: () => void } = {}): boolean {
  const [connected, setConnected] = useState(false);
  const onReconnect = useRef(options.onReconnect);
  onReconnect.current = options.onReconnect;
  useEffect(() => {
    const s = getSocket();
    if (!s || !room) return;
    let joinedBefore = false;
    const join = () => {
      setConnected(true);
      s.emit("room:join", { room });
      if (joinedBefore) onReconnect.current?.();
      joinedBefore = true;
    };
    const down = () => setConnected(false);
    if (s.connected) join();
    s.on("connect", join);
    s.on("disconnect", down);
    return () => {
      s.off("connect", join);
      s.off("disconnect", down);
      s.emit("room:leave", { room });
    };
  }, [room]);
  return connected;
}

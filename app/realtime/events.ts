import { z } from "zod";

// Every real-time event: its name and payload schema, shared by server, workers and client.
export const clientEvents = {
  /** Ask to join a public room; the server checks the policy before joining. */
  "room:join": z.object({ room: z.string().min(1).max(100) }),
  "room:leave": z.object({ room: z.string().min(1).max(100) }),
} as const;

export type ServerEvents = {
  "notification:new": (payload: { id: string; type: string; unread: number }) => void;
  "error:input": (payload: { event: string; messageKey: string }) => void;
  "session:whoami": (payload: { userId: string | null }) => void;
};

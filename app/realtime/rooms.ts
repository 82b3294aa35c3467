// Socket.io room names, one helper per kind of room.
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  consultation: (id: string) => `consultation:${id}`,
  liveSession: (id: string) => `session:${id}`,
  minutes: (id: string) => `minutes:${id}`,
  moderation: () => "moderation",
  /** Urgent-submission alerts: moderators, directorate and admins. */
  alerts: () => "alerts",
};

// Agent status history in SQLite: one row per stretch of time an agent spent in a status, the
// input for occupancy and staffed time. The current stretch is open (no `to`) until the next change.

export interface AgentStatusInterval {
  agentId: string;
  /** The router's AgentStatus: Offline, Available, Ringing, OnContact, AfterContactWork, Missed, Custom. */
  status: string;
  /** The name of a Custom, not-routable status (Break, Lunch). */
  customStatus?: string;
  /** ISO 8601. */
  from: string;
  /** ISO 8601; absent while the agent is still in this status. */
  to?: string;
  /** Why the line itself put the agent in this status (LINE_CRASH: set Offline when the line restarted after a crash). */
  reason?: string;
}

// Agent status history in SQLite: one row per stretch of time an agent spent in a status.
import type Database from 'better-sqlite3';
import type { AgentStatusInterval } from '../contacts/agent-status.ts';

interface Row {
  agent_id: string;
  status: string;
  custom_status: string | null;
  from_ts: number;
  to_ts: number | null;
  reason: string | null;
}

function toInterval(r: Row): AgentStatusInterval {
  return {
    agentId: r.agent_id,
    status: r.status,
    ...(r.custom_status !== null ? { customStatus: r.custom_status } : {}),
    from: new Date(r.from_ts).toISOString(),
    ...(r.to_ts !== null ? { to: new Date(r.to_ts).toISOString() } : {}),
    ...(r.reason !== null ? { reason: r.reason } : {}),
  };
}

export class SqliteAgentStatusHistory {
  private readonly closeOpen: Database.Statement;
  private readonly closeEveryOpen: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly appendTx: (change: { agentId: string; status: string; customStatus?: string; at: number }) => void;

  constructor(private readonly db: Database.Database) {
    this.closeOpen = db.prepare('UPDATE agent_status_history SET to_ts = ? WHERE agent_id = ? AND to_ts IS NULL');
    this.closeEveryOpen = db.prepare('UPDATE agent_status_history SET to_ts = ? WHERE to_ts IS NULL');
    this.insert = db.prepare('INSERT INTO agent_status_history (agent_id, status, custom_status, from_ts) VALUES (?, ?, ?, ?)');
    this.appendTx = db.transaction((change: { agentId: string; status: string; customStatus?: string; at: number }) => {
      this.closeOpen.run(change.at, change.agentId);
      this.insert.run(change.agentId, change.status, change.customStatus ?? null, change.at);
    });
  }

  /** The agent entered `status` at `at`: closes the stretch they were in and opens a new one. */
  append(change: { agentId: string; status: string; customStatus?: string; at: Date | number }): void {
    const at = typeof change.at === 'number' ? change.at : change.at.getTime();
    this.appendTx({ agentId: change.agentId, status: change.status, ...(change.customStatus !== undefined ? { customStatus: change.customStatus } : {}), at });
  }

  /** Ends the agent's open stretch (they went away without a last status change). */
  close(agentId: string, at: Date | number): void {
    this.closeOpen.run(typeof at === 'number' ? at : at.getTime(), agentId);
  }

  /** Ends every open stretch: at shutdown, or at start-up for stretches a crash left open. */
  closeAll(at: Date | number): number {
    return this.closeEveryOpen.run(typeof at === 'number' ? at : at.getTime()).changes;
  }

  /**
   * The line crashed at `at` (its last heartbeat): every open stretch ends there, and each agent who
   * was in a status other than Offline is Offline from then on, with `reason` saying why. Returns those agents.
   */
  endRun(at: number, reason: string): string[] {
    return this.db.transaction(() => {
      const open = this.db.prepare('SELECT agent_id, status FROM agent_status_history WHERE to_ts IS NULL').all() as { agent_id: string; status: string }[];
      // A stretch cannot end before it began: one opened after the last heartbeat ends where it began.
      this.db.prepare('UPDATE agent_status_history SET to_ts = MAX(from_ts, ?) WHERE to_ts IS NULL').run(at);
      const agents = [...new Set(open.filter((o) => o.status !== 'Offline').map((o) => o.agent_id))];
      const insert = this.db.prepare('INSERT INTO agent_status_history (agent_id, status, from_ts, reason) VALUES (?, \'Offline\', ?, ?)');
      for (const agentId of agents) insert.run(agentId, at, reason);
      return agents;
    })();
  }

  /** Stretches overlapping [from, to), oldest first; open stretches included. */
  list(range: { from: Date | number; to: Date | number; agentId?: string }): AgentStatusInterval[] {
    const from = typeof range.from === 'number' ? range.from : range.from.getTime();
    const to = typeof range.to === 'number' ? range.to : range.to.getTime();
    const rows = this.db.prepare(`
      SELECT agent_id, status, custom_status, from_ts, to_ts, reason FROM agent_status_history
      WHERE from_ts < ? AND (to_ts IS NULL OR to_ts > ?) ${range.agentId !== undefined ? 'AND agent_id = ?' : ''}
      ORDER BY from_ts, id`).all(...[to, from, ...(range.agentId !== undefined ? [range.agentId] : [])]) as Row[];
    return rows.map(toInterval);
  }
}

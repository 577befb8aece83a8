// Start-up after a crash (kill -9, power loss, OOM killer): the previous run left its heartbeat and
// the contacts it had in flight (store/in-flight.ts). Each of those gets its record, ended at the
// last heartbeat with LINE_CRASH (a row an earlier beat wrote is re-timed to it: the contact had not
// changed since); its partial recording is made playable and stays linked; every agent who was
// signed in is Offline from the crash on, the status history saying why.
import { join } from 'node:path';
import { DEFAULT_RATES } from '../contacts/cost.ts';
import type { ContactRecord } from '../contacts/record.ts';
import { crashRecordEndedAt } from '../runtime/contact-records.ts';
import type { SqliteAgentStatusHistory } from '../store/agent-status-history.ts';
import type { SqliteContactStore } from '../store/contacts.ts';
import type { SqliteInFlightStore } from '../store/in-flight.ts';
import { RECORDING_LAYOUT } from '../telephony/media/recorder.ts';
import { repairWav } from '../telephony/media/wav.ts';
import type { Line } from './line.ts';

export interface CrashRecovery {
  /** The previous run's last heartbeat: when the line is taken to have stopped. */
  crashedAt: number;
  /** Contacts in flight at the crash, now recorded as LINE_CRASH. */
  recorded: string[];
  /** Recordings whose sizes were set from their length. */
  recordingsRepaired: number;
  /** Agents set Offline (they were signed in when the line stopped). */
  agentsOffline: string[];
}

export async function recoverFromCrash(
  line: Pick<Line, 'db' | 'dataDir' | 'definition'>,
  stores: { contacts: SqliteContactStore; inFlight: SqliteInFlightStore; history: SqliteAgentStatusHistory },
): Promise<CrashRecovery | undefined> {
  const run = stores.inFlight.crashedRun();
  if (!run) return undefined;
  const records: ContactRecord[] = [];
  let recordingsRepaired = 0;
  const rates = line.definition.rates ?? DEFAULT_RATES;
  for (const { record, heartbeatAt } of run.contacts) {
    if (stores.contacts.get(record.contactId)) continue; // saved before the crash: that record stands
    // Ended at the last heartbeat: the latest moment the line is known to have carried the call.
    const ended = heartbeatAt < run.lastHeartbeatAt ? crashRecordEndedAt(record, run.lastHeartbeatAt, rates) : record;
    let recovered: ContactRecord = { ...ended, disconnectReason: 'LINE_CRASH' };
    if (record.recording) {
      const fixed = await repairWav(join(line.dataDir, record.recording.location), RECORDING_LAYOUT);
      if (fixed.ok) {
        if (fixed.repaired) recordingsRepaired++;
      } else {
        const { recording, ...rest } = recovered;
        recovered = { ...rest, recordingNote: `the recording ${recording?.location} could not be recovered: ${fixed.reason}` };
      }
    }
    records.push(recovered);
  }
  const agentsOffline = line.db.transaction(() => {
    for (const r of records) stores.contacts.save(r);
    const agents = stores.history.endRun(run.lastHeartbeatAt, 'LINE_CRASH');
    stores.inFlight.clear();
    return agents;
  })();
  return { crashedAt: run.lastHeartbeatAt, recorded: records.map((r) => r.contactId), recordingsRepaired, agentsOffline };
}

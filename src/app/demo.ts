// The demo company in a data directory, so a newcomer can call the line right after `chokutsu init`:
// its definition and flows, its customers, and a user for the admin and each agent, and a password
// for each agent's desk phone, generated and written where only the owner can read them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Customer } from '../directory/customers.ts';
import { demoCustomers, SHIPPED_FLOWS_DIR, writeDemoInstance } from '../instance/demo.ts';
import { addUser, countUsers, generatePassword, setAgentPhonePassword } from './accounts.ts';
import { openLine, type Line } from './line.ts';

export const DEMO_USERS_FILE = 'demo-users.txt';

/** One line of demo-users.txt. */
export interface DemoAccount {
  username: string;
  password: string;
  /** What the account is: "admin", "agent sato (佐藤 花子)", "SIP phone of sato". */
  role: string;
}

export type DemoProvision =
  /** A definition was there already; nothing was written. */
  | { written: false; file: string }
  | {
      written: true;
      /** The definition written. */
      file: string;
      company: string;
      customers: Customer[];
      /** The accounts created, when the line had no users yet. */
      users?: { file: string; accounts: DemoAccount[] };
    };

export interface ProvisionDemoOptions {
  /** Overwrite an existing definition and import the demo customers again. */
  force: boolean;
  now: Date;
  /** Warnings found while opening the line. */
  warn?: (message: string) => void;
  /** Where the demo's flows are copied from (default: the shipped flows). */
  flowsDir?: string;
}

/** Throws LineConfigError when the line written cannot open. */
export async function provisionDemo(dataDir: string, options: ProvisionDemoOptions): Promise<DemoProvision> {
  const { file, written } = writeDemoInstance(dataDir, { force: options.force, flowsDir: options.flowsDir ?? SHIPPED_FLOWS_DIR });
  if (!written) return { written: false, file };
  const line = await openLine(dataDir, { now: () => options.now, ...(options.warn ? { warn: options.warn } : {}) });
  try {
    if (line.directory.count() === 0 || options.force) line.directory.importAll(demoCustomers(), options.now);
    const customers = line.directory.list();
    const users = countUsers(line) === 0 ? await createDemoAccounts(line, options.now) : undefined;
    return { written: true, file, company: line.definition.name, customers, ...(users ? { users } : {}) };
  } finally {
    line.close();
  }
}

async function createDemoAccounts(line: Line, now: Date): Promise<{ file: string; accounts: DemoAccount[] }> {
  const admin = generatePassword();
  await addUser(line, { username: 'admin', password: admin, role: 'admin' });
  const accounts: DemoAccount[] = [{ username: 'admin', password: admin, role: 'admin' }];
  for (const a of line.definition.agents) {
    const password = generatePassword();
    await addUser(line, { username: a.username, password, role: 'agent', agentId: a.id });
    accounts.push({ username: a.username, password, role: `agent ${a.id} (${a.name})` });
  }
  for (const a of line.definition.agents) {
    if (!a.extension) continue;
    const password = generatePassword();
    setAgentPhonePassword(line, { id: a.id, extension: a.extension }, password, now);
    accounts.push({ username: a.extension, password, role: `SIP phone of ${a.id}` });
  }
  const file = join(line.dataDir, DEMO_USERS_FILE);
  const rows = accounts.map((a) => `${a.username}\t${a.password}\t${a.role}`);
  writeFileSync(file, `# username\tpassword\trole\n${rows.join('\n')}\n`, { mode: 0o600 });
  return { file, accounts };
}

// Opens the line for one command and closes it afterwards. Problems the user can fix print their
// message and become the exit code: a definition that does not load (1), keys or CSV rows that
// are not right (2). Anything else is a bug and is thrown.
import { CsvImportError } from '../directory/csv.ts';
import { LineConfigError, openLine, type Line } from '../app/line.ts';
import { KeyScriptError, VirtualClock } from '../runtime/text-call.ts';
import type { Io } from './io.ts';

export async function withLine(
  dataDir: string, io: Io, use: (line: Line) => Promise<number>, clock = new VirtualClock(Date.now()),
): Promise<number> {
  let line: Line;
  try {
    line = await openLine(dataDir, { now: () => clock.now(), warn: (m) => io.err(`warning: ${m}`) });
  } catch (err) {
    if (err instanceof LineConfigError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  try {
    return await use(line);
  } catch (err) {
    if (err instanceof KeyScriptError || err instanceof CsvImportError) {
      io.err(err.message);
      return 2;
    }
    throw err;
  } finally {
    line.close();
  }
}

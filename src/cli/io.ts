// Where the command's output goes: the process's streams, or lists a test reads.

/** Output sinks, so tests can run the command in-process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};

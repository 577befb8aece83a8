#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so there is no build step to forget.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// V8's memory reducer ran back-to-back full GCs (14–54 ms, with helper threads) a few seconds
// after each burst of call setup, to give memory back; on two cores that took the media workers'
// CPU and the far ends heard it (docs/decisions.md, Media plane). The heap is still collected as
// it fills, only not shrunk when the line goes quiet. Set before tsx starts its loader thread and
// before any media worker, so every isolate of the process is created without it.
setFlagsFromString('--no-memory-reducer');

// `chokutsu … | head` closes the pipe early; that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

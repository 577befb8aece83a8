// A media worker's first module, plain JavaScript so it loads before TypeScript can: the line runs
// its sources through tsx, whose loader a worker thread does not inherit (neither from
// `node --import tsx` nor from bin/chokutsu.mjs's register()), so the worker registers its own.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

// The functions of the definition bundled for AWS Lambda with esbuild, locally (no Docker): the same
// src/functions code the line runs, one ESM file per function. The AWS SDK v3 is left out: the
// Lambda Node.js runtime provides it.
import { buildSync } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionMapping, InstanceDefinition } from '../src/instance/types.ts';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** The Lambda entry points of the built-in handlers. */
export const BUILT_IN_ENTRIES: Record<string, string> = {
  'holiday-check': join(SRC, 'functions', 'aws', 'holiday-check.ts'),
  'customer-lookup': join(SRC, 'functions', 'aws', 'customer-lookup.ts'),
};

export interface BundledFunction {
  mapping: FunctionMapping;
  /** A short name for construct ids and the function name: the ARN's last segment. */
  name: string;
  /** Directory holding index.mjs, for lambda.Code.fromAsset. */
  dir: string;
}

export function functionName(mapping: FunctionMapping): string {
  return mapping.arn.split(':').at(-1) ?? mapping.handler;
}

export function bundleFunctions(def: InstanceDefinition, definitionDir: string, outDir: string): BundledFunction[] {
  return def.functions.map((mapping) => {
    const name = functionName(mapping);
    const entry = BUILT_IN_ENTRIES[mapping.handler] ?? resolve(definitionDir, mapping.handler);
    const dir = join(outDir, name);
    mkdirSync(dir, { recursive: true });
    buildSync({
      entryPoints: [entry],
      outfile: join(dir, 'index.mjs'),
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      external: ['@aws-sdk/*'],
      // Bundled CommonJS dependencies may require() Node's modules; ESM has no require of its own.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      legalComments: 'none',
      logLevel: 'error',
    });
    return { mapping, name, dir };
  });
}

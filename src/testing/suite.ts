// Test case files and directories, run one after another against one line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runTestCase, type TestLine, type TestResult } from './runner.ts';
import { parseTestCase } from './test-case.ts';

export interface FileResult {
  file: string;
  /** Present when the file is not a test case. */
  problems?: string[];
  result?: TestResult;
}

/** Every .json file under the given files and directories, in name order. */
export function testCaseFiles(paths: string[]): string[] {
  return paths.flatMap((p) => {
    if (!statSync(p).isDirectory()) return [p];
    return testCaseFiles(readdirSync(p).sort().map((n) => join(p, n)).filter((f) => statSync(f).isDirectory() || f.endsWith('.json')));
  });
}

export async function runTestFiles(files: string[], line: TestLine): Promise<FileResult[]> {
  const startedAt = line.clock.epochMs();
  const results: FileResult[] = [];
  for (const file of files) {
    const parsed = parseTestCase(readFileSync(file, 'utf8'), basename(file, '.json'));
    if (!parsed.ok) {
      results.push({ file, problems: parsed.problems });
      continue;
    }
    line.clock.setTo(startedAt); // each case starts from the same "now" unless it says when
    results.push({ file, result: await runTestCase(parsed.testCase, line) });
  }
  return results;
}

export const passed = (r: FileResult): boolean => r.result?.passed === true;

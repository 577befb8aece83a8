// Definition edits: written in the file's own format (YAML keeps its comments), refused whole when invalid.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { findDefinitionFile } from '../../src/app/line.ts';
import { addPrompt, DefinitionEditError, setHoursOfOperation, setPhoneNumberFlow } from '../../src/instance/edit.ts';
import { loadInstance } from '../../src/instance/load.ts';
import { demoDataDir } from '../runtime/support.ts';

const entry = (Day: 'MONDAY' | 'TUESDAY', from: number, to: number) => ({ Day, StartTime: { Hours: from, Minutes: 0 }, EndTime: { Hours: to, Minutes: 30 } });

function demo(): { dir: string; file: string } {
  const dir = demoDataDir();
  return { dir, file: findDefinitionFile(dir) as string };
}

test('hours are set in YAML keeping its comments; overlaps and unknown ids are refused and the file is untouched', () => {
  const { dir, file } = demo();
  try {
    writeFileSync(file, `# the company line\n${readFileSync(file, 'utf8')}`);
    const before = loadInstance(file);
    assert.ok(before.ok);
    const def = setHoursOfOperation(file, before.instance.definition, 'business-hours', [entry('MONDAY', 10, 12), entry('TUESDAY', 22, 2)]);
    assert.deepEqual(def.hoursOfOperation[0]?.config, [entry('MONDAY', 10, 12), entry('TUESDAY', 22, 2)]);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^# the company line\n/);
    assert.throws(() => setHoursOfOperation(file, def, 'business-hours', [entry('MONDAY', 9, 12), entry('MONDAY', 11, 13)]),
      (e: unknown) => e instanceof DefinitionEditError && e.code === 'Invalid' && /overlaps/.test(e.message));
    assert.throws(() => setHoursOfOperation(file, def, 'nope', []), (e: unknown) => e instanceof DefinitionEditError && e.code === 'NotFound');
    assert.equal(readFileSync(file, 'utf8'), text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a JSON definition is rewritten as JSON: a number\'s flow, a new prompt', () => {
  const { dir, file } = demo();
  try {
    const loaded = loadInstance(file);
    assert.ok(loaded.ok);
    const json = join(dir, 'chokutsu.json');
    writeFileSync(json, JSON.stringify(loaded.instance.definition, null, 2));
    rmSync(file);
    let def = setPhoneNumberFlow(json, loaded.instance.definition, '+81501234567', 'customer-queue');
    def = addPrompt(json, def, { id: 'hello', name: 'Hello', text: 'hello' });
    const written = JSON.parse(readFileSync(json, 'utf8')) as { phoneNumbers: { flow: string }[]; prompts: { id: string }[] };
    assert.equal(written.phoneNumbers[0]?.flow, 'customer-queue');
    assert.deepEqual(written.prompts, [{ id: 'hello', name: 'Hello', text: 'hello' }]);
    assert.throws(() => setPhoneNumberFlow(json, def, '+81501234567', 'nope'), DefinitionEditError);
    assert.throws(() => addPrompt(json, def, { id: 'hello', name: 'Again', text: 'x' }), DefinitionEditError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

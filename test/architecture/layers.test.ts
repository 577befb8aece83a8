// The layer rules (.dependency-cruiser.cjs) run on every `npm test`; these tests show they hold on
// the source and that a wrong-way import really fails, naming the rule it breaks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

function cruise(cwd: string, paths: string[]): { status: number | null; output: string } {
  const r = spawnSync(DEPCRUISE, [...paths, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('the layers', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A tiny source tree with the project's rules, one file per entry. */
  function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'chokutsu-layers-'));
    dirs.push(dir);
    copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, noEmit: true } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }

  it('hold on the source: no wrong-way import and no file cycle', () => {
    const r = cruise(ROOT, ['src', 'flows', 'infra']);
    assert.equal(r.status, 0, r.output);
  });

  it('a core importing an adapter fails, naming the rule', () => {
    const dir = tree({
      'src/store/db.ts': 'export const db = 1;\n',
      'src/routing/router.ts': "import { db } from '../store/db.ts';\nexport const r = db;\n",
    });
    const r = cruise(dir, ['src']);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /core-imports-no-layer-above: src\/routing\/router\.ts → src\/store\/db\.ts/);
  });

  it('one adapter importing another fails, and so does an adapter importing the composition root', () => {
    const dir = tree({
      'src/app/services.ts': 'export const services = 1;\n',
      'src/server/app.ts': "import { services } from '../app/services.ts';\nexport const a = services;\n",
      'src/telephony/sip-line.ts': "import { a } from '../server/app.ts';\nexport const s = a;\n",
    });
    const r = cruise(dir, ['src']);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /telephony-imports-no-other-adapter: src\/telephony\/sip-line\.ts → src\/server\/app\.ts/);
    assert.match(r.output, /adapters-below-the-composition-root: src\/server\/app\.ts → src\/app\/services\.ts/);
  });

  it('a file cycle and a flow import of calendar code fail', () => {
    const dir = tree({
      'src/calendar/hours.ts': 'export const open = true;\n',
      'src/flow/a.ts': "import { b } from './b.ts';\nimport { open } from '../calendar/hours.ts';\nexport const a = () => b() && open;\n",
      'src/flow/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
    });
    const r = cruise(dir, ['src']);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /no-cycles: src\/flow\/a\.ts/);
    assert.match(r.output, /flow-is-the-ground: src\/flow\/a\.ts → src\/calendar\/hours\.ts/);
  });

  it('a core doing I/O fails', () => {
    const dir = tree({ 'src/contacts/store.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n" });
    const r = cruise(dir, ['src']);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /core-does-no-io: src\/contacts\/store\.ts → (node:)?fs/);
  });
});

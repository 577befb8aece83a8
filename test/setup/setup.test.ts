// `npm run setup` (scripts/setup.sh) installs from the lockfile without rewriting it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** scripts/setup.sh in a checkout of its own, run with --dry-run; the npm lines it would run. */
function dryRun(layout: { lockfile: boolean; nodeModules?: 'dir' | 'link' }): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-setup-'));
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(ROOT, 'scripts', 'setup.sh'), join(dir, 'scripts', 'setup.sh'));
  writeFileSync(join(dir, 'package.json'), '{"name":"x","version":"1.0.0"}');
  if (layout.lockfile) writeFileSync(join(dir, 'package-lock.json'), '{}');
  if (layout.nodeModules === 'dir') mkdirSync(join(dir, 'node_modules'));
  if (layout.nodeModules === 'link') symlinkSync(tmpdir(), join(dir, 'node_modules'));
  const out = execFileSync('bash', [join(dir, 'scripts', 'setup.sh'), '--dry-run'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => /npm|node_modules/.test(l) && !/build:web/.test(l));
}

describe('scripts/setup.sh', () => {
  test('with a lockfile: npm ci, which installs it as it is and never rewrites it', () => {
    assert.deepEqual(dryRun({ lockfile: true }), ['would run: npm ci --no-audit --no-fund']);
    assert.deepEqual(dryRun({ lockfile: true, nodeModules: 'dir' }), ['would run: npm ci --no-audit --no-fund']);
  });

  test('without one: npm install', () => {
    assert.deepEqual(dryRun({ lockfile: false }), ['would run: npm install --no-audit --no-fund']);
  });

  test('the web app is built after the install', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chokutsu-setup-'));
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(ROOT, 'scripts', 'setup.sh'), join(dir, 'scripts', 'setup.sh'));
    writeFileSync(join(dir, 'package.json'), '{"name":"x","version":"1.0.0"}');
    const out = execFileSync('bash', [join(dir, 'scripts', 'setup.sh'), '--dry-run'], { encoding: 'utf8' }).split('\n');
    assert.ok(out.indexOf('would run: npm run build:web') > out.indexOf('would run: npm install --no-audit --no-fund'));
  });

  test('a node_modules that links to a shared install is not deleted by npm ci', () => {
    const lines = dryRun({ lockfile: true, nodeModules: 'link' });
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /^node_modules is a link to a shared install .*: not reinstalling$/);
  });
});

test('package-lock.json is in step with package.json (npm ci would refuse it otherwise)', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { name: string; version: string; packages: Record<string, Record<string, unknown>> };
  const root = lock.packages[''] ?? {};
  assert.equal(lock.name, pkg['name']);
  assert.equal(lock.version, pkg['version']);
  for (const field of ['name', 'version', 'license', 'bin', 'engines', 'dependencies', 'devDependencies']) {
    assert.deepEqual(root[field], pkg[field], `package-lock.json packages[""].${field}`);
  }
});

import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/database.ts';
import { SqliteCustomerDirectory } from '../../src/store/customers.ts';
import { parseCustomersCsv } from '../../src/directory/csv.ts';

describe('SqliteCustomerDirectory', () => {
  let dir: string;
  let db: Database.Database;
  let directory: SqliteCustomerDirectory;
  const now = new Date('2025-04-01T09:00:00Z');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chokutsu-'));
    db = openDatabase(dir);
    directory = new SqliteCustomerDirectory(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('finds a customer after an import', () => {
    const parsed = parseCustomersCsv('customer_number,name,queue\n1001,山田商事,sales\n1002,佐藤工業,support\n');
    assert.ok(parsed.ok);
    assert.deepEqual(directory.importAll(parsed.customers, now), { inserted: 2, updated: 0 });
    assert.deepEqual(directory.find('1001'), { customerNumber: '1001', name: '山田商事', queue: 'sales' });
    assert.equal(directory.find('9999'), undefined);
    assert.equal(directory.count(), 2);
  });

  test('re-importing a number updates it instead of duplicating it, and stamps the import time', () => {
    directory.importAll([{ customerNumber: '1', name: 'Old', queue: 'a' }], now);
    const later = new Date('2025-05-01T00:00:00Z');
    assert.deepEqual(
      directory.importAll([{ customerNumber: '1', name: 'New', queue: 'b' }, { customerNumber: '2', name: 'Two', queue: 'a' }], later),
      { inserted: 1, updated: 1 });
    assert.deepEqual(directory.find('1'), { customerNumber: '1', name: 'New', queue: 'b' });
    const row = db.prepare('SELECT updated_at FROM customers WHERE customer_number = ?').get('1') as { updated_at: string };
    assert.equal(row.updated_at, later.toISOString());
  });

  test('lists customers in numeric order, keeping leading zeros', () => {
    directory.importAll([
      { customerNumber: '10', name: 'Ten', queue: 'q' },
      { customerNumber: '9', name: 'Nine', queue: 'q' },
      { customerNumber: '007', name: 'Bond', queue: 'q' },
    ], now);
    assert.deepEqual(directory.list().map((c) => c.customerNumber), ['9', '10', '007']);
  });

  test('an import that fails part-way leaves the directory unchanged', () => {
    directory.importAll([{ customerNumber: '1', name: 'Keep', queue: 'q' }], now);
    const broken = { customerNumber: '3', name: null, queue: 'q' } as unknown as { customerNumber: string; name: string; queue: string };
    assert.throws(() => directory.importAll([{ customerNumber: '2', name: 'Two', queue: 'q' }, broken], now));
    assert.equal(directory.count(), 1);
    assert.equal(directory.find('2'), undefined);
  });

  test('removes a customer', () => {
    directory.importAll([{ customerNumber: '1', name: 'One', queue: 'q' }], now);
    assert.equal(directory.remove('1'), true);
    assert.equal(directory.remove('1'), false);
    assert.equal(directory.find('1'), undefined);
  });

  test('a CSV with a bad row on line 4 imports nothing and reports line 4', () => {
    const csv = 'customer_number,name,queue\n1,A,q\n2,B,q\n3x,C,q\n4,D,q\n';
    const parsed = parseCustomersCsv(csv);
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.deepEqual(parsed.errors.map((e) => [e.line, e.column]), [[4, 'customer_number']]);
    assert.equal(directory.count(), 0);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Closure } from '../../src/instance/types.ts';
import { InvalidClosureError, closureOn, validateClosure } from '../../src/calendar/closures.ts';
import { SqliteClosureStore } from '../../src/store/closures.ts';
import { openDatabase } from '../../src/store/database.ts';

const yearEnd: Closure = { from: '12-29', to: '01-03', name: '年末年始休業' };
const founding: Closure = { from: '2026-07-10', to: '2026-07-11', name: '創立記念日' };

describe('closureOn', () => {
  test('a one-off closure covers its dates inclusively and nothing else', () => {
    assert.equal(closureOn([founding], '2026-07-09'), undefined);
    assert.equal(closureOn([founding], '2026-07-10'), founding);
    assert.equal(closureOn([founding], '2026-07-11'), founding);
    assert.equal(closureOn([founding], '2026-07-12'), undefined);
    assert.equal(closureOn([founding], '2027-07-10'), undefined);
  });

  test('an annual 12-29..01-03 closure wraps the year end, every year', () => {
    assert.equal(closureOn([yearEnd], '2026-12-28'), undefined);
    assert.equal(closureOn([yearEnd], '2026-12-31'), yearEnd);
    assert.equal(closureOn([yearEnd], '2027-01-02'), yearEnd);
    assert.equal(closureOn([yearEnd], '2027-01-04'), undefined);
    assert.equal(closureOn([yearEnd], '2030-01-01'), yearEnd);
  });

  test('an annual closure within one year', () => {
    const obon: Closure = { from: '08-13', to: '08-16', name: 'お盆休み' };
    assert.equal(closureOn([obon], '2026-08-13'), obon);
    assert.equal(closureOn([obon], '2026-08-17'), undefined);
    assert.equal(closureOn([obon], '2026-01-01'), undefined);
  });

  test('an invalid closure never matches', () => {
    assert.equal(closureOn([{ from: '2026-12-29', to: '01-03', name: 'mixed' }], '2026-12-30'), undefined);
  });
});

describe('validateClosure', () => {
  test('accepts one-off and annual (wrapping) closures', () => {
    assert.deepEqual(validateClosure(founding), []);
    assert.deepEqual(validateClosure(yearEnd), []);
    assert.deepEqual(validateClosure({ from: '02-29', to: '02-29', name: 'leap' }), []);
  });

  test('lists every problem', () => {
    assert.deepEqual(validateClosure({ from: '2026-02-30', to: '13-01', name: ' ' }), [
      'from "2026-02-30" is not a date (YYYY-MM-DD, or MM-DD for every year)',
      'to "13-01" is not a date (YYYY-MM-DD, or MM-DD for every year)',
      'name is empty',
    ]);
  });

  test('rejects mixed forms and a one-off range that ends before it starts', () => {
    assert.deepEqual(validateClosure({ from: '2026-12-29', to: '01-03', name: 'x' }), [
      'from "2026-12-29" and to "01-03" must both be YYYY-MM-DD or both be MM-DD',
    ]);
    assert.deepEqual(validateClosure({ from: '2027-01-03', to: '2026-12-29', name: 'x' }), [
      'to "2026-12-29" is before from "2027-01-03"',
    ]);
  });
});

describe('SqliteClosureStore', () => {
  function withStore(run: (store: SqliteClosureStore) => void): void {
    const dir = mkdtempSync(join(tmpdir(), 'chokutsu-'));
    const db = openDatabase(dir);
    try {
      run(new SqliteClosureStore(db));
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('adds, lists and removes closures', () => {
    withStore((store) => {
      const id = store.add(founding);
      assert.deepEqual(store.list(), [{ id, ...founding, source: 'admin' }]);
      assert.equal(store.remove(id), true);
      assert.equal(store.remove(id), false);
      assert.deepEqual(store.list(), []);
    });
  });

  test('refuses an invalid closure with every problem listed', () => {
    withStore((store) => {
      assert.throws(() => store.add({ from: 'soon', to: '2026-01-01', name: '' }), (error: unknown) => {
        assert.ok(error instanceof InvalidClosureError);
        assert.equal(error.problems.length, 2);
        return true;
      });
      assert.deepEqual(store.list(), []);
    });
  });

  test('replaceFromDefinition replaces definition rows and keeps admin rows', () => {
    withStore((store) => {
      const adminId = store.add(founding);
      store.replaceFromDefinition([yearEnd, { from: '08-13', to: '08-16', name: 'お盆休み' }]);
      store.replaceFromDefinition([yearEnd]);
      const rows = store.list();
      assert.deepEqual(rows.map(({ from, to, name, source }) => ({ from, to, name, source })), [
        { ...yearEnd, source: 'definition' },
        { ...founding, source: 'admin' },
      ]);
      assert.equal(rows.find((r) => r.source === 'admin')?.id, adminId);
    });
  });

  test('replaceFromDefinition changes nothing when one closure is invalid', () => {
    withStore((store) => {
      store.replaceFromDefinition([yearEnd]);
      assert.throws(() => store.replaceFromDefinition([founding, { from: '12-32', to: '01-01', name: 'bad' }]), InvalidClosureError);
      assert.deepEqual(store.list().map((r) => r.name), ['年末年始休業']);
    });
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderedSet } from '../../src/routing/ordered-set.ts';
import { DeadlineHeap } from '../../src/routing/deadlines.ts';

describe('OrderedSet', () => {
  test('keeps elements in order through random inserts and deletes, with ranks', () => {
    const set = new OrderedSet<number>((a, b) => a - b, 42);
    const model = new Set<number>();
    let x = 7;
    for (let i = 0; i < 3000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const v = x % 500;
      if (model.has(v)) {
        assert.equal(set.delete(v), true);
        model.delete(v);
      } else {
        set.add(v);
        model.add(v);
      }
    }
    const sorted = [...model].sort((a, b) => a - b);
    assert.deepEqual([...set], sorted);
    assert.equal(set.size, sorted.length);
    assert.equal(set.first(), sorted[0]);
    sorted.forEach((v, i) => assert.equal(set.countBefore(v), i));
    assert.equal(set.find((v) => v > 250), sorted.find((v) => v > 250));
    assert.equal(set.delete(-1), false);
  });
});

describe('DeadlineHeap', () => {
  test('pops by time, ties in insertion order', () => {
    const heap = new DeadlineHeap<string>();
    heap.push(30, 'c');
    heap.push(10, 'a1');
    heap.push(20, 'b');
    heap.push(10, 'a2');
    heap.push(5, 'z');
    const order: string[] = [];
    for (let d = heap.pop(); d !== undefined; d = heap.pop()) order.push(d.item);
    assert.deepEqual(order, ['z', 'a1', 'a2', 'b', 'c']);
  });
});

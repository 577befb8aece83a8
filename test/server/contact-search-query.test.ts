// GET /api/contacts?… read into a contact search: the tag filter (TagContact's tags) beside the others.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contactSearch } from '../../src/server/queries.ts';
import { HttpError } from '../../src/server/errors.ts';

test('tag=key or tag=key=value becomes the search\'s tag filter; an unknown parameter names tag among the allowed', () => {
  assert.deepEqual(contactSearch({ tag: 'Department=Sales', agent: 'sato' }).filter, { agentId: 'sato', tag: 'Department=Sales' });
  assert.deepEqual(contactSearch({ tag: 'Department' }).filter, { tag: 'Department' });
  assert.throws(() => contactSearch({ tags: 'x' }), (e: unknown) => e instanceof HttpError && /unknown search parameter tags \(use .*\btag\b/.test(e.message));
});

// Sessions end when unused for the idle timeout and, used or not, at their maximum age; logout ends them at once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openDatabase } from '../../src/store/database.ts';
import { SqliteUserStore } from '../../src/store/users.ts';
import { DEFAULT_SESSION_POLICY, sessionPolicy } from '../../src/users/users.ts';

const T0 = Date.parse('2026-11-24T09:00:00+09:00');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

async function storeWithUser(policy = sessionPolicy({ sessionIdleMinutes: 30, sessionMaxHours: 8 })) {
  const db = openDatabase(fs.mkdtempSync(join(os.tmpdir(), 'chokutsu-sessions-')));
  const users = new SqliteUserStore(db, policy);
  const user = await users.create({ username: 'sato', password: 'sato-password', role: 'agent', agentId: 'sato' });
  return { users, user };
}

describe('session lifetime', () => {
  test('defaults: idle 60 minutes, at most 12 hours', () => {
    assert.deepEqual(sessionPolicy(), DEFAULT_SESSION_POLICY);
    assert.deepEqual(DEFAULT_SESSION_POLICY, { idleMs: 60 * 60_000, maxMs: 12 * 3600_000 });
  });

  test('a session unused for the idle timeout ends', async () => {
    const { users, user } = await storeWithUser();
    const { token, idleMinutes } = users.startSession(user, at(0));
    assert.equal(idleMinutes, 30);
    assert.equal(users.sessionUser(token, at(29))?.username, 'sato');
    assert.ok(users.sessionUser(token, at(58)), 'used at 29, idle 29 minutes: live');
    assert.equal(users.sessionUser(token, at(88)), undefined, 'idle 30 minutes: ended');
    assert.equal(users.sessionUser(token, at(89)), undefined, 'and it stays ended');
  });

  test('use keeps a session from going idle', async () => {
    const { users, user } = await storeWithUser();
    const { token } = users.startSession(user, at(0));
    for (let m = 20; m <= 200; m += 20) assert.equal(users.sessionUser(token, at(m))?.username, 'sato', `at ${m} min`);
  });

  test('a session ends at its maximum age however much it is used', async () => {
    const { users, user } = await storeWithUser();
    const { token, expiresAt } = users.startSession(user, at(0));
    assert.equal(expiresAt, at(8 * 60).toISOString());
    for (let m = 20; m < 8 * 60; m += 20) assert.ok(users.sessionUser(token, at(m)));
    assert.equal(users.sessionUser(token, at(8 * 60)), undefined);
  });

  test('logout ends the session at once; other sessions of the user stay', async () => {
    const { users, user } = await storeWithUser();
    const desk = users.startSession(user, at(0));
    const phone = users.startSession(user, at(0));
    users.endSession(desk.token);
    assert.equal(users.sessionUser(desk.token, at(1)), undefined);
    assert.ok(users.sessionUser(phone.token, at(1)));
  });
});

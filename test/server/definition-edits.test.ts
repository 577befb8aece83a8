// The admin's edits of the definition that apply to the running line at once: hours of operation,
// a number's flow, new flows (checked first), prompts from a WAV or a text, and prompts played back.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findDefinitionFile } from '../../src/app/line.ts';
import { loadInstance } from '../../src/instance/load.ts';
import { api, startTestLine, type TestLine } from '../e2e/support.ts';

const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const;
const hours = (days: readonly string[], from: number, to: number) =>
  days.map((Day) => ({ Day, StartTime: { Hours: from, Minutes: 0 }, EndTime: { Hours: to, Minutes: 0 } }));

async function callPath(line: TestLine, keys = ''): Promise<string[]> {
  const call = await api(line.url, line.admin, 'POST', '/api/calls', { keys });
  assert.equal(call.status, 201, call.text);
  const id = call.body['contactId'] as string;
  for (let i = 0; i < 100; i++) {
    const view = await api(line.url, line.admin, 'GET', `/api/calls/${id}`);
    const path = view.body['flowPath'] as string[];
    if (['ended', 'queued', 'ringing'].includes(view.body['phase'] as string) || path.some((a) => a === 'after-hours-message' || a.startsWith('new-'))) {
      await api(line.url, line.admin, 'DELETE', `/api/calls/${id}`);
      return path;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the call did not get anywhere');
}

async function upload(line: TestLine, path: string, bytes: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(line.url + path, { method: 'POST', headers: { authorization: `Bearer ${line.admin}`, 'content-type': 'audio/wav' }, body: bytes });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

describe('definition edits from the admin, applied at once', () => {
  let line: TestLine;
  let tmp: string;
  before(async () => {
    line = await startTestLine();
    tmp = mkdtempSync(join(tmpdir(), 'chokutsu-edits-'));
  });
  after(async () => {
    await line?.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  const definition = () => {
    const loaded = loadInstance(findDefinitionFile(line.dir) as string);
    assert.ok(loaded.ok);
    return loaded.instance.definition;
  };

  test('hours edited by the API: a call at Tuesday 10:00, now outside them, takes the after-hours branch', async () => {
    assert.ok(!(await callPath(line, '1001#')).includes('after-hours-message'));
    const bad = await api(line.url, line.admin, 'PUT', '/api/admin/hours/business-hours', { config: [...hours(['TUESDAY'], 9, 12), ...hours(['TUESDAY'], 11, 13)] });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body['error']), /overlaps/);
    assert.equal((await api(line.url, line.admin, 'PUT', '/api/admin/hours/nope', { config: [] })).status, 404);
    const r = await api(line.url, line.admin, 'PUT', '/api/admin/hours/business-hours', { config: hours(WEEKDAYS, 13, 18) });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(definition().hoursOfOperation[0]?.config, hours(WEEKDAYS, 13, 18));
    assert.deepEqual((await api(line.url, line.admin, 'GET', '/api/admin/hours')).body['hoursOfOperation'], [{ ...definition().hoursOfOperation[0] }]);
    assert.ok((await callPath(line, '1001#')).includes('after-hours-message'));
    // Back to the morning: the next call is answered again.
    await api(line.url, line.admin, 'PUT', '/api/admin/hours/business-hours', { config: hours(WEEKDAYS, 9, 18) });
    assert.ok(!(await callPath(line, '1001#')).includes('after-hours-message'));
  });

  test('a flow file is added after flow check passes, and made the line number\'s flow', async () => {
    const flow = {
      Version: '2019-10-30', StartAction: 'new-hello',
      Actions: [
        { Identifier: 'new-hello', Type: 'MessageParticipant', Parameters: { Text: 'new flow' }, Transitions: { NextAction: 'new-bye', Errors: [{ NextAction: 'new-bye', ErrorType: 'NoMatchingError' }] } },
        { Identifier: 'new-bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
      ],
    };
    const broken = { ...flow, Actions: [{ ...flow.Actions[0], Transitions: { NextAction: 'gone' } }] };
    const refused = await api(line.url, line.admin, 'POST', '/api/admin/flows', { id: 'broken', name: 'Broken', flow: broken });
    assert.equal(refused.status, 400);
    assert.match(String(refused.body['error']), /dangling-transition/);
    const added = await api(line.url, line.admin, 'POST', '/api/admin/flows', { id: 'short', name: 'Short', flow });
    assert.equal(added.status, 201, added.text);
    assert.deepEqual(added.body['flow'], { id: 'short', name: 'Short', file: 'flows/short.json' });
    assert.equal((await api(line.url, line.admin, 'POST', '/api/admin/flows', { id: 'short', name: 'Again', flow })).status, 400);
    assert.equal((await api(line.url, line.admin, 'GET', '/api/admin/flows/short')).body['StartAction'], 'new-hello');

    assert.equal((await api(line.url, line.admin, 'PUT', '/api/admin/phone-numbers/+81501234567/flow', { flow: 'nope' })).status, 404);
    assert.equal((await api(line.url, line.admin, 'PUT', '/api/admin/phone-numbers/+81000000000/flow', { flow: 'short' })).status, 404);
    const set = await api(line.url, line.admin, 'PUT', '/api/admin/phone-numbers/+81501234567/flow', { flow: 'short' });
    assert.equal(set.status, 200, set.text);
    assert.equal(definition().phoneNumbers[0]?.flow, 'short');
    assert.deepEqual((await callPath(line)).slice(0, 1), ['new-hello']);
    await api(line.url, line.admin, 'PUT', '/api/admin/phone-numbers/+81501234567/flow', { flow: 'direct-line' });
    assert.ok(!(await callPath(line, '1001#')).includes('new-hello'));
  });

  test('prompts: a WAV uploaded (converted to 8 kHz mono), a text, each played back as 8 kHz WAV; a bad file is a 400 saying why', async () => {
    const spoken = join(tmp, 'spoken.wav');
    execFileSync('espeak-ng', ['-v', 'en-us', '-w', spoken, '--', 'thank you for calling']); // 22050 Hz
    const stereo = join(tmp, 'stereo.wav');
    execFileSync('sox', [spoken, '-r', '44100', '-c', '2', stereo]);
    const ok = await upload(line, '/api/admin/prompts/wav?id=greeting&name=Greeting', readFileSync(stereo));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.deepEqual(ok.body['prompt'], { id: 'greeting', name: 'Greeting', file: 'prompts/greeting.wav' });
    const stored = readFileSync(join(line.dir, 'prompts', 'greeting.wav'));
    assert.equal(stored.readUInt32LE(24), 8000);
    assert.equal(stored.readUInt16LE(22), 1);
    assert.deepEqual(definition().prompts.map((p) => p.id), ['greeting']);

    const notWav = await upload(line, '/api/admin/prompts/wav?id=junk&name=Junk', Buffer.from('ID3 this is an mp3, honestly'));
    assert.equal(notWav.status, 400);
    assert.match(String(notWav.body['error']), /not a RIFF\/WAVE file/);
    const float = join(tmp, 'float.wav');
    execFileSync('sox', [spoken, '-e', 'floating-point', '-b', '32', float]);
    const floatR = await upload(line, '/api/admin/prompts/wav?id=float&name=Float', readFileSync(float));
    assert.equal(floatR.status, 400);
    assert.match(String(floatR.body['error']), /unsupported encoding \(WAVE format 3\)/);
    const ulaw = join(tmp, 'ulaw.wav');
    execFileSync('sox', [spoken, '-r', '8000', '-e', 'u-law', ulaw]);
    assert.equal((await upload(line, '/api/admin/prompts/wav?id=ulaw&name=ulaw', readFileSync(ulaw))).status, 201);

    const text = await api(line.url, line.admin, 'POST', '/api/admin/prompts', { id: 'closed', name: 'Closed', text: '本日は休業日です。' });
    assert.equal(text.status, 201, text.text);
    assert.equal((await api(line.url, line.admin, 'POST', '/api/admin/prompts', { id: 'closed', name: 'Again', text: 'x' })).status, 400);
    for (const id of ['greeting', 'closed']) {
      const res = await fetch(`${line.url}/api/admin/prompts/${id}/audio`, { headers: { authorization: `Bearer ${line.admin}` } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'audio/wav');
      const wav = Buffer.from(await res.arrayBuffer());
      assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
      assert.equal(wav.readUInt32LE(24), 8000);
      assert.ok(wav.length > 8000, `${id}: ${wav.length} bytes`);
    }
    assert.equal((await fetch(`${line.url}/api/admin/prompts/nope/audio`, { headers: { authorization: `Bearer ${line.admin}` } })).status, 404);
    const speak = await fetch(`${line.url}/api/admin/prompts/speak`, {
      method: 'POST', headers: { authorization: `Bearer ${line.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'preview' }),
    });
    assert.equal(speak.status, 200);
    assert.equal(Buffer.from(await speak.arrayBuffer()).readUInt32LE(24), 8000);
  });
});

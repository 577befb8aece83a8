// The admin pages that edit the running line, in Chromium: hours edited per weekday and saved (the
// definition file says so and a test call at a time now closed takes the after-hours branch), a
// prompt played (its <audio> reaches canplay), a number's flow chosen; screenshots in ja and en.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { findDefinitionFile } from '../../src/app/line.ts';
import { api, startTestLine, type TestLine } from '../e2e/support.ts';
import { ensureWebBuilt, launchBrowser, logInAs, screenshot, type UserPage } from './support.ts';

type AudioDoc = { document: { querySelector(selector: string): { error: { code: number } | null; readyState: number } | null } };

/** In the page: the prompt's <audio> reached HAVE_FUTURE_DATA (3), when canplay fires; an audio error throws. */
async function canPlay(p: Page, promptId: string): Promise<void> {
  await p.waitForFunction((id) => {
    const el = (globalThis as unknown as AudioDoc).document.querySelector(`audio[data-prompt=${id}]`);
    if (el?.error) throw new Error(`audio error ${el.error.code}`);
    return el !== null && el.readyState >= 3;
  }, promptId);
}

describe('admin pages that edit the line, in Chromium', () => {
  let line: TestLine;
  let browser: Browser;
  let ja: UserPage;
  let en: UserPage;

  before(async () => {
    ensureWebBuilt();
    line = await startTestLine();
    browser = await launchBrowser();
    [ja, en] = await Promise.all([
      logInAs(browser, line.url, 'admin', 'admin-password'),
      logInAs(browser, line.url, 'admin', 'admin-password', { lang: 'en' }),
    ]);
  });

  after(async () => {
    for (const u of [ja, en]) assert.deepEqual(u?.errors ?? [], [], 'no errors in the page');
    await browser?.close();
    await line?.close();
  });

  test('hours: Tuesday opens at 13:00, saved to the definition; a call at Tuesday 10:00 is after hours', async () => {
    const p = ja.page;
    await p.locator('nav.side a[href="/admin/hours"]').click();
    const tuesday = p.locator('tr[data-day=TUESDAY]');
    await tuesday.locator('input[type=time]').first().fill('13:00');
    await p.getByText('未保存の変更があります').waitFor();
    await p.getByRole('button', { name: '保存' }).click();
    await p.getByRole('status').filter({ hasText: '保存しました' }).waitFor();
    const text = readFileSync(findDefinitionFile(line.dir) as string, 'utf8');
    assert.match(text, /TUESDAY[\s\S]{0,80}Hours"?:\s*13/);
    await screenshot(p, 'ja-admin-hours');
    const call = await api(line.url, line.admin, 'POST', '/api/calls', { keys: '1001#' });
    let path: string[] = [];
    for (let i = 0; i < 100 && !path.includes('after-hours-message'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      path = (await api(line.url, line.admin, 'GET', `/api/calls/${call.body['contactId'] as string}`)).body['flowPath'] as string[];
    }
    assert.ok(path.includes('after-hours-message'), path.join(' '));

    // Overlapping hours: the page shows why the save was refused.
    await tuesday.getByRole('button', { name: '火曜日 時間帯を追加' }).click();
    await p.getByRole('button', { name: '保存' }).click();
    await p.locator('.hours-editor .error, .hours-editor [role=alert]').filter({ hasText: 'overlaps' }).waitFor();
    await screenshot(p, 'ja-admin-hours-error');
  });

  test('prompts: a text prompt and an uploaded WAV are played in the page; the reason a bad file is refused is shown (<audio> reaches canplay)', async () => {
    assert.equal((await api(line.url, line.admin, 'POST', '/api/admin/prompts', { id: 'welcome', name: 'ようこそ', text: 'お電話ありがとうございます。' })).status, 201);
    const p = ja.page;
    await p.locator('nav.side a[href="/admin/prompts"]').click();
    await p.locator('tr[data-prompt=welcome]').getByRole('button').click();
    const audio = p.locator('audio[data-prompt=welcome]');
    await audio.waitFor();
    // canplay fires as readyState reaches HAVE_FUTURE_DATA (3); an error would leave it below.
    await canPlay(p, 'welcome');
    const ready = await audio.evaluate((el) => ({ duration: (el as unknown as { duration: number }).duration, src: (el as unknown as { currentSrc: string }).currentSrc }));
    assert.match(ready.src, /^blob:/);
    assert.ok(ready.duration > 0.5, `duration ${ready.duration}`);
    // A text typed and added from the page.
    await p.locator('.new-prompt input[name=id]').fill('closed');
    await p.locator('.new-prompt input[name=name]').fill('休業');
    await p.locator('.new-prompt textarea[name=text]').fill('本日は休業日です。');
    await p.locator('.new-prompt').getByRole('button', { name: '追加', exact: true }).click();
    await p.locator('tr[data-prompt=closed]').waitFor();
    // A WAV file (22.05 kHz from espeak-ng) uploaded from the page, converted and played.
    const wav = join(mkdtempSync(join(tmpdir(), 'chokutsu-wav-')), 'thanks.wav');
    execFileSync('espeak-ng', ['-v', 'en-us', '-w', wav, '--', 'thank you for waiting']);
    await p.locator('.new-prompt input[name=id]').fill('thanks');
    await p.locator('.new-prompt input[name=name]').fill('Thanks');
    await p.locator('.new-prompt input[name=wav]').setInputFiles(wav);
    await p.locator('.new-prompt').getByRole('button', { name: 'WAV をアップロードして追加' }).click();
    await p.locator('tr[data-prompt=thanks]').getByRole('button').click();
    await canPlay(p, 'thanks');
    // A file that is not a WAV: the reason is shown.
    const junk = join(dirname(wav), 'junk.wav');
    writeFileSync(junk, 'ID3 not really audio');
    await p.locator('.new-prompt input[name=id]').fill('junk');
    await p.locator('.new-prompt input[name=name]').fill('Junk');
    await p.locator('.new-prompt input[name=wav]').setInputFiles(junk);
    await p.locator('.new-prompt').getByRole('button', { name: 'WAV をアップロードして追加' }).click();
    await p.locator('.new-prompt [role=alert]').filter({ hasText: 'not a RIFF/WAVE file' }).waitFor();
    await screenshot(p, 'ja-admin-prompts');
  });

  test('flows: the number\'s flow is listed and can be chosen; screenshots in English', async () => {
    const p = ja.page;
    await p.locator('nav.side a[href="/admin/flows"]').click();
    const row = p.locator('tr[data-number="+81501234567"]');
    await row.locator('select').selectOption('customer-queue');
    await row.getByRole('button', { name: 'この番号のフローにする' }).click();
    await row.getByRole('button', { name: 'この番号のフローにする' }).and(p.locator('[disabled]')).waitFor();
    assert.deepEqual((await api(line.url, line.admin, 'GET', '/api/admin/flows')).body['phoneNumbers'], [{ number: '+81501234567', flow: 'customer-queue' }]);
    // A flow file checked in the page, then added to the line.
    const dir = mkdtempSync(join(tmpdir(), 'chokutsu-flow-'));
    const flowFile = join(dir, 'short-hello.json');
    writeFileSync(flowFile, JSON.stringify({
      Version: '2019-10-30', StartAction: 'hello',
      Actions: [
        { Identifier: 'hello', Type: 'MessageParticipant', Parameters: { Text: 'hello' }, Transitions: { NextAction: 'bye', Errors: [{ NextAction: 'bye', ErrorType: 'NoMatchingError' }] } },
        { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
      ],
    }));
    await p.locator('input[name=flow]').setInputFiles(flowFile);
    await p.getByRole('status').filter({ hasText: '問題なし' }).waitFor();
    assert.equal(await p.locator('input[name=flowId]').inputValue(), 'short-hello');
    await p.getByRole('button', { name: 'このフローを追加' }).click();
    await p.getByRole('status').filter({ hasText: 'フローを追加しました' }).waitFor();
    await p.locator('td', { hasText: 'flows/short-hello.json' }).waitFor();
    await screenshot(p, 'ja-admin-flows-added');
    await row.locator('select').selectOption('direct-line');
    await row.getByRole('button').click();
    await row.getByRole('button').and(p.locator('[disabled]')).waitFor();
    await screenshot(p, 'ja-admin-flows');

    for (const [href, name] of [['/admin/hours', 'en-admin-hours'], ['/admin/prompts', 'en-admin-prompts'], ['/admin/flows', 'en-admin-flows']] as const) {
      await en.page.locator(`nav.side a[href="${href}"]`).click();
      await en.page.locator('h1').waitFor();
      await en.page.waitForLoadState('networkidle');
      await screenshot(en.page, name);
    }
  });
});

// The web app in Chromium against a real line on loopback: an agent and a supervisor in two
// contexts take a test call from dial to after-contact work, the supervisor finds it, an admin
// reorders ranks, a customer's name with markup stays text, the language switches, and a dropped
// event stream comes back by itself. Screenshots of every page go to test-output/screenshots/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { api, eventually, startTestLine, type TestLine } from '../e2e/support.ts';
import { ensureWebBuilt, launchBrowser, logInAs, screenshot, type UserPage } from './support.ts';

const XSS_NAME = '<img src=x onerror=alert(1)>';

describe('the web app in Chromium', () => {
  let line: TestLine;
  let browser: Browser;
  let agent: UserPage;
  let supervisor: UserPage;
  let admin: UserPage;

  before(async () => {
    ensureWebBuilt();
    line = await startTestLine();
    await line.server.services.users.create({ username: 'kimura', password: 'kimura-password', role: 'supervisor' });
    browser = await launchBrowser();
    [agent, supervisor, admin] = await Promise.all([
      logInAs(browser, line.url, 'sato', 'sato-password'),
      logInAs(browser, line.url, 'kimura', 'kimura-password'),
      logInAs(browser, line.url, 'admin', 'admin-password'),
    ]);
  });

  after(async () => {
    for (const u of [agent, supervisor, admin]) assert.deepEqual(u?.errors ?? [], [], 'no errors in the page');
    await browser?.close();
    await line?.close();
  });

  test('opens in Japanese, on the page each role starts at, with live updates', async () => {
    assert.equal(new URL(agent.page.url()).pathname, '/agent');
    assert.equal(new URL(supervisor.page.url()).pathname, '/wallboard');
    assert.equal(await agent.page.locator('html').getAttribute('lang'), 'ja');
    await agent.page.getByRole('heading', { name: 'エージェント' }).waitFor();
    // An agent sees their own pages only; a supervisor no admin pages.
    assert.equal(await agent.page.locator('nav.side a[href="/wallboard"]').count(), 0);
    assert.equal(await supervisor.page.locator('nav.side a[href="/admin/customers"]').count(), 0);
    await agent.page.locator('[data-connection=open]').waitFor();
  });

  test('a test call keyed 1001# rings the rank-1 agent, who answers, hangs up and finishes ACW with a note', async () => {
    const a = agent.page;
    const s = supervisor.page;
    await a.locator('[data-set-status=Available]').click();
    await a.locator('[data-status=Available]').waitFor();

    await s.locator('nav.side a[href="/phone"]').click();
    for (const k of ['1', '0', '0', '1', '#']) await s.getByRole('button', { name: `key ${k}` }).click();
    assert.equal(await s.locator('input[name=keys]').inputValue(), '1001#');
    await s.getByRole('button', { name: '発信' }).click();

    const offer = a.getByTestId('offer');
    await offer.waitFor();
    assert.equal(await offer.locator('[data-field=customerName]').textContent(), 'さくら 太郎');
    assert.equal(await offer.locator('[data-field=customerNumber]').textContent(), '1001');
    assert.equal(await offer.locator('[data-field=queue]').textContent(), 'さくら邸リフォーム');
    await offer.locator('[data-field=caller]').filter({ hasText: '+819012345678' }).waitFor();
    // The ring countdown from the event's ringUntil (ISO 8601): 20 s ring timeout.
    assert.match(await offer.textContent() ?? '', /あと (1\d|20) 秒鳴ります/);
    await screenshot(a, 'ja-agent-offer');
    await s.getByTestId('call-phase').filter({ hasText: 'エージェント呼出中' }).waitFor();

    await offer.getByRole('button', { name: '応答' }).click();
    await a.getByTestId('active-contact').waitFor();
    await s.getByTestId('call-phase').filter({ hasText: '通話中' }).waitFor();
    await screenshot(a, 'ja-agent-on-contact');
    await screenshot(s, 'ja-test-phone');

    await a.getByTestId('active-contact').getByRole('button', { name: '切断' }).click();
    const acw = a.getByTestId('acw');
    await acw.waitFor();
    assert.match(await acw.getByTestId('acw-countdown').textContent() ?? '', /残り 0:(30|29|28)/);
    await acw.locator('textarea[name=notes]').fill('見積もりを再送する');
    await screenshot(a, 'ja-agent-acw');
    await acw.getByRole('button', { name: '後処理を終了' }).click();
    await a.locator('[data-status=Available]').waitFor();
    await a.locator('.todays td.notes', { hasText: '見積もりを再送する' }).waitFor();
    await a.locator('[data-set-status=Offline]').click();
    await a.locator('[data-status=Offline]').waitFor();
  });

  test('the supervisor finds the contact in search and opens its detail', async () => {
    const s = supervisor.page;
    await s.locator('nav.side a[href="/contacts"]').click();
    await s.locator('input[name=customer]').fill('1001');
    await s.locator('select[name=agent]').selectOption('sato');
    await s.getByRole('button', { name: '検索', exact: true }).click();
    const row = s.locator('table.results tbody tr[data-contact-id]');
    await row.first().waitFor();
    assert.equal(await row.count(), 1);
    await screenshot(s, 'ja-contacts');
    await row.first().locator('a').click();
    await s.locator('[data-field=notes]', { hasText: '見積もりを再送する' }).waitFor();
    assert.equal(await s.locator('[data-field=customerName]').textContent(), 'さくら 太郎');
    assert.equal(await s.locator('[data-field=agent]').textContent(), '佐藤 花子');
    assert.ok(await s.getByTestId('flow-path').locator('li').count() > 3, 'the flow path is listed');
    await s.locator('table.offers tr.outcome-Accepted').waitFor();
    await screenshot(s, 'ja-contact-detail');
  });

  test('an admin drags a new rank 1 into place and the next call rings them', async () => {
    const p = admin.page;
    await p.locator('nav.side a[href="/admin/queues"]').click();
    const sakura = p.locator('ol.ranks[data-queue=project-sakura]');
    await sakura.locator('li[data-agent=suzuki]').dragTo(sakura.locator('li[data-agent=sato]'));
    assert.deepEqual(await sakura.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-agent'))), ['suzuki', 'sato', 'takahashi']);
    // The keyboard way: takahashi up one and back down.
    await sakura.getByRole('button', { name: '上へ: 高橋 美咲' }).click();
    await sakura.getByRole('button', { name: '下へ: 高橋 美咲' }).click();
    await p.locator('#queue-project-sakura').getByRole('button', { name: '保存' }).click();
    await p.locator('#queue-project-sakura').getByRole('status').waitFor();
    const queues = await api(line.url, line.admin, 'GET', '/api/admin/queues');
    const ranks = (queues.body['queues'] as { id: string; agents: { agent: string; rank: number }[] }[]).find((q) => q.id === 'project-sakura')?.agents;
    assert.deepEqual(ranks, [{ agent: 'suzuki', rank: 1 }, { agent: 'sato', rank: 2 }, { agent: 'takahashi', rank: 3 }]);
    await screenshot(p, 'ja-admin-queues');

    const suzuki = await line.agent('suzuki');
    await api(line.url, suzuki, 'PUT', '/api/agent/status', { status: 'Available' });
    await agent.page.locator('[data-set-status=Available]').click();
    await agent.page.locator('[data-status=Available]').waitFor();
    const call = await api(line.url, line.admin, 'POST', '/api/calls', { keys: '1001#' });
    const contactId = call.body['contactId'] as string;
    await eventually('the offer to suzuki', async () => {
      const desk = (await api(line.url, suzuki, 'GET', '/api/agent')).body as { offers: { contactId: string }[] };
      return desk.offers.some((o) => o.contactId === contactId) ? true : undefined;
    });
    assert.equal(await agent.page.getByTestId('offer').count(), 0, 'sato (now rank 2) is not rung');
    await api(line.url, line.admin, 'DELETE', `/api/calls/${contactId}`);
    await api(line.url, suzuki, 'PUT', '/api/agent/status', { status: 'Offline' });
  });

  test('a customer named with markup is shown as text, and no script runs', async () => {
    const put = await api(line.url, line.admin, 'PUT', '/api/admin/customers/4242', { name: XSS_NAME, queue: 'project-sakura' });
    assert.equal(put.status, 200, put.text);
    const p = admin.page;
    await p.locator('nav.side a[href="/admin/customers"]').click();
    await p.locator('input[name=q]').fill('4242');
    await p.getByRole('button', { name: '検索', exact: true }).click();
    const cell = p.locator('tr[data-customer="4242"] td.customer-name');
    await cell.waitFor();
    assert.equal(await cell.textContent(), XSS_NAME);
    await screenshot(p, 'ja-admin-customers');

    // The agent's offer shows it too: the name arrives by the event stream.
    await api(line.url, line.admin, 'POST', '/api/calls', { keys: '4242#' });
    const offer = agent.page.getByTestId('offer');
    await offer.waitFor();
    assert.equal(await offer.locator('[data-field=customerName]').textContent(), XSS_NAME);
    assert.equal(await agent.page.locator('main img').count(), 0);
    await offer.getByRole('button', { name: '拒否' }).click();
    await offer.waitFor({ state: 'detached' });
    assert.deepEqual([...agent.dialogs, ...admin.dialogs], [], 'no alert opened');
    await agent.page.locator('[data-set-status=Offline]').click();
  });

  test('the language switches to English and back, and stays chosen after a reload', async () => {
    const p = agent.page;
    await p.getByRole('button', { name: 'English' }).click();
    await p.getByRole('heading', { name: 'Agent desktop' }).waitFor();
    assert.equal(await p.locator('html').getAttribute('lang'), 'en');
    await p.reload();
    await p.getByRole('heading', { name: 'Agent desktop' }).waitFor();
    await p.getByRole('button', { name: '日本語' }).click();
    await p.getByRole('heading', { name: 'エージェント' }).waitFor();
  });

  test('a dropped event stream says so and reconnects by itself', async () => {
    const p = supervisor.page;
    await p.locator('[data-connection=open]').waitFor();
    for (const client of line.server.app.websocketServer.clients) client.terminate();
    await p.locator('[data-connection=reconnecting]').waitFor();
    await p.locator('[data-connection=open]').waitFor({ timeout: 10_000 });
  });

  test('screenshots of every page in Japanese and English', async () => {
    const pages = ['/wallboard', '/contacts', '/reports/metrics', '/reports/cost', '/phone', '/admin/customers', '/admin/users',
      '/admin/queues', '/admin/hours', '/admin/holidays', '/admin/prompts', '/admin/flows'];
    for (const lang of ['ja', 'en'] as const) {
      await admin.page.getByRole('button', { name: lang === 'ja' ? '日本語' : 'English' }).click();
      await agent.page.getByRole('button', { name: lang === 'ja' ? '日本語' : 'English' }).click();
      await screenshot(agent.page, `${lang}-agent-desktop`);
      for (const path of pages) {
        await admin.page.locator(`nav.side a[href="${path}"]`).click();
        await admin.page.locator('main h1').waitFor();
        if (path === '/reports/metrics') await admin.page.locator('.chart canvas').first().waitFor();
        if (path === '/admin/flows') {
          await admin.page.locator('.admin-flows tbody button').first().click();
          await admin.page.locator('.flow-graph svg').waitFor();
        }
        await screenshot(admin.page, `${lang}${path.replaceAll('/', '-')}`);
      }
    }
    const login = await browser.newPage();
    await login.goto(`${line.url}/login`);
    await login.locator('input[name=username]').waitFor();
    await screenshot(login, 'ja-login');
    await login.close();
  });
});

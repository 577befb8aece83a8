// The customer directory through the API: pages with a keyset cursor and a search, the whole
// directory as CSV, imports in the encoding Excel wrote, and exports a spreadsheet cannot run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Encoding from 'encoding-japanese';
import { api, startTestLine, type TestLine } from '../e2e/support.ts';

interface Page { customers: { customerNumber: string; name: string; queue: string }[]; nextCursor?: string }

async function importCsv(line: TestLine, body: Uint8Array | string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${line.url}/api/admin/customers/import`, {
    method: 'POST', headers: { authorization: `Bearer ${line.admin}`, 'content-type': 'text/csv' }, body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function exportCsv(line: TestLine): Promise<string> {
  const res = await fetch(`${line.url}/api/admin/customers`, { headers: { authorization: `Bearer ${line.admin}`, accept: 'text/csv' } });
  assert.equal(res.status, 200);
  return res.text();
}

describe('customers through the API', () => {
  let line: TestLine;
  before(async () => {
    line = await startTestLine();
    // 250 more customers: 2000…2249 (numbers of one length sort as text).
    const many = Array.from({ length: 250 }, (_, i) => ({ customerNumber: String(2000 + i), name: `顧客${i}`, queue: 'general' }));
    line.server.services.line.directory.importAll(many, new Date());
  });
  after(async () => line.close());

  test('GET /api/admin/customers is a page, not the whole directory; the cursor walks it without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await api(line.url, line.admin, 'GET', `/api/admin/customers?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, r.text);
      const page = r.body as unknown as Page;
      assert.ok(page.customers.length <= 100);
      seen.push(...page.customers.map((c) => c.customerNumber));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(pages, 3);
    assert.equal(seen.length, 253);
    assert.equal(new Set(seen).size, 253);
    assert.deepEqual(seen.slice(0, 4), ['1001', '1002', '1003', '2000']);
    const first = (await api(line.url, line.admin, 'GET', '/api/admin/customers')).body as unknown as Page;
    assert.equal(first.customers.length, 100, 'the default page is 100 customers');
  });

  test('q finds a customer number prefix or part of a name', async () => {
    const byNumber = (await api(line.url, line.admin, 'GET', '/api/admin/customers?q=224')).body as unknown as Page;
    // 2224 is 顧客224: the name contains the text.
    assert.deepEqual(byNumber.customers.map((c) => c.customerNumber), ['2224', '2240', '2241', '2242', '2243', '2244', '2245', '2246', '2247', '2248', '2249']);
    const byName = (await api(line.url, line.admin, 'GET', `/api/admin/customers?q=${encodeURIComponent('不動産')}`)).body as unknown as Page;
    assert.deepEqual(byName.customers.map((c) => c.name), ['富士不動産株式会社']);
    const wildcard = (await api(line.url, line.admin, 'GET', '/api/admin/customers?q=%25')).body as unknown as Page;
    assert.deepEqual(wildcard.customers, [], '% is a character, not a wildcard');
  });

  test('a bad limit or cursor is a 400 naming the parameter', async () => {
    const limit = await api(line.url, line.admin, 'GET', '/api/admin/customers?limit=0');
    assert.equal(limit.status, 400);
    assert.match(String(limit.body['error']), /limit/);
    const cursor = await api(line.url, line.admin, 'GET', '/api/admin/customers?cursor=nonsense');
    assert.equal(cursor.status, 400);
    assert.match(String(cursor.body['error']), /cursor/);
  });

  test('the CSV export (Accept: text/csv) is still the whole directory', async () => {
    const csv = await exportCsv(line);
    assert.equal(csv.trimEnd().split('\n').length, 1 + 253);
  });

  test('a Shift_JIS file posted as bytes imports with its names intact, and the answer names the encoding', async () => {
    const text = 'customer_number,name,queue\r\n3001,富士不動産株式会社,project-fuji\r\n3002,ｶﾀｶﾅｼｮｳｼﾞ,general\r\n3003,髙﨑工務店,general\r\n';
    const bytes = Uint8Array.from(Encoding.convert(Encoding.stringToCode(text), { to: 'SJIS', from: 'UNICODE' }));
    const r = await importCsv(line, bytes);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { inserted: 3, updated: 0, encoding: 'Shift_JIS (CP932)' });
    const found = (await api(line.url, line.admin, 'GET', '/api/admin/customers?q=300')).body as unknown as Page;
    assert.deepEqual(found.customers.map((c) => c.name), ['富士不動産株式会社', 'ｶﾀｶﾅｼｮｳｼﾞ', '髙﨑工務店']);
    const utf8 = await importCsv(line, 'customer_number,name,queue\n3004,山田,general\n');
    assert.equal(utf8.body['encoding'], 'UTF-8');
  });

  test('bytes valid in no accepted encoding are refused with their offset; nothing is imported', async () => {
    const bytes = Buffer.concat([Buffer.from('customer_number,name,queue\n3101,a'), Buffer.from([0xff]), Buffer.from(',general\n')]);
    const r = await importCsv(line, bytes);
    assert.equal(r.status, 422);
    const [problem] = r.body['problems'] as { line: number; offset: number; message: string }[];
    assert.equal(problem?.offset, 33);
    assert.equal(problem?.line, 2);
    assert.deepEqual(((await api(line.url, line.admin, 'GET', '/api/admin/customers?q=3101')).body as unknown as Page).customers, []);
  });

  test('an exported formula cannot run in a spreadsheet, and importing the export keeps the real value', async () => {
    assert.equal((await api(line.url, line.admin, 'PUT', '/api/admin/customers/3201', { name: '=HYPERLINK("http://evil.example")', queue: 'general' })).status, 200);
    assert.equal((await api(line.url, line.admin, 'PUT', '/api/admin/customers/3202', { name: '@SUM(1+1)', queue: 'general' })).status, 200);
    const csv = await exportCsv(line);
    assert.match(csv, /^3201,"'=HYPERLINK\(""http:\/\/evil\.example""\)",general$/m);
    assert.match(csv, /^3202,'@SUM\(1\+1\),general$/m);
    const again = await importCsv(line, csv);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const found = (await api(line.url, line.admin, 'GET', '/api/admin/customers?q=320')).body as unknown as Page;
    assert.deepEqual(found.customers.map((c) => c.name), ['=HYPERLINK("http://evil.example")', '@SUM(1+1)']);
  });
});

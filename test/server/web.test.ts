// The web app's server side: served from the API's port, app routes answered with the app, /api never.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { webPlugin } from '../../src/server/plugins/web.ts';

async function appOn(webDir: string) {
  const app = Fastify();
  await app.register(webPlugin, { webDir });
  return app;
}

describe('the web app plugin', () => {
  const dist = mkdtempSync(join(tmpdir(), 'chokutsu-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');

  test('answers / and every app route with index.html, not cached', async () => {
    const app = await appOn(dist);
    for (const url of ['/', '/agent', '/contacts/3f2a-…', '/admin/queues?x=1']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 200, url);
      assert.match(r.headers['content-type'] as string, /text\/html/);
      assert.equal(r.headers['cache-control'], 'no-cache');
      assert.match(r.body, /<title>app<\/title>/);
    }
  });

  test('serves hashed assets as immutable', async () => {
    const r = await (await appOn(dist)).inject({ url: '/assets/index-abc123.js' });
    assert.equal(r.statusCode, 200);
    assert.match(r.headers['cache-control'] as string, /immutable/);
  });

  test('never answers /api, /metrics or a missing file with the app', async () => {
    const app = await appOn(dist);
    for (const url of ['/api/nothing', '/api', '/metrics/x', '/healthz/x', '/missing.png', '/assets/gone.js', '/../package.json']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 404, url);
      assert.doesNotMatch(r.body, /<title>app/, url);
    }
  });

  test('says how to build the app when web/dist is missing', async () => {
    const r = await (await appOn(join(dist, 'not-built'))).inject({ url: '/' });
    assert.equal(r.statusCode, 503);
    assert.match(r.body, /npm run build:web/);
  });
});

// The browser app (web/, built by Vite into web/dist) from the same port as the API: hashed assets
// cached for good, every app route answered with index.html (the app routes itself), never /api/*.
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { existsSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

export interface WebOptions {
  /** The built app (index.html and assets/); the page at / says how to build it when it is missing. */
  webDir: string;
}

/** Paths that belong to the API and the machine watchers, never to the app. */
const NOT_THE_APP = /^\/(api|metrics|healthz)(\/|$)/;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chokutsu: the web app is not built</title></head>
<body>
<h1>The web app is not built</h1>
<p>The line is running and its API answers under <code>/api</code>, but the browser app has not been built yet.</p>
<p>Build it with <code>npm run build:web</code> (or <code>npm run setup</code>, which does it too), then reload this page.</p>
<p lang="ja">Web アプリがビルドされていません。<code>npm run build:web</code> を実行してから再読み込みしてください。</p>
</body></html>
`;

export const webPlugin: FastifyPluginAsync<WebOptions> = async (app, { webDir }) => {
  const root = resolve(webDir);
  await app.register(fastifyStatic, { root, serve: false });
  app.get('/*', async (req, reply) => {
    const path = safeDecode(req.url.split('?')[0] ?? '/');
    if (path === undefined) return reply.code(400).send({ error: 'a malformed path' });
    if (NOT_THE_APP.test(path)) return reply.code(404).send({ error: `no route GET ${path}` });
    if (!existsSync(join(root, 'index.html'))) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    const file = resolve(root, `.${path}`);
    if (path !== '/' && file.startsWith(root + sep) && existsSync(file)) {
      // Vite names assets by their content hash: they never change under the same name.
      const immutable = path.startsWith('/assets/');
      return reply.sendFile(file.slice(root.length + 1), root, { cacheControl: true, maxAge: immutable ? 31_536_000_000 : 0, immutable });
    }
    // An app route (/agent, /contacts/abc …): the app; a missing file (/x.png): 404.
    if (extname(path) !== '') return reply.code(404).send({ error: `no file ${path}` });
    return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
  });
};

function safeDecode(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

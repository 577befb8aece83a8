// Builds the browser app into web/dist, which `chokutsu start` serves from the API's port.
// `npm run dev:web` serves it with hot reload and sends /api (and the event WebSocket) to a running line.
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact({ devToolsInProd: false, prefreshEnabled: false })],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 300 },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } } },
});

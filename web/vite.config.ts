import { defineConfig } from 'vite';

/**
 * The dashboard: `vite build web` writes web/dist, which the hub serves at `/`. The base is
 * relative so the page works under any path (behind a reverse proxy, say). `vite web` serves it
 * in development and forwards the API to a running hub (AIRTRACE_HUB, default port 8050).
 */
const hub = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env
  .AIRTRACE_HUB;

export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', chunkSizeWarningLimit: 200 },
  server: {
    proxy: {
      '/api': { target: hub ?? 'http://127.0.0.1:8050', changeOrigin: true },
      '/healthz': { target: hub ?? 'http://127.0.0.1:8050', changeOrigin: true },
    },
  },
});

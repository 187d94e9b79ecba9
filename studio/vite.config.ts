import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is served by the Baton server at /studio and by Electron's app:// protocol under the same path.
export default defineConfig({
  root: fileURLToPath(new URL('./src/renderer', import.meta.url)),
  base: '/studio/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1_000,
  },
  server: {
    port: 5173,
    strictPort: true,
    // In a browser, the renderer talks to its own origin: the dev server passes GraphQL (and its WebSocket) on to
    // the Baton server, BATON_URL or the quick start's. Electron's dev window is given the server's address instead.
    proxy: { '/graphql': { target: process.env.BATON_URL ?? 'http://127.0.0.1:4000', ws: true } },
  },
});

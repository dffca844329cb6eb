import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const backend = process.env.WASPHERE_DEV_BACKEND ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here('./src/web'),
  publicDir: false,
  plugins: [react()],
  build: {
    outDir: here('./dist/web'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      treeshake: {
        // The contracts build TypeBox schemas at module level; the web uses only their
        // types and a few plain constants, so those schema calls are dropped.
        manualPureFunctions: ['Type'],
      },
    },
  },
  server: {
    proxy: {
      // ws: the dashboard's live events will arrive over a WebSocket under /api.
      // changeOrigin stays off: Host and Origin then agree, which the server's
      // cross-site guard accepts as same-origin.
      '/api': { target: backend, ws: true, changeOrigin: false },
      '/healthz': backend,
      '/readyz': backend,
    },
  },
});

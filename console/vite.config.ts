/**
 * The console and the public board, one SPA. Build from the repo root:
 *   node node_modules/vite/bin/vite.js build --config console/vite.config.ts
 * Output: console/dist, which the API serves at /console/ (and its index.html for /public).
 * Vite 8 transforms TSX itself (oxc); no React plugin is needed for a production build.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const consoleRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: consoleRoot,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      // antd marks its modules "use client" (for React Server Components); meaningless in a SPA bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      output: {
        // antd and React change less often than the console: separate chunks cache better.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/ },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|rc-[^\\/]+|@rc-component)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    // `npx vite --config console/vite.config.ts` against a running `npm start` (API on :3000).
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
  logLevel: 'warn',
});

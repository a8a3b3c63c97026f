// The web app's build (npm run build:web → web/dist) and dev server (npm run dev:web).
// In development the API runs beside it (npm start or npm run start:api) and Vite
// proxies the API's paths to it, so the app calls the same origin in both cases.
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const api = process.env.CLAIMDESK_API_URL ?? 'http://127.0.0.1:3000'
const proxied = ['/v1', '/docs', '/healthz', '/readyz', '/metrics', '/admin']

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The bench checks the initial JavaScript against its budget; faces load on demand.
    chunkSizeWarningLimit: 600,
  },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    proxy: Object.fromEntries(proxied.map((prefix) => [prefix, { target: api, changeOrigin: false }])),
  },
})

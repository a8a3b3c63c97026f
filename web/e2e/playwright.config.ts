// Browser tests: Debian's Chromium (never a downloaded browser) against the real service,
// built web app included, on a private database and a private Redis (support/server.ts).
import { defineConfig } from '@playwright/test'
import { E2E } from './support/env.js'

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/web',
  // Two cores are shared: one browser at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./support/summary-reporter.ts']],
  use: {
    baseURL: E2E.baseUrl,
    browserName: 'chromium',
    locale: 'en-US',
    timezoneId: 'Europe/Moscow',
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  // The main service (default policy) and the one that holds unsure messages (held.spec.ts).
  webServer: [
    { command: 'node --import tsx web/e2e/support/server.ts', url: `${E2E.baseUrl}/readyz` },
    { command: 'node --import tsx web/e2e/support/server.ts --held', url: `${E2E.held.baseUrl}/readyz` },
  ].map((server) => ({
    ...server,
    cwd: '../..',
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe' as const,
    stderr: 'pipe' as const,
    gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 15_000 },
  })),
})

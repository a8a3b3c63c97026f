// Flat config: typescript-eslint's recommended rules over every TypeScript source,
// and the React hooks rules over the web app.
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', '.tap/', 'data/', '.exp-*', 'web/dist/', 'test-results/', 'playwright-report/'],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Migrations are frozen against Kysely<any>; tests and the demo seed read loosely typed JSON bodies.
    files: ['migrations/**', 'test/**', 'web/e2e/**', 'src/cli/demo/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
)

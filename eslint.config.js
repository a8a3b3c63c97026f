// Flat config: typescript-eslint's recommended rules over every TypeScript source.
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tap/', 'data/', '.exp-*'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Migrations are frozen against Kysely<any>; tests read loosely typed JSON bodies.
    files: ['migrations/**', 'test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
)

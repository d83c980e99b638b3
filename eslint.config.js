import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'test-output/**', '.casegraph-test/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { project: ['./tsconfig.check.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/only-throw-error': 'error',
    },
  },
  {
    // core holds the rules and knows nothing of HTTP, React or the process environment.
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['fastify', 'fastify/*', '@fastify/*'], message: 'core knows nothing of HTTP: keep fastify in packages/server' },
            { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'core knows nothing of React: keep it in packages/web' },
            { group: ['@casegraph/server', '@casegraph/cli', '@casegraph/web'], message: 'core depends on no other layer' },
            { group: ['commander'], message: 'command-line parsing belongs in packages/cli' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'core reads no environment: take settings as input' },
      ],
    },
  },
  {
    files: ['packages/core/src/**/*.test.ts', 'packages/core/src/test-support/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['packages/server/src/**/*.ts', 'packages/cli/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['react', 'react-dom', '@casegraph/web'], message: 'the server and CLI do not import the web app' }] },
      ],
    },
  },
  {
    files: ['packages/web/**/*.{ts,tsx}'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { project: ['./packages/web/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // The app talks only to the API; its tests may use the server's test support and core's helpers.
    files: ['packages/web/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@casegraph/core', '@casegraph/cli'], message: 'the web app talks only to the HTTP API' },
            { group: ['@casegraph/server'], importNamePattern: '^(?!type )', allowTypeImports: true, message: 'the web app may import types from the server, never runtime code' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);

// Lint: typescript-eslint with type information, for the mistakes the compiler lets through in
// async code (a promise never awaited is a write that may not have happened) and little else.
// Formatting is Prettier's (.prettierrc.json); nothing here is about style.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_GLOBALS = {
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  performance: 'readonly',
  setTimeout: 'readonly',
  fetch: 'readonly',
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'archive/',
      'fixtures/hugo/',
      'fixtures/pages/',
      'fixtures/expected/',
      'fixtures/seeds/',
      'tmp/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts', 'eslint.config.js', 'bench/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: NODE_GLOBALS,
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Control characters are what the path, escape and printable rules look for.
      'no-control-regex': 'off',
      // domhandler's node types are an enum whose values are the strings the DOM code compares with.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  {
    // Tests read JSON reports and CLI output: `any` from JSON.parse is what they assert on.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Front matter read back from YAML is `unknown`: tests print it as it comes.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // A fault implements one async interface; some answer without awaiting anything.
    files: ['fixtures/site/faults.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);

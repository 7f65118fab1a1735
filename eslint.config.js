import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', 'test/fixtures/**'] },
  js.configs.recommended,
  {
    files: ['bin/**/*.js', 'scripts/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core is pure: values in, values out. I/O, clocks and config live in adapters and app.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'net', 'child_process', 'http', 'path', 'os', 'crypto'],
              message: 'src/core must stay pure',
            },
            {
              regex: '^\\.\\.?/(.*/)?(adapters|app|cli|config)/',
              message: 'src/core imports nothing outside src/core: pass values in instead',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval'],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'pass time in as a value' },
      ],
    },
  },
  {
    // Adapters do I/O for the app; they never reach up into it (the app composes them).
    files: ['src/adapters/**/*.ts', 'src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\.?/(.*/)?(app|cli)/',
              message:
                'adapters and config import nothing from src/app or src/cli: depend on an interface here instead',
            },
          ],
        },
      ],
    },
  },
  {
    // The app composes parts; argument parsing and help text stay in src/cli.
    files: ['src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\.?/(.*/)?cli/', message: 'src/app imports nothing from src/cli' }] },
      ],
    },
  },
);

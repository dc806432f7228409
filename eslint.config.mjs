// Type-aware linting of everything TypeScript compiles (tsconfig.json: src, workers, test, bench).
// Formatting is Prettier's (`npm run format`); eslint-config-prettier turns off the rules that would disagree.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.lotse/**', 'examples/**', 'bin/**', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its error: every one is awaited, returned or marked `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Rows from raw SQL and GraphQL results are untyped at the boundary; they are checked where they
      // are used, not typed member by member.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Interfaces are async; an implementation that needs no await is still one.
      '@typescript-eslint/require-await': 'off',
      // The same boundaries need `any` in a few declared places: pg's overloaded Client.query, resolver
      // maps, TypeORM's entity lists (MixedList<Function>).
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // graphql-js's string enums (OperationTypeNode, Kind) and GraphQL enum values are compared with
      // their literal values on purpose.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  prettier,
);

/**
 * ESLint 8 (eslintrc). TypeScript in src/ is linted with type information
 * (@typescript-eslint recommended-type-checked over tsconfig.test.json, which
 * holds src with its tests, and bench). `npm run lint` runs with
 * --report-unused-disable-directives: a disable comment that silences
 * nothing is an error. Every `any` left in src is justified where it stands.
 */
const rules = {
  '@typescript-eslint/no-explicit-any': 'error',
  '@typescript-eslint/no-namespace': 'off',
  '@typescript-eslint/no-var-requires': 'off',
  '@typescript-eslint/no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_' }],
  'react-hooks/rules-of-hooks': 'error',
  'react-hooks/exhaustive-deps': 'error',
  'no-constant-condition': ['error', { checkLoops: false }],
  eqeqeq: 'error',
  curly: ['error', 'all']
};

module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
  plugins: ['@typescript-eslint', 'react-hooks'],
  extends: ['eslint:recommended', 'plugin:@typescript-eslint/recommended', 'prettier'],
  env: { browser: true, node: true, es2022: true, jest: true },
  ignorePatterns: [
    'lib/',
    'node_modules/',
    'cellpipe/labextension/',
    '*.d.ts',
    'coverage/',
    // benchmark output and the production build's staging folder (git-ignored)
    'bench/out/',
    'build/',
    // written by scripts/embed-runtime.js (not in git)
    'src/compiler/runtime-sources.generated.ts'
  ],
  rules,
  overrides: [
    {
      files: ['src/**/*.ts', 'src/**/*.tsx'],
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: __dirname },
      extends: ['plugin:@typescript-eslint/recommended-type-checked', 'prettier'],
      rules
    },
    {
      // Tests (jest and Galata) read compiled YAML and parsed notebook JSON by
      // path, reach into JupyterLab's objects inside page.evaluate, and feed
      // deliberately malformed input (wrong types, missing fields) to readers
      // and validators; typing each probe would only restate the code under
      // test. So in tests `any` and the no-unsafe-* family are allowed, and
      // async fakes may have no await (they stand in for async interfaces).
      // React's act() returns a thenable at run time even for a synchronous
      // callback (its typings say void), so awaiting it is not a mistake; and
      // tests call native setters taken from property descriptors with .call.
      files: ['**/__tests__/**', 'ui-tests/**'],
      rules: {
        '@typescript-eslint/no-explicit-any': 'off',
        '@typescript-eslint/no-unsafe-argument': 'off',
        '@typescript-eslint/no-unsafe-assignment': 'off',
        '@typescript-eslint/no-unsafe-call': 'off',
        '@typescript-eslint/no-unsafe-member-access': 'off',
        '@typescript-eslint/no-unsafe-return': 'off',
        '@typescript-eslint/require-await': 'off',
        '@typescript-eslint/await-thenable': 'off',
        '@typescript-eslint/unbound-method': 'off'
      }
    }
  ]
};

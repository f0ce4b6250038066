module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
  plugins: ['@typescript-eslint'],
  extends: ['eslint:recommended', 'plugin:@typescript-eslint/recommended', 'prettier'],
  env: { browser: true, node: true, es2022: true, jest: true },
  ignorePatterns: ['lib/', 'node_modules/', 'cellpipe/labextension/', '*.d.ts', 'coverage/'],
  rules: {
    '@typescript-eslint/no-explicit-any': 'off',
    '@typescript-eslint/no-namespace': 'off',
    '@typescript-eslint/no-var-requires': 'off',
    '@typescript-eslint/no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_' }],
    'no-constant-condition': ['error', { checkLoops: false }],
    eqeqeq: 'error',
    curly: ['error', 'all']
  }
};

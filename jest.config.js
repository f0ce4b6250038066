/** Jest runs the TypeScript sources directly (ts-jest, CommonJS). */
module.exports = {
  testEnvironment: 'node',
  globalSetup: '<rootDir>/scripts/jest-global-setup.js',
  roots: ['<rootDir>/src'],
  testMatch: ['**/__tests__/**/*.test.ts?(x)', '**/*.test.ts?(x)'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json', isolatedModules: true }]
  },
  moduleNameMapper: {
    '\\.(css|svg)$': '<rootDir>/src/__mocks__/asset.js'
  },
  testTimeout: 60000
};

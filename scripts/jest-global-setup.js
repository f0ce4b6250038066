/** jest globalSetup: the compiler's embedded runtime must exist before ts-jest compiles it. */
'use strict';
const { embedRuntime } = require('./embed-runtime');

module.exports = async () => {
  embedRuntime();
};

// Extra webpack rules merged by `jupyter labextension build`: ship the tree-sitter
// grammar and runtime .wasm files as assets so the analyzer never fetches them from the network.
module.exports = {
  module: {
    rules: [{ test: /\.wasm$/, type: 'asset/resource', generator: { filename: '[name].[contenthash:8][ext]' } }]
  },
  resolve: { fallback: { fs: false, path: false, module: false, crypto: false } }
};

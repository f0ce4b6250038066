/** webpack emits `.wasm` files as assets (webpack.config.js); importing one gives its URL. */
declare module '*.wasm' {
  const url: string;
  export default url;
}

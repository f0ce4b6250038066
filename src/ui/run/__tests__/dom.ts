/**
 * Shared set-up of the jsdom view tests: a fetch for ServerConnection (jsdom has none) and helpers
 * that wait for React to settle. The server on the other end of fetch is a real HTTP server.
 */
import { act } from 'react';

// jsdom has no fetch; node-fetch stands in for the browser's (the server on the other end is real).
const nodeFetch = require('node-fetch');
Object.assign(globalThis, {
  fetch: nodeFetch,
  Request: nodeFetch.Request,
  Headers: nodeFetch.Headers,
  Response: nodeFetch.Response
});

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    if (check()) {
      return;
    }
    await act(() => new Promise(r => setTimeout(r, 10)));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function setValue(input: HTMLInputElement, value: string): void {
  // React listens to the native setter + input event.
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  setter.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

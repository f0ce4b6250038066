/**
 * A real HTTP server standing in for the Jupyter server extension: it records each request and
 * answers from a route table, so the browser client's requests and error handling are observable.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { ServerConnection } from '@jupyterlab/services';

export interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  headers: http.IncomingHttpHeaders;
}

/** `body` is sent as JSON; `raw` as it is (a proxy's HTML error page, say), `statusText` as the reason phrase. */
export type Reply = { status?: number; body?: unknown; raw?: string; statusText?: string };
export type Route = Reply | ((seen: Seen) => Reply);

export class FakeServerExtension {
  readonly requests: Seen[] = [];
  /** `'GET /cellpipe/api/kfp/runs/r1'` → reply; the longest matching prefix wins. */
  routes: Record<string, Route> = {};

  async start(): Promise<this> {
    this._server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', chunk => (raw += chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const seen: Seen = {
          method: req.method ?? '',
          path: url.pathname,
          // ServerConnection adds a bare timestamp to GETs to defeat caches; it is not ours.
          query: Object.fromEntries(
            [...url.searchParams.entries()].filter(([k]) => !/^\d+$/.test(k))
          ),
          body: raw ? JSON.parse(raw) : undefined,
          headers: req.headers
        };
        this.requests.push(seen);
        const key = `${seen.method} ${seen.path}`;
        const match = Object.keys(this.routes)
          .filter(k => key.startsWith(k))
          .sort((a, b) => b.length - a.length)[0];
        const route =
          match === undefined ? { status: 404, body: { message: 'no route' } } : this.routes[match];
        const reply = typeof route === 'function' ? route(seen) : route;
        if (reply.raw !== undefined) {
          res.writeHead(reply.status ?? 200, reply.statusText ?? '', {
            'Content-Type': 'text/html'
          });
          res.end(reply.raw);
          return;
        }
        res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(reply.body ?? {}));
      });
    });
    await new Promise<void>(resolve => this._server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this._server!.address() as AddressInfo).port}/`;
  }

  settings(): ServerConnection.ISettings {
    return ServerConnection.makeSettings({ baseUrl: this.url, token: 'jupyter-token' });
  }

  stop(): Promise<void> {
    return new Promise(resolve => this._server!.close(() => resolve()));
  }

  private _server: http.Server | null = null;
}

/**
 * The one way the browser asks OUR server extension (/cellpipe/api/...): a JSON request through
 * Jupyter's ServerConnection (which adds the token and XSRF), a JSON answer, and one error type for
 * every way it can fail. The clients in this folder are thin lists of routes over `requestServer`.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** Why a call failed, as our server says it (`reason`), or `network` when the server was not reached. */
export type ServerErrorReason =
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rejected'
  | 'bad_request'
  | 'bad_parameters'
  | 'bad_response'
  | 'kfp_error'
  | 'server_error'
  | 'network';

/** A call to our server extension that did not answer what was asked. */
export class ServerApiError extends Error {
  constructor(
    message: string,
    /** The HTTP status; 0 when the server was not reached. */
    readonly status: number,
    /** A ServerErrorReason, or a reason a newer server adds. */
    readonly reason: string,
    /** The status Kubeflow Pipelines answered our server, when the call went on to KFP. */
    readonly kfpStatus?: number
  ) {
    super(message);
    this.name = 'ServerApiError';
  }
}

/** Our server's JSON answer: an object; `message`, `reason` and `kfp_status` when it refused. */
export type ServerAnswer = Record<string, unknown>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Query arguments; those undefined or empty are left out. */
  query?: Record<string, string | undefined>;
  /** Sent as JSON (a POST with no body sends `{}`). */
  body?: unknown;
  /**
   * What the call does, for its error message: `<what>: <the server's message>`. Without it the
   * message is the server's own.
   */
  what?: string;
  /** The reason when the server's refusal names none. */
  defaultReason?: ServerErrorReason;
}

/**
 * The answer of our server extension at /cellpipe/api/<route...>: its JSON object (`{}` for an empty
 * body; a body that is not JSON becomes `{message: <its first 300 characters>}`). Throws
 * `ServerApiError` when the server is not reached (status 0, reason `network`) or refuses.
 */
export async function requestServer(
  settings: ServerConnection.ISettings,
  route: readonly string[],
  options: RequestOptions = {}
): Promise<ServerAnswer> {
  const method = options.method ?? 'GET';
  let url = URLExt.join(settings.baseUrl, 'cellpipe', 'api', ...route);
  const query = Object.entries(options.query ?? {}).filter(
    (entry): entry is [string, string] => !!entry[1]
  );
  if (query.length) {
    url += '?' + new URLSearchParams(query).toString();
  }
  const init: RequestInit = { method };
  if (method === 'POST') {
    init.body = JSON.stringify(options.body ?? {});
  }
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ServerApiError(
      `Cannot reach the Jupyter server: ${(error as Error).message}`,
      0,
      'network'
    );
  }
  const data = await Private.readBody(response);
  if (!response.ok) {
    const said = typeof data.message === 'string' && data.message ? data.message : '';
    const message = options.what
      ? `${options.what}: ${said || `the server answered ${response.status}`}`
      : said || `The server answered ${response.status} ${response.statusText}`.trimEnd();
    throw new ServerApiError(
      message,
      response.status,
      typeof data.reason === 'string' ? data.reason : (options.defaultReason ?? 'server_error'),
      typeof data.kfp_status === 'number' ? data.kfp_status : undefined
    );
  }
  return data;
}

namespace Private {
  /** The body as a JSON object; text that is not JSON (a proxy's error page) becomes its `message`. */
  export async function readBody(response: Response): Promise<ServerAnswer> {
    const text = await response.text();
    if (!text) {
      return {};
    }
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null
        ? (parsed as ServerAnswer)
        : { message: text.slice(0, 300) };
    } catch {
      return { message: text.slice(0, 300) };
    }
  }
}

// HTTP client of the demo workload: JSON in and out, bearer tokens, and a
// correlation id on every command so its events can be traced.
import { randomUUID } from 'node:crypto';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** Raised for an unexpected status; the message shows the request and the error body. */
export class UnexpectedStatusError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} returned ${status}: ${JSON.stringify(body)}`);
    this.name = 'UnexpectedStatusError';
  }
}

export class HttpClient {
  /** Commands sent, by correlation id; each should produce one root event. */
  readonly correlationIds: string[] = [];

  constructor(private readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; expect?: number[] } = {},
  ): Promise<ApiResponse<T>> {
    const correlationId = randomUUID();
    const headers: Record<string, string> = { 'x-correlation-id': correlationId };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') this.correlationIds.push(correlationId);

    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const body = (text ? JSON.parse(text) : {}) as T;
    if (options.expect && !options.expect.includes(response.status)) {
      throw new UnexpectedStatusError(method, path, response.status, body);
    }

    return { status: response.status, body };
  }
}

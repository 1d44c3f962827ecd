/**
 * A small router for the simulated ARI: routes written as in api-docs
 * (`/channels/{channelId}/play`), query parameters read the way Asterisk reads
 * them, and handlers that return a status and a JSON body.
 */

/** Query parameters; a JSON object body adds to them, as ARI's `*_parse_body` functions do. */
export class QueryParams {
  private constructor(private readonly values: Map<string, string[]>) {}

  static from(search: URLSearchParams, body: unknown): QueryParams {
    const values = new Map<string, string[]>();
    for (const [key, value] of search) {
      if (key === 'api_key') continue;
      values.set(key, [...(values.get(key) ?? []), value]);
    }
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      for (const [key, value] of Object.entries(body)) {
        if (key === 'variables' || value === null || value === undefined) continue;
        if (Array.isArray(value)) values.set(key, [value.map(String).join(',')]);
        else if (typeof value !== 'object') values.set(key, [String(value)]);
      }
    }
    return new QueryParams(values);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  get(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  /** allowMultiple parameters: repeated and/or comma-separated (`media=a,b&media=c`). */
  list(name: string): string[] {
    return (this.values.get(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  }

  /** Integers as Asterisk's atoi reads them: garbage is 0. */
  int(name: string, fallback: number): number {
    const raw = this.get(name);
    if (raw === undefined || raw === '') return fallback;
    const n = Number.parseInt(raw, 10);
    return Number.isFinite(n) ? n : 0;
  }

  /** Booleans as ast_true reads them. */
  bool(name: string, fallback = false): boolean {
    const raw = this.get(name);
    if (raw === undefined) return fallback;
    return ['yes', 'true', 'y', 't', '1', 'on'].includes(raw.toLowerCase());
  }

  /** For the request log: one string per parameter. */
  toRecord(): Record<string, string> {
    return Object.fromEntries([...this.values].map(([k, v]) => [k, v.join(',')]));
  }
}

export interface RouteRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: QueryParams;
  body: unknown;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (req: RouteRequest) => RouteResponse | Promise<RouteResponse>;

export type RouteMatch =
  | { kind: 'found'; handler: RouteHandler; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, segments: split(pattern), handler });
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const segments = split(path);
    let pathKnown = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathKnown = true;
      if (route.method === method) return { kind: 'found', handler: route.handler, params };
    }
    return pathKnown ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }
}

export const ok = (body: unknown): RouteResponse => ({ status: 200, body });
export const noContent = (): RouteResponse => ({ status: 204 });

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] ?? '';
    const value = actual[i] ?? '';
    if (expected.startsWith('{') && expected.endsWith('}')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        return null;
      }
      params[expected.slice(1, -1)] = decoded;
    } else if (expected !== value) {
      return null;
    }
  }
  return params;
}

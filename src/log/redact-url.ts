/**
 * URLs as they may be logged: the value of every query parameter whose name
 * says it holds a secret (key, token, ticket, secret, password, pin, auth,
 * signature, session, credential...) is replaced by `[redacted]`, and so is
 * anything shaped like one of our API keys (`hk_<id>_<secret>`: the id is
 * kept, it names the key) or stream tickets, wherever it appears. The rest of
 * the URL is kept as it came, so a log still says which route and query
 * failed.
 */
const SECRET_NAME = /key|token|ticket|secret|passw|pwd|pin|auth|sig|session|cred|cookie|code/i;
const API_KEY = /hk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}/g;
const STREAM_TICKET = /st_[A-Za-z0-9_-]{43}/g;
const REDACTED = '[redacted]';

export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  const path = at < 0 ? url : url.slice(0, at);
  const query = at < 0 ? null : url.slice(at + 1);
  const redactedQuery = query === null ? '' : `?${query.split('&').map(redactPair).join('&')}`;
  return redactShapes(path) + redactedQuery;
}

/** A value that may be a URL (pino serializers see whatever was logged under the name). */
export function redactUrlValue(value: unknown): unknown {
  return typeof value === 'string' ? redactUrl(value) : value;
}

/** A logged request (or anything with a `url`): the same object with its url redacted. */
export function redactRequest(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || typeof (value as { url?: unknown }).url !== 'string') return value;
  return { ...(value as object), url: redactUrl((value as { url: string }).url) };
}

function redactPair(pair: string): string {
  const eq = pair.indexOf('=');
  if (eq < 0) return redactShapes(pair);
  const name = pair.slice(0, eq);
  if (SECRET_NAME.test(decodeLoosely(name))) return `${name}=${REDACTED}`;
  return `${name}=${redactShapes(pair.slice(eq + 1))}`;
}

function redactShapes(text: string): string {
  return text.replace(API_KEY, `hk_$1_${REDACTED}`).replace(STREAM_TICKET, `st_${REDACTED}`);
}

function decodeLoosely(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

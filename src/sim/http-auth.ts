import type { IncomingMessage } from 'node:http';

/**
 * ARI credentials: an `Authorization: Basic` header or `api_key=user:password`
 * in the query string (what browsers and WebSocket clients use).
 */
export function isAuthorized(req: IncomingMessage, url: URL, users: Readonly<Record<string, string>>): boolean {
  const header = req.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    if (checkPair(decoded, users)) return true;
  }
  const apiKey = url.searchParams.get('api_key');
  return apiKey !== null && checkPair(apiKey, users);
}

function checkPair(pair: string, users: Readonly<Record<string, string>>): boolean {
  const colon = pair.indexOf(':');
  if (colon <= 0) return false;
  const user = pair.slice(0, colon);
  return Object.hasOwn(users, user) && users[user] === pair.slice(colon + 1);
}

export const UNAUTHORIZED_BODY = JSON.stringify({ message: 'Authentication required' });
export const AUTH_CHALLENGE = 'Basic realm="Asterisk REST Interface"';

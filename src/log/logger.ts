import { pino, type Logger, type LoggerOptions } from 'pino';
import { maskPhone } from './mask.js';
import { redactRequest, redactUrlValue } from './redact-url.js';

export type { Logger } from 'pino';

/** Keys that must never reach a log line (service passwords, PINs, API keys). */
const REDACT = [
  'pin', 'password', 'apiKey', 'authorization',
  '*.pin', '*.password', '*.apiKey', '*.authorization', 'req.headers.authorization',
];

export interface LoggerSettings {
  level: string;
  name?: string;
  /** Where to write; pino's default is stdout. */
  destination?: pino.DestinationStream;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    name: settings.name ?? 'hotline',
    redact: { paths: REDACT, censor: '[redacted]' },
    // A URL may carry a key or ticket in its query string: every logged url, on its own or in a request, is redacted.
    serializers: { url: redactUrlValue, req: redactRequest, request: redactRequest },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

/** One child logger per call, bound to the call id, with the caller's number masked. */
export function callLogger(parent: Logger, callId: string, callerNumber?: string): Logger {
  return parent.child({ callId, from: maskPhone(callerNumber) });
}

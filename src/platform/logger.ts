/** The JSON logger (pino). Personal data is masked by the serializers; secrets are redacted by path. */
import { pino, type Logger, type LoggerOptions } from 'pino';
import { maskPersonalData, maskText } from './pii.js';

export type { Logger };

export interface LoggerSettings {
  level: string;
  pretty: boolean;
  service: string;
  /** Where lines go; stdout when absent. Tests pass a stream to capture lines. */
  destination?: NodeJS.WritableStream;
}

function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: maskText(String(err)) };
  const out: Record<string, unknown> = {
    type: err.name,
    message: maskText(err.message),
    stack: err.stack ? maskText(err.stack) : undefined,
  };
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (err.cause) out.cause = serializeError(err.cause);
  return out;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-session-secret"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.secret',
        '*.token',
      ],
      censor: '[redacted]',
    },
    serializers: {
      err: serializeError,
      error: serializeError,
      data: (v: unknown) => maskPersonalData(v),
      details: (v: unknown) => maskPersonalData(v),
      lead: (v: unknown) => maskPersonalData(v),
    },
    hooks: {
      // Free-text log messages are masked too: an e-mail in a message never reaches the output.
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskText(a) : a)) as typeof args;
        method.apply(this, masked);
      },
    },
  };
  if (settings.pretty && !settings.destination) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options, settings.destination ?? pino.destination({ sync: false }));
}

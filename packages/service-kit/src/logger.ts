import type { LoggerOptions } from 'pino';

/**
 * pino options for a service: JSON lines with the service name, pretty
 * output only on a TTY, and redaction of credential fields should one reach
 * a log call.
 */
export function loggerOptions(service: string, level: string): LoggerOptions {
  const options: LoggerOptions = {
    level,
    base: { service },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.new_password',
        '*.code',
        '*.token',
        'password',
        'token',
      ],
      censor: '[redacted]',
    },
  };
  if (process.stdout.isTTY && !process.env.NO_PRETTY_LOGS) {
    options.transport = {
      target: 'pino-pretty',
      options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
    };
  }

  return options;
}

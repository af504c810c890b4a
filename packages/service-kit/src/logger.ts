import type { LoggerOptions } from 'pino';

/**
 * pino options for a service: JSON lines with the service name, pretty
 * output on a TTY (or when PRETTY_LOGS=1, which the `npm start` supervisor
 * sets for children whose output it relays to a terminal), and redaction of
 * credential fields should one reach a log call.
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
  const pretty = process.env.PRETTY_LOGS ? process.env.PRETTY_LOGS === '1' : process.stdout.isTTY;
  if (pretty) {
    options.transport = {
      target: 'pino-pretty',
      options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
    };
  }

  return options;
}

import { pino, type Logger } from 'pino';

export type { Logger };

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)/g;
const PHONE = /\+?\d[\d\s().-]{6,}\d/g;

/** Masks emails and phone numbers in free text so logs never carry contact details. */
export function maskPii(text: string): string {
  return text.replace(EMAIL, '$1***@$2').replace(PHONE, (m) => `***${m.slice(-2)}`);
}

/**
 * JSON logs on file descriptor 2 only: stdout carries the MCP protocol and nothing else.
 * Emails and phones in known fields are masked.
 */
export function createLogger(level: string, destination: number | NodeJS.WritableStream = 2): Logger {
  const stream = typeof destination === 'number' ? pino.destination({ dest: destination, sync: true }) : destination;
  return pino(
    {
      level,
      base: { service: 'supportdesk-mcp' },
      redact: {
        // Credentials are never logged on purpose; these paths catch them if one is ever passed by mistake.
        paths: ['email', '*.email', 'phone', '*.phone', 'password', '*.password', 'connectionString', 'authorization', '*.authorization', 'token', '*.token'],
        censor: '[masked]',
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

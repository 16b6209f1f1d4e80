export type LogLevel = 'debug' | 'info' | 'warn';

const RANK: Record<LogLevel | 'error', number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** JSON lines (`{"time","level","msg",...}`), one per event, for journald or any log shipper. */
export class JsonLog {
  constructor(
    private readonly level: LogLevel,
    private readonly write: (line: string) => void,
  ) {}

  debug(msg: string, fields: Record<string, unknown> = {}): void {
    this.emit('debug', msg, fields);
  }

  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.emit('info', msg, fields);
  }

  warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.emit('warn', msg, fields);
  }

  error(msg: string, fields: Record<string, unknown> = {}): void {
    this.emit('error', msg, fields);
  }

  private emit(level: LogLevel | 'error', msg: string, fields: Record<string, unknown>): void {
    if (RANK[level] < RANK[this.level]) return;
    this.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
  }
}

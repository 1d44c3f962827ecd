import { appendFileSync, writeFileSync } from 'node:fs';

/**
 * The service's log during a burst, read as it is written: ARI requests that
 * got no answer in time, retries the client announces, warnings and errors.
 * What the switch cannot see (a request the client gave up on or sent again)
 * is only observable here. Optionally every line is also kept in a file.
 */
export class LogTally {
  timeouts = 0;
  retries = 0;
  socketErrors = 0;
  warnings = 0;
  errors = 0;
  /** The first error messages, for the report. */
  readonly firstErrors: string[] = [];
  private pending: string[] = [];

  constructor(private readonly file: string | null = null) {
    if (file) writeFileSync(file, '');
  }

  /** pino's destination interface. */
  write(line: string): void {
    if (line.includes('no answer within') || line.includes('"ari-timeout"')) this.timeouts += 1;
    if (line.includes('retrying')) this.retries += 1;
    if (line.includes('UND_ERR_SOCKET') || line.includes('other side closed')) this.socketErrors += 1;
    const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
    if (level === 40) this.warnings += 1;
    if (level >= 50) {
      this.errors += 1;
      const msg = /"msg":"([^"]*)"/.exec(line)?.[1];
      if (msg && this.firstErrors.length < 8 && !this.firstErrors.includes(msg)) this.firstErrors.push(msg);
    }
    if (this.file) {
      this.pending.push(line);
      if (this.pending.length >= 200) this.flush();
    }
  }

  flush(): void {
    if (!this.file || !this.pending.length) return;
    appendFileSync(this.file, this.pending.join(''));
    this.pending = [];
  }
}

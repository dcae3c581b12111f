import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { chooseLogFormat, prettyLogLine } from '@prism/log';

// Shown on a terminal while the services start; the rest of the start-up chatter is in the files.
const WARN_OR_WORSE = new Set(['warn', 'error', 'fatal']);

/**
 * The log lines of the services `npm start` runs. Every line goes to `<dir>/<service>.log`, as
 * the service wrote it (JSON: its stdout is a pipe). The terminal gets them per chooseLogFormat:
 * JSON lines on stdout when it is piped or LOG_FORMAT=json (for machines: all of them), else
 * their pretty form, only warnings and errors until `showAll()` (once the banner is out) and
 * again after `showWarningsOnly()` (once a stop begins).
 */
export class ServiceLogs {
  private readonly files = new Map<string, number>();
  private readonly pretty = chooseLogFormat() === 'pretty' ? prettyLogLine() : undefined;
  /** Every line on the terminal (between the banner and a stop), else warnings and errors only. */
  private showingAll = false;

  constructor(
    private readonly dir: string,
    private readonly repoRoot: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Where the full log of `service` is, relative to the repository (for messages). */
  fileOf(service: string): string {
    return relative(this.repoRoot, join(this.dir, `${service}.log`));
  }

  /** Reads the child's stdout and stderr line by line; the file starts empty on each run. */
  follow(service: string, child: ChildProcess): void {
    // Written synchronously, so the last lines of a crash are in the file before we exit.
    const file = openSync(join(this.dir, `${service}.log`), 'w');
    this.files.set(service, file);
    for (const [stream, terminal] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ] as const) {
      if (!stream) continue;
      createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
        writeSync(file, `${line}\n`);
        this.show(line, terminal);
      });
    }
  }

  /** From now on the terminal shows every line, not only warnings and errors. */
  showAll(): void {
    this.showingAll = true;
  }

  /** Back to warnings and errors only: a stop's "shutting down" lines stay in the files. */
  showWarningsOnly(): void {
    this.showingAll = false;
  }

  close(): void {
    for (const file of this.files.values()) closeSync(file);
    this.files.clear();
  }

  private show(line: string, terminal: NodeJS.WriteStream): void {
    if (!this.pretty) {
      terminal.write(`${line}\n`);
      return;
    }
    const level = levelOf(line);
    // Not a log line (a crash's stack trace, a Node warning): always worth seeing.
    if (level === undefined) process.stderr.write(`${line}\n`);
    else if (this.showingAll || WARN_OR_WORSE.has(level)) process.stdout.write(this.pretty(line));
  }
}

function levelOf(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return typeof level === 'string' ? level : undefined;
  } catch {
    return undefined;
  }
}

// One output channel for the extension, the server's stderr and LSP traces, kept across restarts.
// It remembers the last lines written, so that a message about a server that keeps exiting can
// quote what the server said (a Python traceback's last line, usually).
import * as vscode from 'vscode';

export class RecordingOutputChannel implements vscode.OutputChannel {
  private partial = '';
  private readonly lines: string[] = [];

  constructor(
    private readonly inner: vscode.OutputChannel,
    private readonly keep = 50,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  append(value: string): void {
    this.inner.append(value);
    this.record(value);
  }

  appendLine(value: string): void {
    this.inner.appendLine(value);
    this.record(value + '\n');
  }

  replace(value: string): void {
    this.inner.replace(value);
  }

  clear(): void {
    this.inner.clear();
  }

  show(columnOrPreserve?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserve === 'boolean' || columnOrPreserve === undefined) {
      this.inner.show(columnOrPreserve as boolean | undefined);
    } else {
      this.inner.show(columnOrPreserve, preserveFocus);
    }
  }

  hide(): void {
    this.inner.hide();
  }

  dispose(): void {
    this.inner.dispose();
  }

  /** The extension's own lines. */
  info(message: string): void {
    this.appendLine(`[cargo-lens ${new Date().toLocaleTimeString()}] ${message}`);
  }

  /** Marks where the output of one server process starts. */
  mark(): number {
    this.lines.length = 0;
    this.partial = '';
    return 0;
  }

  /** The last non-empty line written since `mark()` that is not one of the extension's own or a client log line. */
  lastServerLine(): string | undefined {
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const line = this.lines[i].trim();
      if (line === '' || line.startsWith('[cargo-lens ') || /^\[(Info|Warn|Error|Debug|Trace|LSP)\s*-/.test(line)) continue;
      return line;
    }
    return undefined;
  }

  private record(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const p of parts) {
      this.lines.push(p);
      if (this.lines.length > this.keep) this.lines.shift();
    }
  }
}

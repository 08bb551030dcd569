// One output channel for the extension, the server's stderr and LSP traces, kept across restarts
// (vscode-languageclient would otherwise make one per client).
import * as vscode from 'vscode';

export class OutputChannel implements vscode.OutputChannel {
  constructor(private readonly inner: vscode.OutputChannel) {}

  get name(): string {
    return this.inner.name;
  }

  append(value: string): void {
    this.inner.append(value);
  }

  appendLine(value: string): void {
    this.inner.appendLine(value);
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
}

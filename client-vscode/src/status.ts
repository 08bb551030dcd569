// Two status-bar items:
// - the extension's state, shown only when something needs the user (restricted, no server, the
//   server stopped), with a click that helps;
// - the active manifest's workspace: root and member count, from `cargoLens.workspaceSummary`.
import * as path from 'path';
import * as vscode from 'vscode';

export type StateKind = 'restricted' | 'not-found' | 'stopped' | 'starting' | 'running' | 'idle';

export interface Summary {
  root: string | null;
  members: number;
  error: string | null;
}

/** Checks a `cargoLens.workspaceSummary` answer; undefined when it has another shape. */
export function parseSummary(value: unknown): Summary | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const root = v.root === undefined || v.root === null ? null : typeof v.root === 'string' ? v.root : undefined;
  const error = v.error === undefined || v.error === null ? null : typeof v.error === 'string' ? v.error : String(v.error);
  const members = typeof v.members === 'number' && Number.isFinite(v.members) ? v.members : v.members === undefined || v.members === null ? 0 : undefined;
  if (root === undefined || members === undefined) return undefined;
  return { root, members, error };
}

/** The root as a directory path: a `file:` URI or a path, to a directory or its Cargo.toml. */
export function rootDirectory(root: string): string {
  let p = root;
  if (/^file:/i.test(p)) {
    try {
      p = vscode.Uri.parse(p).fsPath;
    } catch {
      // keep as is
    }
  }
  if (/[\\/]Cargo\.toml$/.test(p)) p = p.replace(/[\\/]Cargo\.toml$/, '');
  return p;
}

export function summaryText(summary: Summary): { text: string; tooltip: string } {
  const plural = summary.members === 1 ? 'member' : 'members';
  if (summary.root === null) {
    return {
      text: '$(package) no workspace',
      tooltip: 'cargo-lens: this manifest belongs to no workspace root.\nClick to explain its membership.',
    };
  }
  const dir = rootDirectory(summary.root);
  const rel = vscode.workspace.asRelativePath(dir, false);
  const name = rel === '' || rel === dir ? path.basename(dir) || dir : rel;
  return {
    text: `$(package) ${name} · ${summary.members} ${plural}`,
    tooltip: `cargo-lens: workspace root ${dir}\n${summary.members} ${plural}\nClick to explain this manifest's membership.`,
  };
}

export class StatusItems implements vscode.Disposable {
  readonly state: vscode.StatusBarItem;
  readonly summary: vscode.StatusBarItem;
  private errorTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly errorMs = 5000) {
    this.state = vscode.window.createStatusBarItem('cargoLens.state', vscode.StatusBarAlignment.Left, 10);
    this.state.name = 'cargo-lens: state';
    this.summary = vscode.window.createStatusBarItem('cargoLens.summary', vscode.StatusBarAlignment.Left, 9);
    this.summary.name = 'cargo-lens: workspace';
    this.summary.command = 'cargoLens.explain';
  }

  setState(kind: StateKind, detail = ''): void {
    const s = this.state;
    s.backgroundColor = undefined;
    switch (kind) {
      case 'restricted':
        s.text = '$(shield) cargo-lens: restricted';
        s.tooltip =
          'cargo-lens: this workspace is not trusted, so nothing is run: the language server is not started and rustc is never called. ' +
          'Trust the workspace to start it.\nClick to manage workspace trust.';
        s.command = 'workbench.trust.manage';
        s.show();
        break;
      case 'not-found':
        s.text = '$(warning) cargo-lens: no server';
        s.tooltip = `${detail}\nClick for what to do.`;
        s.command = 'cargoLens.showProblem';
        s.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        s.show();
        break;
      case 'stopped':
        s.text = '$(error) cargo-lens: stopped';
        s.tooltip = `${detail}\nClick for what to do.`;
        s.command = 'cargoLens.showProblem';
        s.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        s.show();
        break;
      case 'starting':
        s.text = '$(sync~spin) cargo-lens';
        s.tooltip = `cargo-lens: starting ${detail}`;
        s.command = 'cargoLens.showOutput';
        s.show();
        break;
      case 'running':
      case 'idle':
        s.hide();
        break;
    }
  }

  showSummary(summary: Summary): void {
    this.clearTimer();
    const { text, tooltip } = summaryText(summary);
    this.summary.text = text;
    this.summary.tooltip = tooltip;
    this.summary.backgroundColor = undefined;
    this.summary.show();
  }

  /** Shows an error for a few seconds, then the previous summary if any, else nothing. */
  showError(message: string, previous: Summary | undefined): void {
    this.clearTimer();
    const short = message.split(/\r?\n/)[0];
    this.summary.text = `$(warning) ${short.length > 60 ? short.slice(0, 57) + '…' : short}`;
    this.summary.tooltip = `cargo-lens: ${message}`;
    this.summary.show();
    this.errorTimer = setTimeout(() => {
      this.errorTimer = undefined;
      if (previous) this.showSummary(previous);
      else this.summary.hide();
    }, this.errorMs);
  }

  hideSummary(): void {
    this.clearTimer();
    this.summary.hide();
  }

  private clearTimer(): void {
    if (this.errorTimer !== undefined) {
      clearTimeout(this.errorTimer);
      this.errorTimer = undefined;
    }
  }

  dispose(): void {
    this.clearTimer();
    this.state.dispose();
    this.summary.dispose();
  }
}

// Notifications that appear once: each problem has a key, and a key that has been shown is not
// shown again until the user asks for a fresh start ("Restart Server"). Automatic events (a crash,
// a configuration change, a restart after a crash) can therefore never pile up notifications.
import * as vscode from 'vscode';

export type Level = 'error' | 'warning' | 'info';

export interface Action {
  title: string;
  run: () => unknown;
}

export class Notifier {
  private readonly shown = new Set<string>();

  constructor(private readonly log: (line: string) => void) {}

  /** Shows the message unless its key was shown already; returns whether it was shown. */
  once(key: string, level: Level, message: string, actions: Action[] = []): boolean {
    this.log(`[${level}] ${message}`);
    if (this.shown.has(key)) return false;
    this.shown.add(key);
    this.show(level, message, actions);
    return true;
  }

  /** Shows the message whatever was shown before (for what the user just asked for). */
  show(level: Level, message: string, actions: Action[] = []): void {
    const fn =
      level === 'error' ? vscode.window.showErrorMessage : level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const titles = actions.map((a) => a.title);
    void Promise.resolve(fn(message, ...titles)).then(
      (choice) => {
        const action = actions.find((a) => a.title === choice);
        if (action) {
          try {
            void Promise.resolve(action.run()).catch((err) => this.log(`action "${action.title}" failed: ${err}`));
          } catch (err) {
            this.log(`action "${action.title}" failed: ${err}`);
          }
        }
      },
      (err) => this.log(`could not show a notification: ${err}`),
    );
  }

  wasShown(key: string): boolean {
    return this.shown.has(key);
  }

  reset(): void {
    this.shown.clear();
  }
}

// cargo-lens for VS Code: starts `cargo-lens serve` (found on this machine; nothing is downloaded)
// for Cargo manifests, in trusted workspaces only.
import * as vscode from 'vscode';
import { Controller } from './controller';

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<Controller> {
  controller = new Controller();
  context.subscriptions.push({ dispose: () => void controller?.dispose() });
  try {
    await controller.activate();
  } catch (err) {
    // Never fail activation: the editor stays usable, and the output says what went wrong.
    controller.output.info(`activation error: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
  }
  return controller;
}

export async function deactivate(): Promise<void> {
  const c = controller;
  controller = undefined;
  await c?.dispose();
}

// Read-only documents for "Explain": a text document content provider, so the explanation opens
// like a file but cannot be edited or saved.
import * as vscode from 'vscode';

export const EXPLAIN_SCHEME = 'cargo-lens-explain';

export class ExplainDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** The read-only document's address for a manifest. */
  uriFor(manifest: vscode.Uri): vscode.Uri {
    const rel = vscode.workspace.asRelativePath(manifest, true).replace(/\\/g, '/');
    return vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${rel} (explained).txt`, query: manifest.toString() });
  }

  async show(manifest: vscode.Uri, text: string): Promise<vscode.Uri> {
    const uri = this.uriFor(manifest);
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
    return uri;
  }

  text(uri: vscode.Uri): string | undefined {
    return this.texts.get(uri.toString());
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

// The extension's life: when to start the server (trusted workspace, a Cargo manifest around),
// how (discovery), what the user is told (once), crashes, restarts, settings, the commands and the
// status bar.
import * as cp from 'child_process';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  CloseAction,
  ConfigurationParams,
  DidChangeConfigurationNotification,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  MessageType,
  ResponseError,
  RevealOutputChannelOn,
  ServerOptions,
  ShowMessageNotification,
  ShowMessageParams,
  State,
} from 'vscode-languageclient/node';
import { CrashTracker } from './crash';
import { ActionId, fileState, findServer, ProbeResult, ServerCommand } from './discovery';
import { ExplainDocuments } from './explain';
import { Action, Level, Notifier } from './notifier';
import { OutputChannel } from './output';
import { initializationOptions, readSettings, SECTION, serverPayload, ServerSettings, settingsCommandFor } from './settings';
import { parseSummary, StatusItems, Summary } from './status';

export const CLIENT_ID = 'cargoLens';
export const CLIENT_NAME = 'cargo-lens';
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', pattern: '**/Cargo.toml' },
  { scheme: 'file', pattern: '**/.cargo/config.toml' },
  { scheme: 'file', pattern: '**/.cargo/config' },
];
/** Commands the server provides through `workspace/executeCommand`. */
export const SERVER_COMMANDS = {
  explain: 'cargoLens.explain',
  workspaceSummary: 'cargoLens.workspaceSummary',
} as const;
/** Commands this extension registers itself; never registered again on the server's behalf. */
export const OWN_COMMANDS = new Set([
  'cargoLens.restartServer',
  'cargoLens.showOutput',
  'cargoLens.explain',
  'cargoLens.showProblem',
  'cargoLens.workspaceSummary',
]);

export function isManifest(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && /(^|\/)Cargo\.toml$/.test(uri.path);
}

export function isCargoFile(uri: vscode.Uri): boolean {
  return isManifest(uri) || (uri.scheme === 'file' && /\/\.cargo\/config(\.toml)?$/.test(uri.path));
}

export interface ControllerDeps {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  probePython?: (python: string) => Promise<ProbeResult>;
  now?: () => number;
  crashes?: CrashTracker;
  /** Used for the CLI fallback of Explain; defaults to child_process.execFile. */
  execFile?: typeof cp.execFile;
}

/** vscode-languageclient, minus its own notifications: the controller decides what the user sees. */
export class CargoLensClient extends LanguageClient {
  override error(message: string, data?: unknown, _showNotification?: boolean | 'force'): void {
    super.error(message, data, false);
  }
  override warn(message: string, data?: unknown, _showNotification?: boolean | 'force'): void {
    super.warn(message, data, false);
  }
  override info(message: string, data?: unknown, _showNotification?: boolean | 'force'): void {
    super.info(message, data, false);
  }
  // When the connection closes during start-up, start() lets go of its own promise (it returns
  // `this._onStart`, which the close handler has just cleared) and that promise's rejection is
  // never handled: mark it handled. The controller learns of the failure from errorHandler.closed.
  override start(): Promise<void> {
    const result = super.start();
    const pending = (this as unknown as { _onStart?: Promise<void> })._onStart;
    if (pending !== undefined && typeof pending.catch === 'function') pending.catch(() => undefined);
    return result;
  }
  // The client calls `void this.stop()` itself when initialization fails, in a state where stop()
  // throws; nobody would catch that.
  override stop(timeout?: number): Promise<void> {
    return super.stop(timeout).catch((err) => {
      this.outputChannel.appendLine(`[cargo-lens] stop: ${err instanceof Error ? err.message : err}`);
    });
  }
}

class SpawnError extends Error {
  constructor(
    readonly command: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Did the server say it does not know this command? (pygls: InvalidParams "… is not defined".) */
export function isUnknownCommandError(err: unknown): boolean {
  if (!(err instanceof ResponseError) && !(typeof err === 'object' && err !== null && 'code' in err)) return false;
  const e = err as { code?: number; message?: string };
  const msg = e.message ?? '';
  return e.code === -32601 || /not defined|unknown command|no such command|not (supported|found|registered)/i.test(msg);
}

export class Controller implements vscode.Disposable {
  readonly output: OutputChannel;
  readonly notifier: Notifier;
  readonly status: StatusItems;
  readonly crashes: CrashTracker;
  readonly explainDocs: ExplainDocuments;
  client: CargoLensClient | undefined;
  server: ServerCommand | undefined;
  /** The server processes this controller started and that have not exited, by generation. */
  readonly spawned = new Map<number, cp.ChildProcess>();
  /** The last lines the latest server process wrote to stderr (a Python traceback's end, usually). */
  private stderrTail: string[] = [];
  /** Resolves when a server process's output has been read to the end, by generation. */
  private readonly outputDone = new Map<number, Promise<void>>();

  private readonly deps: Required<Omit<ControllerDeps, 'probePython' | 'crashes'>> & Pick<ControllerDeps, 'probePython'>;
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;
  private readonly closed = new Set<number>();
  private queue: Promise<void> = Promise.resolve();
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private waitForManifest: vscode.Disposable | undefined;
  private lastProblem: { level: Level; message: string; actions: Action[] } | undefined;
  private summarySeq = 0;
  private lastSummary: { uri: string; summary: Summary } | undefined;
  private summaryTimer: ReturnType<typeof setTimeout> | undefined;
  private summaryUnsupportedLogged = false;
  private disposed = false;

  constructor(deps: ControllerDeps = {}) {
    this.deps = {
      env: deps.env ?? process.env,
      platform: deps.platform ?? process.platform,
      home: deps.home ?? os.homedir(),
      now: deps.now ?? Date.now,
      execFile: deps.execFile ?? cp.execFile,
      probePython: deps.probePython,
    };
    this.crashes = deps.crashes ?? new CrashTracker();
    this.output = new OutputChannel(vscode.window.createOutputChannel('cargo-lens'));
    this.notifier = new Notifier((line) => this.output.info(line));
    this.status = new StatusItems();
    this.explainDocs = new ExplainDocuments();
    this.disposables.push(this.output, this.status, this.explainDocs);
  }

  // ---------------------------------------------------------------- activation

  async activate(): Promise<void> {
    const reg = (id: string, fn: (...args: any[]) => unknown) => this.disposables.push(vscode.commands.registerCommand(id, fn));
    reg('cargoLens.restartServer', () => this.restart(true));
    reg('cargoLens.showOutput', () => this.output.show(true));
    reg('cargoLens.explain', (arg?: unknown) => this.explain(arg));
    reg('cargoLens.showProblem', () => this.showLastProblem());

    this.disposables.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.output.info('the workspace is now trusted');
        this.status.setState('idle');
        void this.startWhenRelevant();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => this.onConfigurationChanged(e)),
      vscode.window.onDidChangeActiveTextEditor(() => this.scheduleSummary(0)),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (isManifest(doc.uri)) this.scheduleSummary(200);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isManifest(e.document.uri) && e.contentChanges.length > 0) this.scheduleSummary(800);
      }),
    );

    this.checkSettings();
    if (!vscode.workspace.isTrusted) {
      this.output.info('this workspace is not trusted: cargo-lens runs nothing here (no language server, no rustc) until it is');
      this.status.setState('restricted');
      return;
    }
    await this.startWhenRelevant();
  }

  /** Starts now if a Cargo manifest is open or in the workspace; otherwise when one is opened. */
  async startWhenRelevant(): Promise<void> {
    if (this.disposed || !vscode.workspace.isTrusted) return;
    if (await this.relevant()) return this.start();
    this.output.info('no Cargo.toml is open or in the workspace; the server starts when one is opened');
    this.waitForManifest?.dispose();
    this.waitForManifest = vscode.workspace.onDidOpenTextDocument((doc) => {
      if (isCargoFile(doc.uri)) {
        this.waitForManifest?.dispose();
        this.waitForManifest = undefined;
        void this.start();
      }
    });
  }

  private async relevant(): Promise<boolean> {
    if (vscode.workspace.textDocuments.some((d) => isCargoFile(d.uri))) return true;
    try {
      const found = await vscode.workspace.findFiles('**/Cargo.toml', '**/{node_modules,.git,target}/**', 1);
      return found.length > 0;
    } catch {
      return true;
    }
  }

  // ---------------------------------------------------------------- start / stop

  /** Runs lifecycle steps one after another. */
  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step, step);
    this.queue = next.catch((err) => this.output.info(`internal error: ${errorText(err)}`));
    return this.queue;
  }

  start(): Promise<void> {
    return this.serial(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.serial(() => this.doStop());
  }

  /** "Restart Server": a fresh start, which may show again what was shown before. */
  restart(byUser: boolean): Promise<void> {
    if (byUser) {
      this.notifier.reset();
      this.crashes.reset();
      if (!vscode.workspace.isTrusted) {
        this.notifier.show('info', 'cargo-lens runs nothing in an untrusted workspace. Trust the workspace to start the language server.', [
          { title: 'Manage Workspace Trust', run: () => vscode.commands.executeCommand('workbench.trust.manage') },
        ]);
        return Promise.resolve();
      }
      this.checkSettings();
    }
    return this.serial(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  private async doStart(): Promise<void> {
    if (this.disposed) return;
    if (!vscode.workspace.isTrusted) {
      this.status.setState('restricted');
      return;
    }
    if (this.client !== undefined) return;
    this.waitForManifest?.dispose();
    this.waitForManifest = undefined;
    this.clearRestartTimer();

    const settings = readSettings(vscode.workspace.getConfiguration(SECTION));
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
    const cwd = folder !== undefined && fileState(folder, this.deps.platform) === 'directory' ? folder : undefined;
    const found = await findServer({
      serverPath: settings.client.serverPath,
      serverPython: settings.client.serverPython,
      pythonFromExtension: () => this.pythonFromExtension(),
      env: this.deps.env,
      platform: this.deps.platform,
      home: this.deps.home,
      workspaceFolder: folder,
      probePython: this.deps.probePython,
    });
    for (const line of found.log) this.output.info(line);
    if (this.disposed) return;
    if (!found.ok) {
      this.server = undefined;
      this.status.setState('not-found', found.problem.message);
      this.report(found.problem.key, 'error', found.problem.message, this.actions(found.problem.actions, found.problem.installCommand));
      return;
    }
    const server = found.server;
    this.server = server;
    const gen = ++this.generation;
    const client = this.createClient(server, gen, cwd);
    this.client = client;
    this.status.setState('starting', server.description);
    this.output.info(`starting ${server.description}`);
    try {
      await client.start();
    } catch (err) {
      if (gen !== this.generation) return;
      // A server that exits during start-up closes the connection first; the crash handling owns it.
      await delay(50);
      if (this.closed.has(gen) || gen !== this.generation) return;
      this.client = undefined;
      await this.disposeClient(client, gen);
      this.startFailed(server, err);
      return;
    }
    if (gen !== this.generation || this.client !== client) return;
    this.status.setState('running');
    this.output.info(`server running (${server.description})`);
    this.scheduleSummary(0);
  }

  private async doStop(): Promise<void> {
    this.clearRestartTimer();
    const client = this.client;
    const gen = this.generation;
    this.client = undefined;
    this.generation++;
    this.status.hideSummary();
    if (client !== undefined) await this.disposeClient(client, gen);
  }

  private async disposeClient(client: CargoLensClient, gen: number): Promise<void> {
    try {
      await client.dispose(2000);
    } catch (err) {
      this.output.info(`stopping the client: ${errorText(err)}`);
    }
    // The server exits on `exit`; one that has not within a second (or never got it) is ended here.
    const child = this.spawned.get(gen);
    const alive = (c: cp.ChildProcess) => c.exitCode === null && c.signalCode === null;
    if (child !== undefined && alive(child)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (alive(child)) {
        try {
          child.kill();
        } catch {
          // already gone
        }
      }
    }
  }

  private createClient(server: ServerCommand, gen: number, cwd: string | undefined): CargoLensClient {
    const serverOptions: ServerOptions = () => this.spawnServer(server, cwd, gen);
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      diagnosticCollectionName: 'cargo-lens',
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: () => this.initOptions(),
      markdown: { isTrusted: false, supportHtml: false },
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue, handled: true }),
        closed: () => this.onClosed(gen),
      },
      initializationFailedHandler: (err) => {
        this.output.info(`initialization failed: ${errorText(err)}`);
        return false;
      },
      middleware: {
        workspace: {
          configuration: (params, token, next) => this.answerConfiguration(params, token, next),
        },
      },
    };
    const client = new CargoLensClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    // The server's commands are called by this extension through workspace/executeCommand; letting
    // the client register them as VS Code commands too would collide with ours ("command already
    // exists") and fail the start.
    const feature = client.getFeature(ExecuteCommandRequest.method) as unknown as { register(data: any): void };
    const register = feature.register.bind(feature);
    feature.register = (data: any) => {
      const commands: string[] = data?.registerOptions?.commands ?? [];
      register({ ...data, registerOptions: { ...data.registerOptions, commands: commands.filter((c) => !OWN_COMMANDS.has(c)) } });
    };
    // The server's window/showMessage: each text once, and settings problems with a way to fix them.
    client.onNotification(ShowMessageNotification.type, (params: ShowMessageParams) => this.onServerMessage(params));
    return client;
  }

  private spawnServer(server: ServerCommand, cwd: string | undefined, gen: number): Promise<cp.ChildProcess> {
    const args = [...server.baseArgs, 'serve', '--stdio'];
    return new Promise((resolve, reject) => {
      let child: cp.ChildProcess;
      try {
        child = cp.spawn(server.command, args, { cwd, env: this.deps.env, shell: server.shell, windowsHide: true });
      } catch (err) {
        reject(new SpawnError(server.command, (err as NodeJS.ErrnoException).code, errorText(err)));
        return;
      }
      this.spawned.set(gen, child);
      const tail: string[] = [];
      this.stderrTail = tail;
      let partial = '';
      const keep = (line: string) => {
        if (line.trim() === '') return;
        tail.push(line.trim());
        if (tail.length > 20) tail.shift();
      };
      child.stderr?.on('data', (data: Buffer | string) => {
        const parts = (partial + data.toString()).split(/\r?\n/);
        partial = parts.pop() ?? '';
        parts.forEach(keep);
      });
      child.stderr?.on('end', () => keep(partial));
      this.outputDone.set(gen, new Promise<void>((done) => child.once('close', () => done())));
      child.once('spawn', () => {
        this.output.info(`server process ${child.pid}: ${server.command} ${args.join(' ')}`);
        resolve(child);
      });
      child.once('error', (err: NodeJS.ErrnoException) => {
        reject(new SpawnError(server.command, err.code, err.message));
      });
      child.once('exit', (code, signal) => {
        this.output.info(`server process ${child.pid} exited (${code !== null ? `code ${code}` : `signal ${signal}`})`);
        if (this.spawned.get(gen) === child) this.spawned.delete(gen);
        for (const g of this.outputDone.keys()) if (g < gen) this.outputDone.delete(g);
      });
    });
  }

  private startFailed(server: ServerCommand, err: unknown): void {
    let message: string;
    if (err instanceof SpawnError) {
      const state = server.shell ? 'ok' : fileState(server.command, this.deps.platform);
      const why =
        err.code === 'ENOENT' && state === 'missing'
          ? 'it does not exist (any more)'
          : err.code === 'EACCES' || state === 'not-executable'
            ? 'it is not executable'
            : err.message;
      message = `cargo-lens: could not start the language server ${server.command}: ${why}.`;
    } else {
      const said = this.lastServerLine();
      message = `cargo-lens: the language server ${server.description} failed to start: ${errorText(err)}${said ? ` (it said: ${said})` : ''}.`;
    }
    this.status.setState('stopped', message);
    const ids: ActionId[] = server.source === 'setting' ? ['showOutput', 'setServerPath', 'restart'] : ['showOutput', 'restart'];
    this.report(`start-failed:${server.command}`, 'error', message, this.actions(ids, ''));
  }

  private lastServerLine(): string | undefined {
    return this.stderrTail.length > 0 ? this.stderrTail[this.stderrTail.length - 1] : undefined;
  }

  /** errorHandler.closed: the connection closed without our asking. */
  private onClosed(gen: number): { action: CloseAction; handled: boolean } {
    this.closed.add(gen);
    if (gen !== this.generation || this.disposed) return { action: CloseAction.DoNotRestart, handled: true };
    const client = this.client;
    const wasRunning = client?.initializeResult !== undefined;
    this.client = undefined;
    const decision = this.crashes.record(this.deps.now());
    const server = this.server;
    if (decision.restart) {
      this.output.info(
        `the server exited unexpectedly (${decision.count} of ${this.crashes.maxRestarts + 1} allowed in ${this.crashes.windowMs / 60000} minutes); starting it again`,
      );
      this.status.setState('starting', server?.description ?? '');
      this.clearRestartTimer();
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        void this.serial(async () => {
          if (client !== undefined) await this.disposeClient(client, gen);
          await this.doStart();
        });
      }, decision.delayMs);
    } else {
      const when = wasRunning ? 'exited unexpectedly' : 'exited while starting';
      // Quote the server's last words: wait (briefly) until its stderr has been read to the end.
      void Promise.race([this.outputDone.get(gen) ?? Promise.resolve(), delay(1000)]).then(() => {
        if (gen !== this.generation || this.disposed) return; // restarted or stopped meanwhile
        const said = this.lastServerLine();
        const message =
          `cargo-lens: the language server ${when} ${decision.count} times in ${this.crashes.windowMs / 60000} minutes, so it is not restarted again.` +
          (said ? ` Last output: ${said.length > 200 ? said.slice(0, 197) + '…' : said}` : ' The output may say why.');
        this.status.setState('stopped', message);
        this.report('crashed', 'error', message, this.actions(['showOutput', 'restart'], ''));
      });
      // After the client has finished handling the close (it is then stopped; this only tidies up).
      if (client !== undefined) setTimeout(() => void this.disposeClient(client, gen), 0);
    }
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  private clearRestartTimer(): void {
    if (this.restartTimer !== undefined) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
  }

  // ---------------------------------------------------------------- messages

  private report(key: string, level: Level, message: string, actions: Action[]): void {
    this.lastProblem = { level, message, actions };
    this.notifier.once(key, level, message, actions);
  }

  private showLastProblem(): void {
    if (this.lastProblem) this.notifier.show(this.lastProblem.level, this.lastProblem.message, this.lastProblem.actions);
    else this.output.show(true);
  }

  actions(ids: ActionId[], installCommand: string): Action[] {
    return ids.map((id): Action => {
      switch (id) {
        case 'setServerPath':
          return { title: 'Set server path…', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'cargoLens.server.path') };
        case 'setServerPython':
          return { title: 'Set Python…', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'cargoLens.server.python') };
        case 'copyInstallCommand':
          return {
            title: 'Copy install command',
            run: async () => {
              await vscode.env.clipboard.writeText(installCommand);
              vscode.window.setStatusBarMessage(`Copied: ${installCommand}. Run it in a terminal, then "cargo-lens: Restart Server".`, 8000);
            },
          };
        case 'showOutput':
          return { title: 'Show output', run: () => this.output.show(true) };
        case 'restart':
          return { title: 'Restart', run: () => this.restart(true) };
      }
    });
  }

  private onServerMessage(params: ShowMessageParams): void {
    const level: Level = params.type === MessageType.Error ? 'error' : params.type === MessageType.Warning ? 'warning' : 'info';
    const actions: Action[] = [];
    if (/settings?\b/i.test(params.message) && /cargoLens/.test(params.message)) {
      actions.push(this.openSettingAction('severity'));
    }
    this.notifier.once(`server:${params.type}:${params.message}`, level, params.message, actions);
  }

  private openSettingAction(key: string): Action {
    return {
      title: 'Open Settings',
      run: () => {
        const { command, args } = settingsCommandFor(vscode.workspace.getConfiguration(SECTION), key);
        return vscode.commands.executeCommand(command, ...args);
      },
    };
  }

  // ---------------------------------------------------------------- settings

  /** Says once which settings are malformed (they are ignored, never sent to the server). */
  checkSettings(): void {
    const config = vscode.workspace.getConfiguration(SECTION);
    const { problems } = readSettings(config);
    if (problems.length === 0) return;
    const text = problems.map((p) => p.message).join('; ');
    const first = problems[0].setting.replace(/^cargoLens\./, '');
    this.notifier.once(
      `settings:${text}`,
      'warning',
      `cargo-lens: ${problems.length === 1 ? 'a setting is' : `${problems.length} settings are`} malformed and ignored (the default is used): ${text}.`,
      [this.openSettingAction(first)],
    );
  }

  serverSettings(scope?: vscode.Uri): ServerSettings {
    const { server } = readSettings(vscode.workspace.getConfiguration(SECTION, scope));
    return serverPayload(server, vscode.workspace.isTrusted);
  }

  initOptions(): { cargoLens: ServerSettings } {
    const { server } = readSettings(vscode.workspace.getConfiguration(SECTION));
    return initializationOptions(server, vscode.workspace.isTrusted);
  }

  async answerConfiguration(
    params: ConfigurationParams,
    token: vscode.CancellationToken,
    next: (params: ConfigurationParams, token: vscode.CancellationToken) => any,
  ): Promise<any[] | ResponseError<void>> {
    const ours = (section: string | undefined) => section === SECTION || (section ?? '').startsWith(SECTION + '.');
    const others = params.items.filter((i) => !ours(i.section));
    let otherAnswers: unknown[] = [];
    if (others.length > 0) {
      const r = await next({ items: others }, token);
      if (!Array.isArray(r)) return r as ResponseError<void>;
      otherAnswers = r;
    }
    let j = 0;
    return params.items.map((item) => {
      if (!ours(item.section)) return otherAnswers[j++] ?? null;
      let scope: vscode.Uri | undefined;
      try {
        scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
      } catch {
        scope = undefined;
      }
      const payload = this.serverSettings(scope) as unknown as Record<string, unknown>;
      if (item.section === SECTION) return payload;
      const sub = item.section!.slice(SECTION.length + 1);
      return sub in payload ? payload[sub] : null;
    });
  }

  private onConfigurationChanged(e: vscode.ConfigurationChangeEvent): void {
    if (!e.affectsConfiguration(SECTION)) return;
    this.checkSettings();
    if (e.affectsConfiguration(`${SECTION}.server`)) {
      if (vscode.workspace.isTrusted && (this.client !== undefined || this.server !== undefined || this.lastProblem !== undefined)) {
        this.output.info('cargoLens.server changed: restarting');
        void this.restart(false);
      }
      return;
    }
    const client = this.client;
    if (client !== undefined && client.state === State.Running) {
      void client
        .sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: this.serverSettings() } })
        .catch((err) => this.output.info(`didChangeConfiguration: ${errorText(err)}`));
    }
  }

  // ---------------------------------------------------------------- Python extension

  private async pythonFromExtension(): Promise<string | undefined> {
    const ext = vscode.extensions.getExtension<any>('ms-python.python');
    if (ext === undefined) return undefined;
    const work = (async () => {
      const api = ext.isActive ? ext.exports : await ext.activate();
      const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
      const envs = api?.environments;
      if (envs?.getActiveEnvironmentPath) {
        const active = envs.getActiveEnvironmentPath(resource);
        if (envs.resolveEnvironment) {
          const resolved = await envs.resolveEnvironment(active);
          const exe = resolved?.executable?.uri?.fsPath;
          if (typeof exe === 'string' && exe !== '') return exe;
        }
        if (typeof active?.path === 'string') return active.path as string;
      }
      const exec = api?.settings?.getExecutionDetails?.(resource)?.execCommand;
      return Array.isArray(exec) && typeof exec[0] === 'string' ? (exec[0] as string) : undefined;
    })();
    return Promise.race([work, delay(10000).then(() => undefined)]);
  }

  // ---------------------------------------------------------------- server commands

  private running(): CargoLensClient | undefined {
    const c = this.client;
    return c !== undefined && c.state === State.Running ? c : undefined;
  }

  /** Undefined when the server did not say; otherwise whether it lists the command. */
  serverHas(command: string): boolean | undefined {
    const provider = this.running()?.initializeResult?.capabilities.executeCommandProvider;
    if (provider === undefined) return false;
    return provider.commands.includes(command);
  }

  private async executeOnServer(command: string, args: unknown[]): Promise<unknown> {
    const client = this.running();
    if (client === undefined) throw new Error('the cargo-lens server is not running');
    return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  private targetManifest(arg: unknown): vscode.Uri | undefined {
    if (arg instanceof vscode.Uri) return arg;
    if (typeof arg === 'string' && arg !== '') {
      try {
        return /^[a-z][a-z0-9+.-]*:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
      } catch {
        return undefined;
      }
    }
    const doc = vscode.window.activeTextEditor?.document;
    return doc !== undefined && isManifest(doc.uri) ? doc.uri : undefined;
  }

  async explain(arg?: unknown): Promise<void> {
    const uri = this.targetManifest(arg);
    if (uri === undefined || !isManifest(uri)) {
      this.notifier.show('info', 'cargo-lens: open a Cargo.toml to explain its workspace membership.');
      return;
    }
    if (!vscode.workspace.isTrusted) {
      this.notifier.show('info', 'cargo-lens runs nothing in an untrusted workspace, so it cannot explain this manifest. Trust the workspace first.', [
        { title: 'Manage Workspace Trust', run: () => vscode.commands.executeCommand('workbench.trust.manage') },
      ]);
      return;
    }
    const client = this.running();
    if (client === undefined) {
      this.notifier.show('warning', 'cargo-lens: the language server is not running, so it cannot explain this manifest.', this.actions(['showOutput', 'restart'], ''));
      return;
    }
    let text: string | undefined;
    let note = '';
    if (this.serverHas(SERVER_COMMANDS.explain) !== false) {
      try {
        const result = await this.executeOnServer(SERVER_COMMANDS.explain, [uri.toString()]);
        text = typeof result === 'string' ? result : JSON.stringify(result, null, 2);
      } catch (err) {
        if (!isUnknownCommandError(err)) {
          this.notifier.show('error', `cargo-lens: explaining ${vscode.workspace.asRelativePath(uri)} failed: ${errorText(err)}`, this.actions(['showOutput'], ''));
          return;
        }
      }
    }
    if (text === undefined) {
      // The running server has no `cargoLens.explain` yet: ask the command line, on the saved files.
      this.output.info(`the server does not provide ${SERVER_COMMANDS.explain}; running \`cargo-lens explain\` instead`);
      const cli = await this.explainWithCli(uri);
      if (cli === undefined) {
        this.notifier.once(
          'explain-unsupported',
          'warning',
          `cargo-lens: this version of the language server cannot explain membership (no \`${SERVER_COMMANDS.explain}\` command). Update cargo-lens.`,
          this.actions(['copyInstallCommand'], 'python3 -m pip install --upgrade cargo-lens'),
        );
        return;
      }
      text = cli;
      note = '(from `cargo-lens explain` on the saved files: this server version has no live explain)\n\n';
    }
    await this.explainDocs.show(uri, note + text);
  }

  private explainWithCli(uri: vscode.Uri): Promise<string | undefined> {
    const server = this.server;
    if (server === undefined) return Promise.resolve(undefined);
    const args = [...server.baseArgs, 'explain', uri.fsPath];
    if (this.serverSettings().allowRustc) args.push('--allow-rustc');
    return new Promise((resolve) => {
      this.deps.execFile(
        server.command,
        args,
        { timeout: 60000, env: this.deps.env, shell: server.shell, windowsHide: true, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const out = `${stdout}`;
          if (error && out.trim() === '') {
            this.output.info(`cargo-lens explain failed: ${errorText(error)} ${stderr}`);
            resolve(undefined);
          } else {
            resolve(out + (`${stderr}`.trim() !== '' ? `\n${stderr}` : ''));
          }
        },
      );
    });
  }

  scheduleSummary(ms: number): void {
    if (this.summaryTimer !== undefined) clearTimeout(this.summaryTimer);
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = undefined;
      void this.refreshSummary();
    }, ms);
  }

  async refreshSummary(): Promise<void> {
    const seq = ++this.summarySeq;
    const doc = vscode.window.activeTextEditor?.document;
    if (doc === undefined || !isManifest(doc.uri) || this.running() === undefined) {
      this.status.hideSummary();
      return;
    }
    if (this.serverHas(SERVER_COMMANDS.workspaceSummary) === false) {
      if (!this.summaryUnsupportedLogged) {
        this.summaryUnsupportedLogged = true;
        this.output.info(`the server does not provide ${SERVER_COMMANDS.workspaceSummary}: no workspace summary in the status bar`);
      }
      this.status.hideSummary();
      return;
    }
    const uri = doc.uri.toString();
    let result: unknown;
    try {
      result = await this.executeOnServer(SERVER_COMMANDS.workspaceSummary, [uri]);
    } catch (err) {
      if (seq !== this.summarySeq) return;
      if (isUnknownCommandError(err)) {
        this.status.hideSummary();
        return;
      }
      this.status.showError(errorText(err), this.previousSummary(uri));
      return;
    }
    if (seq !== this.summarySeq) return;
    const summary = parseSummary(result);
    if (summary === undefined) {
      this.output.info(`${SERVER_COMMANDS.workspaceSummary} answered ${JSON.stringify(result)}, not { root, members, error }`);
      this.status.hideSummary();
      return;
    }
    if (summary.error !== null) {
      this.status.showError(summary.error, this.previousSummary(uri));
      return;
    }
    this.lastSummary = { uri, summary };
    this.status.showSummary(summary);
  }

  private previousSummary(uri: string): Summary | undefined {
    return this.lastSummary?.uri === uri ? this.lastSummary.summary : undefined;
  }

  // ---------------------------------------------------------------- disposal

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.clearRestartTimer();
    if (this.summaryTimer !== undefined) clearTimeout(this.summaryTimer);
    this.waitForManifest?.dispose();
    const client = this.client;
    const gen = this.generation;
    this.client = undefined;
    this.generation++;
    if (client !== undefined) await this.disposeClient(client, gen);
    for (const d of this.disposables.splice(0)) {
      try {
        d.dispose();
      } catch {
        // ignore
      }
    }
  }
}

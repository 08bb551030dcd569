'use strict';
// A stand-in for the `vscode` module, enough for the extension and for vscode-languageclient 9 to
// start, talk to a server and stop. What the tests look at is recorded on `state`; anything the
// extension does not use is an inert auto-stub (callable, constructible, returns disposables).

const path = require('path');

// ------------------------------------------------------------------ auto-stubs

function autoStub(name) {
  const fn = function () {
    return autoStub(`${name}()`);
  };
  return new Proxy(fn, {
    get(target, prop) {
      if (prop === 'then') return undefined; // not a thenable
      if (prop === Symbol.iterator) return function* () {};
      if (prop === Symbol.toPrimitive) return () => `[stub ${name}]`;
      if (prop === 'dispose') return () => {};
      if (prop in target) return target[prop];
      const child = autoStub(`${name}.${String(prop)}`);
      target[prop] = child;
      return child;
    },
    apply() {
      return autoStub(`${name}()`);
    },
    construct() {
      return autoStub(`new ${name}`);
    },
  });
}

function withStubs(name, obj) {
  return new Proxy(obj, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (typeof prop === 'symbol') return undefined;
      const child = autoStub(`${name}.${prop}`);
      target[prop] = child;
      return child;
    },
  });
}

// ------------------------------------------------------------------ basics

class Disposable {
  constructor(fn) {
    this._fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((i) => i && i.dispose && i.dispose()));
  }
  dispose() {
    if (this._fn) this._fn();
    this._fn = undefined;
  }
}

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (listener, thisArg, disposables) => {
      const l = thisArg ? listener.bind(thisArg) : listener;
      this.listeners.add(l);
      const d = new Disposable(() => this.listeners.delete(l));
      if (Array.isArray(disposables)) disposables.push(d);
      return d;
    };
  }
  fire(value) {
    for (const l of [...this.listeners]) l(value);
  }
  dispose() {
    this.listeners.clear();
  }
}

class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this._emitter = emitter;
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
  }
  cancel() {
    this.token.isCancellationRequested = true;
    this._emitter.fire();
  }
  dispose() {}
}

class Uri {
  constructor(scheme, authority, p, query, fragment) {
    this.scheme = scheme;
    this.authority = authority || '';
    this.path = p || '/';
    this.query = query || '';
    this.fragment = fragment || '';
  }
  static file(fsPath) {
    return new Uri('file', '', path.posix.normalize(fsPath.replace(/\\/g, '/')), '', '');
  }
  static parse(value) {
    const m = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(value);
    if (!m) throw new Error(`bad uri ${value}`);
    return new Uri(m[1], m[2], decodeURIComponent(m[3]), m[4] ? decodeURIComponent(m[4]) : '', m[5] || '');
  }
  static from(c) {
    return new Uri(c.scheme, c.authority, c.path, c.query, c.fragment);
  }
  static joinPath(base, ...parts) {
    return base.with({ path: path.posix.join(base.path, ...parts) });
  }
  get fsPath() {
    return this.path;
  }
  with(change) {
    return new Uri(
      change.scheme ?? this.scheme,
      change.authority ?? this.authority,
      change.path ?? this.path,
      change.query ?? this.query,
      change.fragment ?? this.fragment,
    );
  }
  toString() {
    const enc = (p) => encodeURI(p).replace(/[?#]/g, encodeURIComponent);
    let s = `${this.scheme}:`;
    if (this.authority || this.scheme === 'file') s += `//${this.authority}`;
    s += enc(this.path);
    if (this.query) s += `?${encodeURIComponent(this.query)}`;
    if (this.fragment) s += `#${encodeURIComponent(this.fragment)}`;
    return s;
  }
  toJSON() {
    return { scheme: this.scheme, authority: this.authority, path: this.path, query: this.query, fragment: this.fragment };
  }
}

class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}
class Range {
  constructor(a, b, c, d) {
    if (typeof a === 'number') {
      this.start = new Position(a, b);
      this.end = new Position(c, d);
    } else {
      this.start = a;
      this.end = b;
    }
  }
}

// ------------------------------------------------------------------ recorded state

const state = {};

function resetState() {
  state.trusted = true;
  state.settings = {}; // 'cargoLens.server.path' -> value (global scope)
  state.workspaceSettings = {}; // workspace-scope values (win over global)
  state.messages = []; // { level, message, items }
  state.choose = () => undefined; // (message, items) -> the item "clicked"
  state.executed = []; // [command, ...args]
  state.commands = new Map();
  state.statusItems = new Map();
  state.outputs = [];
  state.clipboard = '';
  state.statusBarMessages = [];
  state.textDocuments = [];
  state.activeTextEditor = undefined;
  state.findFiles = [Uri.file('/ws/Cargo.toml')];
  state.workspaceFolders = [{ uri: Uri.file('/ws'), name: 'ws', index: 0 }];
  state.extensions = {};
  state.shownDocuments = [];
  state.diagnostics = new Map();
  state.contentProviders = new Map();
  state.emitters = {
    grantTrust: new EventEmitter(),
    configuration: new EventEmitter(),
    activeEditor: new EventEmitter(),
    openDocument: new EventEmitter(),
    saveDocument: new EventEmitter(),
    changeDocument: new EventEmitter(),
    closeDocument: new EventEmitter(),
  };
  state.pending = new Set(); // promises of shown messages, so a test can await the click's effect
}
resetState();

// ------------------------------------------------------------------ configuration

function lookup(section, key) {
  const full = section ? `${section}.${key}` : key;
  const fromScopes = (name) => {
    for (const scope of [state.workspaceSettings, state.settings]) {
      if (Object.prototype.hasOwnProperty.call(scope, name)) return { found: true, value: scope[name] };
    }
    return { found: false };
  };
  const direct = fromScopes(full);
  if (direct.found) return direct;
  // An object made of the keys below it ("cargoLens" -> { server: { path } ... }).
  const prefix = full + '.';
  const keys = [...new Set([...Object.keys(state.settings), ...Object.keys(state.workspaceSettings)])].filter((k) => k.startsWith(prefix));
  if (keys.length === 0) return { found: false };
  const obj = {};
  for (const k of keys) {
    const parts = k.slice(prefix.length).split('.');
    let o = obj;
    for (let i = 0; i < parts.length - 1; i++) o = o[parts[i]] = o[parts[i]] || {};
    o[parts[parts.length - 1]] = fromScopes(k).value;
  }
  return { found: true, value: obj };
}

function getConfiguration(section) {
  return {
    get(key, def) {
      const r = lookup(section, key);
      return r.found ? r.value : def;
    },
    has(key) {
      return lookup(section, key).found;
    },
    inspect(key) {
      const full = section ? `${section}.${key}` : key;
      return {
        key: full,
        globalValue: state.settings[full],
        workspaceValue: state.workspaceSettings[full],
        workspaceFolderValue: undefined,
      };
    },
    update() {
      return Promise.resolve();
    },
  };
}

/** Changes settings and fires onDidChangeConfiguration for them. */
function setSettings(values) {
  Object.assign(state.settings, values);
  const changed = Object.keys(values);
  state.emitters.configuration.fire({
    affectsConfiguration: (s) => changed.some((k) => k === s || k.startsWith(s + '.') || s.startsWith(k + '.')),
  });
}

// ------------------------------------------------------------------ window

function message(level) {
  return (msg, ...items) => {
    const options = items.length > 0 && typeof items[0] === 'object' && items[0] !== null && !('title' in items[0]) ? items.shift() : undefined;
    state.messages.push({ level, message: msg, items: items.map((i) => (typeof i === 'string' ? i : i.title)), options });
    const choice = state.choose(msg, items);
    const p = Promise.resolve(choice);
    state.pending.add(p);
    p.finally(() => state.pending.delete(p));
    return p;
  };
}

function createOutputChannel(name) {
  const channel = {
    name,
    text: '',
    shown: 0,
    append(v) {
      channel.text += v;
    },
    appendLine(v) {
      channel.text += v + '\n';
    },
    replace(v) {
      channel.text = v;
    },
    clear() {
      channel.text = '';
    },
    show() {
      channel.shown++;
    },
    hide() {},
    dispose() {},
  };
  state.outputs.push(channel);
  return channel;
}

function createStatusBarItem(id, alignment, priority) {
  const item = {
    id,
    alignment,
    priority,
    text: '',
    tooltip: undefined,
    command: undefined,
    name: undefined,
    backgroundColor: undefined,
    visible: false,
    show() {
      item.visible = true;
    },
    hide() {
      item.visible = false;
    },
    dispose() {
      item.visible = false;
    },
  };
  state.statusItems.set(id, item);
  return item;
}

const window = withStubs('window', {
  showErrorMessage: message('error'),
  showWarningMessage: message('warning'),
  showInformationMessage: message('info'),
  setStatusBarMessage(text) {
    state.statusBarMessages.push(text);
    return new Disposable();
  },
  createOutputChannel,
  createStatusBarItem,
  get activeTextEditor() {
    return state.activeTextEditor;
  },
  get visibleTextEditors() {
    return state.activeTextEditor ? [state.activeTextEditor] : [];
  },
  onDidChangeActiveTextEditor: (l) => state.emitters.activeEditor.event(l),
  onDidChangeVisibleTextEditors: () => new Disposable(),
  showTextDocument(doc, options) {
    state.shownDocuments.push({ doc, options });
    return Promise.resolve({ document: doc });
  },
  tabGroups: { all: [], onDidChangeTabs: () => new Disposable(), onDidChangeTabGroups: () => new Disposable() },
  withProgress: (_o, task) => task({ report() {} }, new CancellationTokenSource().token),
  createWebviewPanel: autoStub('createWebviewPanel'),
});

// ------------------------------------------------------------------ workspace

function makeDocument(uri, text = '', languageId = 'toml') {
  return {
    uri,
    fileName: uri.fsPath,
    languageId,
    version: 1,
    isClosed: false,
    isDirty: false,
    isUntitled: false,
    getText: () => text,
    lineCount: text.split('\n').length,
  };
}

const workspace = withStubs('workspace', {
  get isTrusted() {
    return state.trusted;
  },
  get workspaceFolders() {
    return state.workspaceFolders;
  },
  get textDocuments() {
    return state.textDocuments;
  },
  get name() {
    return 'ws';
  },
  get notebookDocuments() {
    return [];
  },
  getWorkspaceFolder: (uri) => state.workspaceFolders.find((f) => uri.path.startsWith(f.uri.path)),
  getConfiguration,
  onDidGrantWorkspaceTrust: (l) => state.emitters.grantTrust.event(l),
  onDidChangeConfiguration: (l) => state.emitters.configuration.event(l),
  onDidOpenTextDocument: (l) => state.emitters.openDocument.event(l),
  onDidCloseTextDocument: (l) => state.emitters.closeDocument.event(l),
  onDidSaveTextDocument: (l) => state.emitters.saveDocument.event(l),
  onDidChangeTextDocument: (l) => state.emitters.changeDocument.event(l),
  onDidChangeWorkspaceFolders: () => new Disposable(),
  onWillSaveTextDocument: () => new Disposable(),
  findFiles: () => Promise.resolve(state.findFiles),
  asRelativePath(p) {
    const s = typeof p === 'string' ? p : p.fsPath;
    const folder = state.workspaceFolders[0];
    if (folder && s.startsWith(folder.uri.fsPath + '/')) return s.slice(folder.uri.fsPath.length + 1);
    return s;
  },
  registerTextDocumentContentProvider(scheme, provider) {
    state.contentProviders.set(scheme, provider);
    return new Disposable(() => state.contentProviders.delete(scheme));
  },
  async openTextDocument(uri) {
    const provider = state.contentProviders.get(uri.scheme);
    const text = provider ? await provider.provideTextDocumentContent(uri) : '';
    return makeDocument(uri, text, 'plaintext');
  },
  createFileSystemWatcher: () => ({
    onDidCreate: () => new Disposable(),
    onDidChange: () => new Disposable(),
    onDidDelete: () => new Disposable(),
    dispose() {},
  }),
  fs: autoStub('workspace.fs'),
});

// ------------------------------------------------------------------ the rest

const commands = withStubs('commands', {
  registerCommand(id, fn) {
    if (state.commands.has(id)) throw new Error(`command '${id}' already exists`);
    state.commands.set(id, fn);
    return new Disposable(() => state.commands.delete(id));
  },
  executeCommand(id, ...args) {
    state.executed.push([id, ...args]);
    const fn = state.commands.get(id);
    return Promise.resolve(fn ? fn(...args) : undefined);
  },
  getCommands: () => Promise.resolve([...state.commands.keys()]),
});

const languages = withStubs('languages', {
  createDiagnosticCollection: (name) => ({
    name,
    set(uri, diagnostics) {
      if (uri && !Array.isArray(uri)) state.diagnostics.set(uri.toString(), diagnostics || []);
    },
    delete() {},
    clear() {},
    forEach() {},
    get() {
      return undefined;
    },
    has() {
      return false;
    },
    dispose() {},
  }),
  match: () => 0,
  onDidChangeDiagnostics: () => new Disposable(),
});

const env = withStubs('env', {
  appName: 'mock-vscode',
  language: 'en',
  machineId: 'test',
  sessionId: 'test',
  uiKind: 1,
  clipboard: {
    writeText(t) {
      state.clipboard = t;
      return Promise.resolve();
    },
    readText: () => Promise.resolve(state.clipboard),
  },
});

const extensions = withStubs('extensions', {
  getExtension: (id) => state.extensions[id],
  all: [],
  onDidChange: () => new Disposable(),
});

const vscode = withStubs('vscode', {
  version: '1.100.3',
  Uri,
  Disposable,
  EventEmitter,
  CancellationTokenSource,
  ThemeColor,
  Position,
  Range,
  StatusBarAlignment: { Left: 1, Right: 2 },
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  window,
  workspace,
  commands,
  languages,
  env,
  extensions,
  // test helpers
  __state: state,
  __reset: resetState,
  __setSettings: setSettings,
  __makeDocument: makeDocument,
});

module.exports = vscode;

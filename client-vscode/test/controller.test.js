'use strict';
// The extension against a mocked `vscode`, with the real vscode-languageclient and real processes:
// a fake LSP server (test/fixtures/fake-server.js) stands in for `cargo-lens serve`.
const test = require('node:test');
const assert = require('node:assert/strict');
const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');
const h = require('./helpers');

const { MAX_RESTARTS } = h.load('crash.js');

// Every process the code under test starts goes through these.
const spawned = [];
for (const name of ['spawn', 'execFile', 'exec', 'fork']) {
  const original = childProcess[name];
  childProcess[name] = function (...args) {
    spawned.push([name, ...args.slice(0, 2)]);
    return original.apply(this, args);
  };
}

async function withController(ctx, fn, extra) {
  const c = h.newController(ctx, extra);
  try {
    await fn(c);
  } finally {
    await c.dispose();
  }
}

const running = (c) => c.client !== undefined && c.client.state === 2;
const events = (ctx, name) => h.readLog(ctx.logFile).filter((e) => e.event === name);

test('starts cargo-lens from PATH; initializationOptions and workspace/configuration carry the server settings and trust', async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  Object.assign(ctx.state.settings, {
    'cargoLens.severity': { CL301: 'error' },
    'cargoLens.allowRustc': true,
    'cargoLens.logLevel': 'debug',
    'cargoLens.trace.server': 'off',
    'cargoLens.server.python': '',
  });
  await withController(ctx, async (c) => {
    await c.activate();
    assert.ok(running(c), 'client running');
    const expected = { severity: { CL301: 'error' }, allowRustc: true, logLevel: 'debug', trusted: true };
    await h.waitFor(() => events(ctx, 'configuration').length === 1, { what: 'workspace/configuration' });
    assert.deepEqual(events(ctx, 'spawn')[0].argv, ['serve', '--stdio']);
    assert.deepEqual(events(ctx, 'initialize')[0].initializationOptions, { cargoLens: expected });
    assert.deepEqual(events(ctx, 'configuration')[0].result, [expected]);
    assert.deepEqual(ctx.state.messages, [], 'no notification');
    assert.equal(ctx.state.statusItems.get('cargoLens.state').visible, false);
    // The server lists cargoLens.explain; the client must not register it a second time.
    assert.equal(typeof ctx.state.commands.get('cargoLens.explain'), 'function');
  });
  const all = h.readLog(ctx.logFile).map((e) => e.event);
  assert.ok(all.includes('shutdown') && all.indexOf('exit') > all.indexOf('shutdown'), `stopped with shutdown + exit: ${all}`);
});

test('a settings change is sent to the running server, cleaned', async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  await withController(ctx, async (c) => {
    await c.activate();
    h.vscode.__setSettings({ 'cargoLens.severity': { CL301: 'off', CL206: 'bogus' } });
    const [change] = await h.waitFor(() => events(ctx, 'didChangeConfiguration').length > 0 && events(ctx, 'didChangeConfiguration'));
    assert.deepEqual(change.params.settings, { cargoLens: { severity: { CL301: 'off' }, allowRustc: false, logLevel: 'info', trusted: true } });
    // ... and the malformed entry is reported once, with a way to fix it.
    const warnings = ctx.state.messages.filter((m) => m.level === 'warning');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].message, /cargoLens\.severity\.CL206` must be one of/);
    assert.deepEqual(warnings[0].items, ['Open Settings']);
    h.vscode.__setSettings({ 'cargoLens.logLevel': 'debug' }); // same problem still there: not repeated
    await h.sleep(50);
    assert.equal(ctx.state.messages.filter((m) => m.level === 'warning').length, 1);
  });
});

test('untrusted workspace: nothing is run, a "restricted" status item; trust starts the server', async () => {
  const ctx = h.setup({ trusted: false });
  h.fakeCargoLens(ctx.bin);
  h.fakePython(ctx.bin);
  ctx.state.settings['cargoLens.server.path'] = path.join(ctx.bin, 'cargo-lens');
  spawned.length = 0;
  await withController(ctx, async (c) => {
    await c.activate();
    await h.sleep(100);
    assert.deepEqual(spawned, [], 'no process started');
    assert.equal(c.client, undefined);
    const item = ctx.state.statusItems.get('cargoLens.state');
    assert.equal(item.visible, true);
    assert.match(item.text, /cargo-lens: restricted/);
    assert.match(item.tooltip, /not trusted/);
    assert.equal(item.command, 'workbench.trust.manage');
    assert.deepEqual(ctx.state.messages, [], 'no notification for a choice the user made');

    // Commands do not run anything either.
    await ctx.state.commands.get('cargoLens.restartServer')();
    assert.deepEqual(spawned, []);
    assert.match(ctx.state.messages.at(-1).message, /untrusted workspace/);

    ctx.state.trusted = true;
    ctx.state.emitters.grantTrust.fire();
    await h.waitFor(() => running(c), { what: 'server running after trust' });
    assert.equal(item.visible, false);
    assert.equal(events(ctx, 'initialize')[0].initializationOptions.cargoLens.trusted, true);
  });
});

test('no server anywhere: ONE notification whose buttons do the fix, and a status item', async () => {
  const ctx = h.setup();
  ctx.state.choose = (msg, items) => (items.includes('Copy install command') ? 'Copy install command' : undefined);
  await withController(ctx, async (c) => {
    await c.activate();
    await h.settle();
    assert.equal(ctx.state.messages.length, 1);
    const [m] = ctx.state.messages;
    assert.equal(m.level, 'error');
    assert.match(m.message, /not installed/);
    assert.deepEqual(m.items, ['Copy install command', 'Set server path…']);
    assert.equal(ctx.state.clipboard, 'python3 -m pip install cargo-lens');
    const item = ctx.state.statusItems.get('cargoLens.state');
    assert.equal(item.visible, true);
    assert.match(item.text, /no server/);

    // Automatic events do not repeat it.
    h.vscode.__setSettings({ 'cargoLens.server.python': '' });
    await h.sleep(100);
    ctx.state.emitters.grantTrust.fire();
    await h.sleep(100);
    assert.equal(ctx.state.messages.length, 1);

    // The status item shows it again on request; "Set server path…" opens the setting.
    ctx.state.choose = () => 'Set server path…';
    await ctx.state.commands.get(item.command)();
    await h.settle();
    assert.deepEqual(ctx.state.executed.find((e) => e[0] === 'workbench.action.openSettings'), ['workbench.action.openSettings', 'cargoLens.server.path']);

    // Installing it and restarting is enough.
    h.fakeCargoLens(ctx.bin);
    ctx.state.choose = () => undefined;
    await ctx.state.commands.get('cargoLens.restartServer')();
    assert.ok(running(c));
    assert.equal(item.visible, false);
  });
});

test('a server path that does not exist / is not executable: said once, naming the setting', async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  ctx.state.settings['cargoLens.server.path'] = path.join(ctx.root, 'missing', 'cargo-lens');
  await withController(ctx, async (c) => {
    await c.activate();
    assert.equal(c.client, undefined, 'no fallback to PATH when the setting is explicit');
    assert.equal(ctx.state.messages.length, 1);
    assert.match(ctx.state.messages[0].message, /cargoLens\.server\.path.*does not exist/);
    assert.deepEqual(ctx.state.messages[0].items, ['Set server path…', 'Copy install command']);

    // Editing it to another bad value: a new problem, said once.
    const plain = h.writeExecutable(path.join(ctx.root, 'plain'), '#!/bin/sh\n', 0o644);
    h.vscode.__setSettings({ 'cargoLens.server.path': plain });
    await h.waitFor(() => ctx.state.messages.length === 2);
    assert.match(ctx.state.messages[1].message, /is not executable/);

    // Fixing it restarts the server with the new path.
    h.vscode.__setSettings({ 'cargoLens.server.path': path.join(ctx.bin, 'cargo-lens') });
    await h.waitFor(() => running(c), { what: 'server running after the fix' });
    assert.equal(ctx.state.messages.length, 2);
  });
});

test(`a server that crashes at start: restarted ${MAX_RESTARTS} times, then ONE message with "Show output" and "Restart"`, async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  ctx.env.FAKE_MODE = 'crash';
  await withController(ctx, async (c) => {
    await c.activate();
    await h.waitFor(() => ctx.state.messages.length > 0, { what: 'the crash message', timeout: 20000 });
    await h.sleep(500); // nothing more comes
    assert.equal(events(ctx, 'spawn').length, MAX_RESTARTS + 1);
    assert.equal(ctx.state.messages.length, 1, JSON.stringify(ctx.state.messages));
    const [m] = ctx.state.messages;
    assert.equal(m.level, 'error');
    assert.match(m.message, new RegExp(`exited while starting ${MAX_RESTARTS + 1} times`));
    assert.match(m.message, /ModuleNotFoundError: No module named 'pygls'/, 'quotes what the server said');
    assert.deepEqual(m.items, ['Show output', 'Restart']);
    assert.match(ctx.state.statusItems.get('cargoLens.state').text, /stopped/);
    assert.match(ctx.state.outputs[0].text, /ModuleNotFoundError/);

    // "Restart" is a fresh start: the server runs again once it is fixed.
    delete ctx.env.FAKE_MODE;
    ctx.state.choose = () => 'Restart';
    c.notifier.show('error', 'again', c.actions(['restart'], ''));
    await h.settle();
    await h.waitFor(() => running(c), { what: 'running after Restart' });
  });
});

test('a server that crashes after starting is restarted, and the cap still holds', async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  ctx.env.FAKE_MODE = 'crash-after-init';
  await withController(ctx, async (c) => {
    await c.activate();
    await h.waitFor(() => ctx.state.messages.length > 0, { what: 'the crash message', timeout: 20000 });
    await h.sleep(300);
    assert.equal(events(ctx, 'spawn').length, MAX_RESTARTS + 1);
    assert.equal(ctx.state.messages.length, 1);
    assert.match(ctx.state.messages[0].message, /exited unexpectedly/);
  });
});

test("the server's window/showMessage: each text once", async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  ctx.env.FAKE_SHOW = 'cargo-lens settings: `cargoLens.severity` names an unknown rule `CL999`';
  await withController(ctx, async (c) => {
    await c.activate();
    await h.waitFor(() => ctx.state.messages.length > 0);
    await h.sleep(100);
    assert.equal(ctx.state.messages.length, 1);
    assert.deepEqual(ctx.state.messages[0].items, ['Open Settings']);
  });
});

test('Python fallback through the controller: `python3 -m cargo_lens serve --stdio`', async () => {
  const ctx = h.setup();
  const py = h.fakePython(path.join(ctx.root, 'venv'));
  ctx.state.settings['cargoLens.server.python'] = py;
  await withController(ctx, async (c) => {
    await c.activate();
    assert.ok(running(c));
    assert.deepEqual(events(ctx, 'spawn')[0].argv, ['serve', '--stdio']);
    assert.deepEqual(c.server.baseArgs, ['-m', 'cargo_lens']);
  });
});

test('Explain: the server answers with text, shown in a read-only document', async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  const manifest = h.vscode.Uri.file(path.join(ctx.ws, 'Cargo.toml'));
  ctx.state.activeTextEditor = { document: h.vscode.__makeDocument(manifest) };
  await withController(ctx, async (c) => {
    await c.activate();
    await ctx.state.commands.get('cargoLens.explain')();
    const [call] = events(ctx, 'executeCommand').filter((e) => e.command === 'cargoLens.explain');
    assert.deepEqual(call.args, [manifest.toString()]);
    const shown = ctx.state.shownDocuments.at(-1);
    assert.equal(shown.doc.uri.scheme, 'cargo-lens-explain');
    assert.equal(shown.doc.getText(), `explained ${manifest.toString()}`);
    assert.deepEqual(ctx.state.messages, []);
  });
});

test('Explain on a server without the command: falls back to `cargo-lens explain`, no error', async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  ctx.env.FAKE_COMMANDS = '';
  const manifest = h.vscode.Uri.file(path.join(ctx.ws, 'Cargo.toml'));
  await withController(ctx, async (c) => {
    await c.activate();
    await ctx.state.commands.get('cargoLens.explain')(manifest);
    const text = ctx.state.shownDocuments.at(-1).doc.getText();
    assert.match(text, /from `cargo-lens explain`/);
    assert.match(text, new RegExp(`cli explain ${manifest.fsPath}`));
    assert.deepEqual(ctx.state.messages, []);
  });
});

test('Explain on a server that lists the command but rejects it as unknown: the fallback too', async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  const manifest = h.vscode.Uri.file(path.join(ctx.ws, 'Cargo.toml'));
  await withController(ctx, async (c) => {
    await c.activate();
    // Pretend the server advertised it; the fake server rejects commands it does not list.
    c.client.initializeResult.capabilities.executeCommandProvider.commands.push('cargoLens.other');
    ctx.env.FAKE_COMMANDS = 'cargoLens.workspaceSummary';
    const { isUnknownCommandError } = h.load('controller.js');
    assert.equal(isUnknownCommandError({ code: -32602, message: "Command name 'cargoLens.explain' is not defined" }), true);
    assert.equal(isUnknownCommandError({ code: -32603, message: 'boom' }), false);
    await ctx.state.commands.get('cargoLens.explain')(manifest.toString());
    assert.equal(ctx.state.shownDocuments.length, 1);
  });
});

test('Explain without a manifest, or without a running server: a plain message, nothing thrown', async () => {
  const ctx = h.setup();
  await withController(ctx, async (c) => {
    await c.activate(); // no server: one "not installed" message
    ctx.state.messages.length = 0;
    await ctx.state.commands.get('cargoLens.explain')();
    assert.match(ctx.state.messages.at(-1).message, /open a Cargo\.toml/);
    await ctx.state.commands.get('cargoLens.explain')(h.vscode.Uri.file(path.join(ctx.ws, 'Cargo.toml')));
    assert.match(ctx.state.messages.at(-1).message, /not running/);
  });
});

test('status bar: root and member count for a Cargo.toml editor, hidden for others', async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  await withController(ctx, async (c) => {
    await c.activate();
    const item = ctx.state.statusItems.get('cargoLens.summary');
    const manifest = h.vscode.Uri.file(path.join(ctx.ws, 'Cargo.toml'));
    ctx.state.activeTextEditor = { document: h.vscode.__makeDocument(manifest) };
    ctx.state.emitters.activeEditor.fire(ctx.state.activeTextEditor);
    await h.waitFor(() => item.visible, { what: 'summary item' });
    assert.equal(item.text, '$(package) ws · 3 members');
    assert.match(item.tooltip, /workspace root \/ws/);
    assert.equal(item.command, 'cargoLens.explain');
    const [call] = events(ctx, 'executeCommand').filter((e) => e.command === 'cargoLens.workspaceSummary');
    assert.deepEqual(call.args, [manifest.toString()]);

    ctx.state.activeTextEditor = { document: h.vscode.__makeDocument(h.vscode.Uri.file(path.join(ctx.ws, 'src', 'main.rs')), '', 'rust') };
    ctx.state.emitters.activeEditor.fire(ctx.state.activeTextEditor);
    await h.waitFor(() => !item.visible, { what: 'summary hidden' });
  });
});

test('status bar: an error from workspaceSummary is shown briefly', async () => {
  h.vscode.__reset();
  const { StatusItems, parseSummary, summaryText } = h.load('status.js');
  const items = new StatusItems(50);
  const ok = parseSummary({ root: '/ws/Cargo.toml', members: 1, error: null });
  assert.deepEqual(ok, { root: '/ws/Cargo.toml', members: 1, error: null });
  assert.equal(summaryText(ok).text, '$(package) ws · 1 member');
  assert.equal(parseSummary({ root: 3, members: 1 }), undefined);
  assert.equal(parseSummary('x'), undefined);
  items.showError('current package believes it is in a workspace when it is not', undefined);
  assert.equal(items.summary.visible, true);
  assert.match(items.summary.text, /^\$\(warning\) current package believes/);
  await h.sleep(120);
  assert.equal(items.summary.visible, false);
  items.showError('boom', ok);
  await h.sleep(120);
  assert.equal(items.summary.text, '$(package) ws · 1 member');
  items.dispose();
});

test('no Cargo.toml in the workspace: the server waits for one to be opened', async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  ctx.state.findFiles = [];
  await withController(ctx, async (c) => {
    await c.activate();
    assert.equal(c.client, undefined);
    assert.equal(events(ctx, 'spawn').length, 0);
    ctx.state.emitters.openDocument.fire(h.vscode.__makeDocument(h.vscode.Uri.file('/elsewhere/pyproject.toml')));
    await h.sleep(50);
    assert.equal(events(ctx, 'spawn').length, 0);
    ctx.state.emitters.openDocument.fire(h.vscode.__makeDocument(h.vscode.Uri.file('/elsewhere/Cargo.toml')));
    await h.waitFor(() => running(c), { what: 'start on opening a manifest' });
  });
});

test('activate() in extension.js never throws and returns the controller; deactivate stops the server', async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  // extension.js builds its Controller with the real process environment: give it our PATH.
  const saved = { PATH: process.env.PATH, HOME: process.env.HOME, FAKE_LOG: process.env.FAKE_LOG };
  Object.assign(process.env, ctx.env);
  try {
    const ext = h.load('extension.js');
    const context = { subscriptions: [] };
    const c = await ext.activate(context);
    assert.ok(running(c));
    await ext.deactivate();
    assert.equal(c.client, undefined);
    const all = h.readLog(ctx.logFile).map((e) => e.event);
    assert.ok(all.includes('shutdown') && all.indexOf('exit') > all.indexOf('shutdown'), `stopped with shutdown + exit: ${all}`);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('package.json: activation, trust, settings and commands as documented', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  assert.deepEqual(pkg.activationEvents, ['workspaceContains:Cargo.toml', 'workspaceContains:**/Cargo.toml', 'onLanguage:toml']);
  assert.equal(pkg.main, './dist/extension.js');
  const trust = pkg.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, 'limited');
  assert.deepEqual(trust.restrictedConfigurations.sort(), ['cargoLens.allowRustc', 'cargoLens.server.path', 'cargoLens.server.python']);
  const props = pkg.contributes.configuration.properties;
  assert.deepEqual(Object.keys(props).sort(), [
    'cargoLens.allowRustc',
    'cargoLens.logLevel',
    'cargoLens.server.path',
    'cargoLens.server.python',
    'cargoLens.severity',
    'cargoLens.trace.server',
  ]);
  assert.equal(props['cargoLens.allowRustc'].default, false);
  assert.equal(props['cargoLens.allowRustc'].scope, 'machine-overridable');
  assert.deepEqual(props['cargoLens.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.deepEqual(
    pkg.contributes.commands.map((c) => c.command).sort(),
    ['cargoLens.explain', 'cargoLens.restartServer', 'cargoLens.showOutput'],
  );
  // engines.vscode must allow code-server 4.100.3 (VS Code 1.100) and match @types/vscode.
  const min = pkg.engines.vscode.replace(/^\^/, '').split('.').map(Number);
  assert.ok(min[0] === 1 && min[1] <= 100, pkg.engines.vscode);
  assert.ok(pkg.devDependencies['@types/vscode'].startsWith(`${min[0]}.${min[1]}.`));
});

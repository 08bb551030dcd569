'use strict';
// Server discovery: the setting, PATH, ~/.local/bin, Python interpreters, and what is said when
// nothing is found. Real files and real processes (fake executables in a temporary directory).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const h = require('./helpers');

const { findServer, candidateNames, searchPath, expandPath, runProbe, defaultInstallCommand } = h.load('discovery.js');

function options(ctx, extra = {}) {
  return { serverPath: '', serverPython: '', env: ctx.env, platform: 'linux', home: ctx.home, workspaceFolder: ctx.ws, ...extra };
}

test('cargoLens.server.path wins over PATH', async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  const mine = h.fakeCargoLens(path.join(ctx.root, 'mine'));
  const r = await findServer(options(ctx, { serverPath: mine }));
  assert.equal(r.ok, true);
  assert.equal(r.server.command, mine);
  assert.deepEqual(r.server.baseArgs, []);
  assert.equal(r.server.source, 'setting');
});

test('cargoLens.server.path: ~, ${workspaceFolder} and relative paths are expanded', async () => {
  const ctx = h.setup();
  const inHome = h.fakeCargoLens(path.join(ctx.home, 'tools'));
  const inWs = h.fakeCargoLens(path.join(ctx.ws, 'tools'));
  assert.equal((await findServer(options(ctx, { serverPath: '~/tools/cargo-lens' }))).server.command, inHome);
  assert.equal((await findServer(options(ctx, { serverPath: '${workspaceFolder}/tools/cargo-lens' }))).server.command, inWs);
  assert.equal((await findServer(options(ctx, { serverPath: './tools/cargo-lens' }))).server.command, inWs);
  assert.equal(expandPath('rel/x', { home: '/h', env: {}, platform: 'linux' }), undefined, 'relative without a folder');
});

test('cargoLens.server.path that does not exist: a problem naming it, not a silent fallback', async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin); // on PATH, but the explicit setting is wrong
  const r = await findServer(options(ctx, { serverPath: '/nowhere/cargo-lens' }));
  assert.equal(r.ok, false);
  assert.match(r.problem.message, /cargoLens\.server\.path.*\/nowhere\/cargo-lens.*does not exist/);
  assert.deepEqual(r.problem.actions, ['setServerPath', 'copyInstallCommand']);
  assert.match(r.problem.key, /missing/);
});

test('cargoLens.server.path that is not executable, or a directory', async () => {
  const ctx = h.setup();
  const file = h.writeExecutable(path.join(ctx.root, 'plain', 'cargo-lens'), '#!/bin/sh\n', 0o644);
  const r = await findServer(options(ctx, { serverPath: file }));
  assert.equal(r.ok, false);
  assert.match(r.problem.message, /is not executable/);
  const d = await findServer(options(ctx, { serverPath: path.join(ctx.root, 'plain') }));
  assert.equal(d.ok, false);
  assert.match(d.problem.message, /is a directory/);
});

test('cargoLens.server.path as a bare command name is looked up on PATH', async () => {
  const ctx = h.setup();
  const exe = h.fakeCargoLens(ctx.bin, 'my-cargo-lens');
  const r = await findServer(options(ctx, { serverPath: 'my-cargo-lens' }));
  assert.equal(r.server.command, exe);
  const missing = await findServer(options(ctx, { serverPath: 'no-such-lens' }));
  assert.equal(missing.ok, false);
  assert.match(missing.problem.message, /not found on PATH/);
});

test('PATH: the first executable cargo-lens, skipping directories and non-executable files', async () => {
  const ctx = h.setup();
  const a = path.join(ctx.root, 'a');
  const b = path.join(ctx.root, 'b');
  const c = path.join(ctx.root, 'c');
  fs.mkdirSync(path.join(a, 'cargo-lens'), { recursive: true }); // a directory
  h.writeExecutable(path.join(b, 'cargo-lens'), '#!/bin/sh\n', 0o644); // not executable
  const good = h.fakeCargoLens(c);
  const env = { ...ctx.env, PATH: [a, b, c].join(':') };
  const r = await findServer(options(ctx, { env }));
  assert.equal(r.ok, true);
  assert.equal(r.server.command, good);
  assert.equal(r.server.source, 'path');
});

test('~/.local/bin/cargo-lens when PATH lacks it (pip --user, pipx)', async () => {
  const ctx = h.setup();
  const exe = h.fakeCargoLens(path.join(ctx.home, '.local', 'bin'));
  const r = await findServer(options(ctx));
  assert.equal(r.server.command, exe);
  assert.equal(r.server.source, 'user-bin');
});

test('Python fallback: cargoLens.server.python with the package runs `python -m cargo_lens`', async () => {
  const ctx = h.setup();
  const py = h.fakePython(path.join(ctx.root, 'venv', 'bin'), { name: 'python' });
  const r = await findServer(options(ctx, { serverPython: py }));
  assert.equal(r.ok, true);
  assert.equal(r.server.command, py);
  assert.deepEqual(r.server.baseArgs, ['-m', 'cargo_lens']);
  assert.equal(r.server.source, 'python-setting');
});

test('Python fallback: an interpreter without the package is a problem with its own install command', async () => {
  const ctx = h.setup();
  const py = h.fakePython(path.join(ctx.root, 'venv', 'bin'), { name: 'python', hasPackage: false });
  const r = await findServer(options(ctx, { serverPython: py }));
  assert.equal(r.ok, false);
  assert.match(r.problem.message, /does not have the cargo-lens package/);
  assert.equal(r.problem.installCommand, `${py} -m pip install cargo-lens`);
  assert.deepEqual(r.problem.actions, ['copyInstallCommand', 'setServerPython']);
});

test('Python fallback: the Python extension interpreter, then python3 on PATH', async () => {
  const ctx = h.setup();
  const extPy = h.fakePython(path.join(ctx.root, 'ext', 'bin'), { name: 'python' });
  const r = await findServer(options(ctx, { pythonFromExtension: async () => extPy }));
  assert.equal(r.server.command, extPy);
  assert.equal(r.server.source, 'python-extension');

  const pathPy = h.fakePython(ctx.bin);
  const r2 = await findServer(options(ctx, { pythonFromExtension: async () => undefined }));
  assert.equal(r2.server.command, pathPy);
  assert.equal(r2.server.source, 'python-path');

  // A failing Python extension API is no reason to give up.
  const r3 = await findServer(options(ctx, { pythonFromExtension: async () => { throw new Error('boom'); } }));
  assert.equal(r3.server.command, pathPy);
});

test('nothing found: one problem that says what to do, with the install command', async () => {
  const ctx = h.setup();
  const r = await findServer(options(ctx));
  assert.equal(r.ok, false);
  assert.equal(r.problem.key, 'not-found');
  assert.equal(r.problem.installCommand, 'python3 -m pip install cargo-lens');
  assert.deepEqual(r.problem.actions, ['copyInstallCommand', 'setServerPath']);
  assert.match(r.problem.message, /python3 -m pip install cargo-lens/);
  assert.match(r.problem.message, /cargoLens\.server\.path/);
  assert.match(r.problem.message, /Restart Server/);

  // python3 on PATH without the package: the install command names that interpreter.
  const py = h.fakePython(ctx.bin, { hasPackage: false });
  const r2 = await findServer(options(ctx));
  assert.equal(r2.problem.installCommand, `${py} -m pip install cargo-lens`);
});

test('Windows: PATHEXT extensions, case-insensitive PATH', () => {
  const env = { Path: 'C:\\x', PATHEXT: '.COM;.EXE;.BAT;.CMD' };
  assert.deepEqual(candidateNames('cargo-lens', 'win32', env), ['cargo-lens.com', 'cargo-lens.exe', 'cargo-lens.bat', 'cargo-lens.cmd']);
  assert.deepEqual(candidateNames('cargo-lens.exe', 'win32', env), ['cargo-lens.exe']);
  assert.deepEqual(candidateNames('cargo-lens', 'linux', env), ['cargo-lens']);
  assert.deepEqual(candidateNames('cargo-lens', 'win32', {}), ['cargo-lens.com', 'cargo-lens.exe', 'cargo-lens.bat', 'cargo-lens.cmd']);
  assert.equal(defaultInstallCommand('win32'), 'python -m pip install cargo-lens');
  assert.equal(searchPath('cargo-lens', { PATH: '' }, 'linux'), undefined);
});

test('the interpreter probe runs the interpreter and reads its answer', async () => {
  const ctx = h.setup();
  const good = h.fakePython(path.join(ctx.root, 'g'));
  const bad = h.fakePython(path.join(ctx.root, 'b'), { hasPackage: false });
  assert.deepEqual(await runProbe(good, ctx.env), { ok: true, detail: '0.1.0' });
  const r = await runProbe(bad, ctx.env);
  assert.equal(r.ok, false);
  assert.match(r.detail, /No module named 'cargo_lens'/);
  const missing = await runProbe(path.join(ctx.root, 'nope'), ctx.env);
  assert.equal(missing.ok, false);
});

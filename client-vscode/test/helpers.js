'use strict';
// Loads the compiled extension (out/) with `vscode` replaced by test/mock-vscode.js, through a
// Module._load hook, and makes fake executables (cargo-lens, python3) for server discovery.
const Module = require('module');
const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('./mock-vscode');

const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  return originalLoad.call(this, request, parent, isMain);
};

const OUT = path.join(__dirname, '..', 'out');
const FAKE_SERVER = path.join(__dirname, 'fixtures', 'fake-server.js');

function load(name) {
  return require(path.join(OUT, name));
}

function tmpdir(prefix = 'cargo-lens-test-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function writeExecutable(file, content, mode = 0o755) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  fs.chmodSync(file, mode);
  return file;
}

function shQuote(s) {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A `cargo-lens` that runs the fake LSP server (any arguments pass through). */
function fakeCargoLens(dir, name = 'cargo-lens') {
  return writeExecutable(path.join(dir, name), `#!/bin/sh\nexec ${shQuote(process.execPath)} ${shQuote(FAKE_SERVER)} "$@"\n`);
}

/** A `python3` that has (or lacks) the cargo_lens package; `-m cargo_lens ARGS` runs the fake server. */
function fakePython(dir, { hasPackage = true, name = 'python3' } = {}) {
  const probe = hasPackage
    ? `printf 0.1.0; exit 0`
    : `echo "Traceback (most recent call last):" >&2; echo "ModuleNotFoundError: No module named 'cargo_lens'" >&2; exit 1`;
  return writeExecutable(
    path.join(dir, name),
    `#!/bin/sh\nif [ "$1" = "-c" ]; then ${probe}; fi\nif [ "$1" = "-m" ] && [ "$2" = "cargo_lens" ]; then shift 2; exec ${shQuote(process.execPath)} ${shQuote(FAKE_SERVER)} "$@"; fi\necho "unexpected: $*" >&2; exit 9\n`,
  );
}

function readLog(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

async function waitFor(pred, { timeout = 10000, what = 'condition' } = {}) {
  const start = Date.now();
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** A fresh mock and an environment whose PATH holds only `bin` (and HOME is empty). */
function setup({ trusted = true } = {}) {
  vscode.__reset();
  vscode.__state.trusted = trusted;
  const root = tmpdir();
  const bin = path.join(root, 'bin');
  const home = path.join(root, 'home');
  fs.mkdirSync(bin);
  fs.mkdirSync(home);
  const ws = path.join(root, 'ws');
  fs.mkdirSync(ws);
  fs.writeFileSync(path.join(ws, 'Cargo.toml'), '[workspace]\nmembers = []\n');
  vscode.__state.workspaceFolders = [{ uri: vscode.Uri.file(ws), name: 'ws', index: 0 }];
  vscode.__state.findFiles = [vscode.Uri.file(path.join(ws, 'Cargo.toml'))];
  const logFile = path.join(root, 'server.log');
  const env = { PATH: bin, HOME: home, FAKE_LOG: logFile };
  return { vscode, state: vscode.__state, root, bin, home, ws, logFile, env };
}

function newController(ctx, extra = {}) {
  const { Controller } = load('controller.js');
  return new Controller({ env: ctx.env, platform: 'linux', home: ctx.home, ...extra });
}

/** Waits until every notification's button click (state.choose) has been carried out. */
async function settle() {
  await sleep(10);
  while (vscode.__state.pending.size > 0) {
    await Promise.all([...vscode.__state.pending]);
    await sleep(10);
  }
  await sleep(10);
}

module.exports = {
  vscode,
  load,
  tmpdir,
  writeExecutable,
  fakeCargoLens,
  fakePython,
  readLog,
  waitFor,
  sleep,
  setup,
  newController,
  settle,
  FAKE_SERVER,
};

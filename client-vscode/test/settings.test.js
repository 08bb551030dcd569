'use strict';
// Settings -> what the server gets (initializationOptions and workspace/configuration), and what a
// malformed setting turns into. Checked against the server's own parser when it is installed.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const h = require('./helpers');

const { readSettings, serverPayload, initializationOptions, settingsCommandFor } = h.load('settings.js');

function config(values) {
  h.vscode.__reset();
  Object.assign(h.vscode.__state.settings, values);
  return h.vscode.workspace.getConfiguration('cargoLens');
}

test('defaults', () => {
  const r = readSettings(config({}));
  assert.deepEqual(r.server, { severity: {}, allowRustc: false, logLevel: 'info' });
  assert.deepEqual(r.client, { serverPath: '', serverPython: '' });
  assert.deepEqual(r.problems, []);
});

test('well-formed settings pass through', () => {
  const r = readSettings(
    config({
      'cargoLens.severity': { CL301: 'error', 'cfg-unknown-value': 'off' },
      'cargoLens.allowRustc': true,
      'cargoLens.logLevel': 'debug',
      'cargoLens.trace.server': 'verbose',
      'cargoLens.server.path': ' /opt/cargo-lens ',
      'cargoLens.server.python': '/usr/bin/python3',
    }),
  );
  assert.deepEqual(r.server, { severity: { CL301: 'error', 'cfg-unknown-value': 'off' }, allowRustc: true, logLevel: 'debug' });
  assert.deepEqual(r.client, { serverPath: '/opt/cargo-lens', serverPython: '/usr/bin/python3' });
  assert.deepEqual(r.problems, []);
});

test('malformed settings: reported, replaced by defaults, never sent', () => {
  const r = readSettings(
    config({
      'cargoLens.severity': { CL301: 'warn', CL206: 'error', CL201: 3 },
      'cargoLens.allowRustc': 'yes',
      'cargoLens.logLevel': 'loud',
      'cargoLens.trace.server': 'all',
      'cargoLens.server.path': 42,
    }),
  );
  assert.deepEqual(r.server, { severity: { CL206: 'error' }, allowRustc: false, logLevel: 'info' });
  assert.equal(r.client.serverPath, '');
  const text = r.problems.map((p) => p.message).join('\n');
  assert.match(text, /cargoLens\.severity\.CL301` must be one of error, warning, information, hint, off, not "warn"/);
  assert.match(text, /cargoLens\.severity\.CL201/);
  assert.match(text, /cargoLens\.allowRustc` must be true or false, not "yes"/);
  assert.match(text, /cargoLens\.logLevel` must be one of error, warning, info, debug, not "loud"/);
  assert.match(text, /cargoLens\.trace\.server/);
  assert.match(text, /cargoLens\.server\.path` must be a string/);
  assert.equal(r.problems.length, 6);

  const notObject = readSettings(config({ 'cargoLens.severity': 'error' }));
  assert.deepEqual(notObject.server.severity, {});
  assert.match(notObject.problems[0].message, /must be an object/);
});

test('the server gets exactly severity, allowRustc, logLevel and trusted', () => {
  const { server } = readSettings(config({ 'cargoLens.severity': { CL301: 'hint' }, 'cargoLens.allowRustc': true, 'cargoLens.server.path': '/x' }));
  assert.deepEqual(initializationOptions(server, true), {
    cargoLens: { severity: { CL301: 'hint' }, allowRustc: true, logLevel: 'info', trusted: true },
  });
  // Without trust, rustc is never allowed, whatever the setting says.
  assert.deepEqual(serverPayload(server, false), { severity: { CL301: 'hint' }, allowRustc: false, logLevel: 'info', trusted: false });
});

test('the fix opens the settings file that holds the value', () => {
  h.vscode.__reset();
  h.vscode.__state.workspaceSettings['cargoLens.severity'] = { CL301: 'x' };
  const cfg = h.vscode.workspace.getConfiguration('cargoLens');
  assert.equal(settingsCommandFor(cfg, 'severity').command, 'workbench.action.openWorkspaceSettingsFile');
  h.vscode.__reset();
  h.vscode.__state.settings['cargoLens.severity'] = { CL301: 'x' };
  assert.equal(settingsCommandFor(h.vscode.workspace.getConfiguration('cargoLens'), 'severity').command, 'workbench.action.openSettingsJson');
  assert.deepEqual(settingsCommandFor(h.vscode.workspace.getConfiguration('cargoLens'), 'logLevel'), {
    command: 'workbench.action.openSettings',
    args: ['cargoLens.logLevel'],
  });
});

// The server's parser is the authority on what it accepts: run it on what we send.
const python = [process.env.CARGO_LENS_PYTHON, path.join(__dirname, '..', '..', '.venv', 'bin', 'python')].find((p) => p && fs.existsSync(p));

test('the server parses what the extension sends without a complaint', { skip: python ? false : 'no cargo-lens venv (../.venv)' }, () => {
  const { server } = readSettings(
    config({ 'cargoLens.severity': { CL301: 'error', 'cfg-unknown-value': 'off' }, 'cargoLens.allowRustc': true, 'cargoLens.logLevel': 'debug' }),
  );
  for (const payload of [initializationOptions(server, true).cargoLens, serverPayload(server, false), serverPayload(readSettings(config({})).server, true)]) {
    const out = execFileSync(
      python,
      [
        '-c',
        [
          'import json, sys',
          'from cargo_lens.lsp.settings import parse_settings',
          'from cargo_lens.engine.analysis import RULES',
          'known = set(RULES) | {r.name for r in RULES.values()}',
          's, problems = parse_settings(json.loads(sys.argv[1]), known)',
          'print(json.dumps({"problems": problems, "allow": s.rustc_allowed, "severity": s.severity, "log": s.log_level}))',
        ].join('\n'),
        JSON.stringify(payload),
      ],
      { encoding: 'utf8' },
    );
    const r = JSON.parse(out);
    assert.deepEqual(r.problems, [], `server complained about ${JSON.stringify(payload)}`);
    assert.equal(r.allow, payload.allowRustc && payload.trusted);
    assert.deepEqual(r.severity, payload.severity);
    assert.equal(r.log, payload.logLevel);
  }
});

test('package.json lists every rule the server has, by code and name', { skip: python ? false : 'no cargo-lens venv (../.venv)' }, () => {
  const pkg = require('../package.json');
  const props = pkg.contributes.configuration.properties['cargoLens.severity'].properties;
  const out = execFileSync(python, ['-m', 'cargo_lens', 'rules'], { encoding: 'utf8' });
  const rules = out
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/));
  assert.ok(rules.length > 5);
  for (const [code, name] of rules) {
    assert.ok(props[code], `${code} missing from cargoLens.severity: run npm run sync-rules`);
    assert.ok(props[name], `${name} missing from cargoLens.severity`);
  }
  assert.equal(Object.keys(props).length, rules.length * 2, 'package.json names rules the server does not have: run `npm run sync-rules`');
});

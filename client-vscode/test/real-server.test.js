'use strict';
// The extension with the real `cargo-lens serve` (from ../.venv, or CARGO_LENS_SERVER), on a copy
// of the bundled cargo#15023 example. Skipped where the server is not installed.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const h = require('./helpers');

const repo = path.join(__dirname, '..', '..');
const server = [process.env.CARGO_LENS_SERVER, path.join(repo, '.venv', 'bin', 'cargo-lens')].find((p) => p && fs.existsSync(p));
const example = path.join(repo, 'examples', 'cargo-15023');
const skip = server && fs.existsSync(example) ? false : 'no cargo-lens server in ../.venv (or CARGO_LENS_SERVER)';

function setupExample(settings) {
  const ctx = h.setup();
  const ws = path.join(ctx.root, 'cargo-15023');
  fs.cpSync(example, ws, { recursive: true });
  ctx.state.workspaceFolders = [{ uri: h.vscode.Uri.file(ws), name: 'cargo-15023', index: 0 }];
  ctx.state.findFiles = [h.vscode.Uri.file(path.join(ws, 'Cargo.toml'))];
  Object.assign(ctx.state.settings, { 'cargoLens.server.path': server, ...settings });
  return { ...ctx, ws };
}

test('the real server starts, takes the settings without complaint, explains, and stops', { skip, timeout: 60000 }, async () => {
  const ctx = setupExample({ 'cargoLens.severity': { CL301: 'error', 'cfg-unknown-value': 'off' }, 'cargoLens.logLevel': 'debug' });
  const c = h.newController(ctx, { env: { ...process.env } });
  try {
    await c.activate();
    assert.ok(c.client && c.client.state === 2, 'running');
    await h.sleep(1500); // initialized: settings read, workspace indexed
    const out = ctx.state.outputs[0].text;
    assert.doesNotMatch(out, /unknown setting|should be a|using the default|invalid cargoLens settings/, out);
    assert.deepEqual(ctx.state.messages, [], 'no notification');

    const manifest = h.vscode.Uri.file(path.join(ctx.ws, 'Cargo.toml'));
    await ctx.state.commands.get('cargoLens.explain')(manifest);
    const shown = ctx.state.shownDocuments.at(-1);
    assert.ok(shown, 'an explanation was shown');
    assert.match(shown.doc.getText(), /member|workspace/i);
    assert.deepEqual(ctx.state.messages, [], 'no notification from Explain');
  } finally {
    await c.dispose();
  }
  assert.equal(c.spawned.size, 0, 'the server process has exited');
});

test('the real server reports an unknown rule name once, with a way to the settings', { skip, timeout: 60000 }, async () => {
  const ctx = setupExample({ 'cargoLens.severity': { CL999: 'error' } });
  const c = h.newController(ctx, { env: { ...process.env } });
  try {
    await c.activate();
    await h.waitFor(() => ctx.state.messages.length > 0, { what: "the server's settings message", timeout: 15000 });
    await h.sleep(300);
    assert.equal(ctx.state.messages.length, 1);
    assert.match(ctx.state.messages[0].message, /CL999/);
    assert.deepEqual(ctx.state.messages[0].items, ['Open Settings']);
    // A configuration change makes the server read the settings again: not said twice.
    h.vscode.__setSettings({ 'cargoLens.logLevel': 'debug' });
    await h.sleep(1000);
    assert.equal(ctx.state.messages.length, 1);
  } finally {
    await c.dispose();
  }
});

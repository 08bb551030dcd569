'use strict';
// The file that ships: dist/extension.js (esbuild bundle, `vscode` external) activates against the
// mocked `vscode`, starts a server and stops it. Skipped before `npm run build`.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const h = require('./helpers');

const bundle = path.join(__dirname, '..', 'dist', 'extension.js');

test('dist/extension.js activates, runs the server, deactivates', { skip: fs.existsSync(bundle) ? false : 'run `npm run build` first' }, async () => {
  const ctx = h.setup();
  h.fakeCargoLens(ctx.bin);
  const saved = { PATH: process.env.PATH, HOME: process.env.HOME, FAKE_LOG: process.env.FAKE_LOG };
  Object.assign(process.env, ctx.env);
  try {
    const ext = require(bundle);
    const c = await ext.activate({ subscriptions: [] });
    assert.equal(c.client.state, 2, 'running');
    await h.waitFor(() => h.readLog(ctx.logFile).some((e) => e.event === 'configuration'));
    assert.deepEqual([...ctx.state.commands.keys()].sort(), ['cargoLens.explain', 'cargoLens.restartServer', 'cargoLens.showOutput', 'cargoLens.showProblem']);
    await ext.deactivate();
    const all = h.readLog(ctx.logFile).map((e) => e.event);
    assert.ok(all.includes('shutdown') && all.includes('exit'), String(all));
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

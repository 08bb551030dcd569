#!/usr/bin/env node
'use strict';
// Rewrites the rule list of `cargoLens.severity` in package.json from `cargo-lens rules`.
// Usage: npm run sync-rules [-- /path/to/cargo-lens]   (default: ../.venv/bin/cargo-lens, else PATH)
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const pkgFile = path.join(__dirname, '..', 'package.json');
const venv = path.join(__dirname, '..', '..', '.venv', 'bin', 'cargo-lens');
const exe = process.argv[2] || process.env.CARGO_LENS || (fs.existsSync(venv) ? venv : 'cargo-lens');
const out = execFileSync(exe, ['rules'], { encoding: 'utf8' });
const rules = out
  .trim()
  .split('\n')
  .map((line) => {
    const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) throw new Error(`cannot read rule line: ${line}`);
    return { code: m[1], name: m[2], level: m[3], text: m[4] };
  });

const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
const severity = pkg.contributes.configuration.properties['cargoLens.severity'];
const levels = severity.additionalProperties.enum;
const properties = {};
for (const r of rules) {
  for (const key of [r.code, r.name]) {
    properties[key] = { type: 'string', enum: levels, markdownDescription: `\`${r.code}\` \`${r.name}\` (default: ${r.level}): ${r.text}` };
  }
}
severity.properties = properties;
const intro = severity.markdownDescription.split('\n\n')[0];
severity.markdownDescription = `${intro}\n\n${rules.map((r) => `- \`${r.code}\` \`${r.name}\` (${r.level}): ${r.text}`).join('\n')}`;
fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
console.log(`cargoLens.severity: ${rules.length} rules from ${exe}`);

// Finding the cargo-lens server, in order:
//   1. the `cargoLens.server.path` setting (a file, or a command name looked up on PATH);
//   2. `cargo-lens` on PATH (with PATHEXT on Windows), then in ~/.local/bin, where `pip install
//      --user` and pipx put it even when an editor started from the desktop lacks it on PATH;
//   3. a Python interpreter that has the package, run as `python -m cargo_lens serve`: the
//      `cargoLens.server.python` setting, the Python extension's interpreter, then python3/python
//      on PATH.
// Nothing here downloads anything; the only process it starts is the interpreter probe
// (`python -c "import cargo_lens"`), and the caller never calls this in an untrusted workspace.
// No `vscode` import: this module is plain Node.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const EXECUTABLE = 'cargo-lens';
export const PYTHON_MODULE = 'cargo_lens';

export type Source = 'setting' | 'path' | 'user-bin' | 'python-setting' | 'python-extension' | 'python-path';

export interface ServerCommand {
  /** The program to run. */
  command: string;
  /** Arguments before the subcommand: [] for the executable, ['-m', 'cargo_lens'] for Python. */
  baseArgs: string[];
  source: Source;
  /** Run through a shell (Windows .cmd/.bat only). */
  shell: boolean;
  /** Says where it was found, for the output channel. */
  description: string;
}

export type ActionId = 'setServerPath' | 'setServerPython' | 'copyInstallCommand' | 'showOutput' | 'restart';

export interface Problem {
  /** Equal keys are the same problem: it is shown once. */
  key: string;
  message: string;
  actions: ActionId[];
  /** What "Copy install command" copies. */
  installCommand: string;
}

export type FindResult =
  | { ok: true; server: ServerCommand; log: string[] }
  | { ok: false; problem: Problem; log: string[] };

export interface FindOptions {
  serverPath: string;
  serverPython: string;
  /** The Python extension's interpreter, if that extension is there (may be slow; may fail). */
  pythonFromExtension?: () => Promise<string | undefined>;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  /** The first workspace folder, for relative paths and `${workspaceFolder}`. */
  workspaceFolder?: string;
  /** Checks that an interpreter can import the package; defaults to running it. */
  probePython?: (python: string) => Promise<ProbeResult>;
}

export interface ProbeResult {
  ok: boolean;
  detail: string;
}

export function defaultInstallCommand(platform: NodeJS.Platform): string {
  return `${platform === 'win32' ? 'python' : 'python3'} -m pip install cargo-lens`;
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

function envGet(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

/** The file names a command may have: on Windows each PATHEXT extension (or the name as given). */
export function candidateNames(name: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform !== 'win32') return [name];
  const exts = (envGet(env, 'PATHEXT', platform) || '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const lower = name.toLowerCase();
  if (exts.some((e) => lower.endsWith(e.toLowerCase()))) return [name];
  return exts.map((e) => name + e.toLowerCase());
}

export type FileState = 'ok' | 'missing' | 'directory' | 'not-executable';

export function fileState(file: string, platform: NodeJS.Platform): FileState {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return 'missing';
  }
  if (st.isDirectory()) return 'directory';
  if (!st.isFile()) return 'not-executable';
  if (platform === 'win32') return 'ok';
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return 'ok';
  } catch {
    return 'not-executable';
  }
}

/** Looks a command up on PATH as a shell would; returns the first executable file. */
export function searchPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const p = pathApi(platform);
  const dirs = (envGet(env, 'PATH', platform) || '').split(p.delimiter).filter((d) => d !== '');
  for (const rawDir of dirs) {
    const dir = platform === 'win32' ? rawDir.replace(/^"(.*)"$/, '$1') : rawDir;
    for (const candidate of candidateNames(name, platform, env)) {
      const file = p.join(dir, candidate);
      if (fileState(file, platform) === 'ok') return file;
    }
  }
  return undefined;
}

/** `~`, `${workspaceFolder}`, `${userHome}` and `${env:NAME}`; relative paths from the workspace folder. */
export function expandPath(value: string, opts: Pick<FindOptions, 'home' | 'workspaceFolder' | 'env' | 'platform'>): string | undefined {
  const p = pathApi(opts.platform);
  let v = value;
  if (v === '~' || v.startsWith('~/') || v.startsWith('~\\')) v = opts.home + v.slice(1);
  v = v.replace(/\$\{userHome\}/g, opts.home);
  v = v.replace(/\$\{env:([^}]+)\}/g, (_m, name: string) => envGet(opts.env, name, opts.platform) ?? '');
  if (v.includes('${workspaceFolder}')) {
    if (opts.workspaceFolder === undefined) return undefined;
    v = v.replace(/\$\{workspaceFolder\}/g, opts.workspaceFolder);
  }
  if (!p.isAbsolute(v)) {
    if (opts.workspaceFolder === undefined) return undefined;
    v = p.join(opts.workspaceFolder, v);
  }
  return p.normalize(v);
}

function looksLikePath(value: string, platform: NodeJS.Platform): boolean {
  return value.includes('/') || (platform === 'win32' && value.includes('\\')) || value.startsWith('~') || value.includes('${');
}

function needsShell(file: string, platform: NodeJS.Platform): boolean {
  return platform === 'win32' && /\.(cmd|bat)$/i.test(file);
}

function shellQuote(file: string, platform: NodeJS.Platform): string {
  return needsShell(file, platform) && /\s/.test(file) ? `"${file}"` : file;
}

function executable(file: string, source: Source, description: string, platform: NodeJS.Platform): ServerCommand {
  return { command: shellQuote(file, platform), baseArgs: [], source, shell: needsShell(file, platform), description };
}

export function runProbe(python: string, env: NodeJS.ProcessEnv): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', `import ${PYTHON_MODULE}.cli, sys; sys.stdout.write(${PYTHON_MODULE}.__version__)`],
      { timeout: 20000, env, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const lines = `${stderr}`.trim().split(/\r?\n/);
          resolve({ ok: false, detail: lines[lines.length - 1] || error.message });
        } else {
          resolve({ ok: true, detail: `${stdout}`.trim() });
        }
      },
    );
  });
}

function stateWords(state: FileState): string {
  switch (state) {
    case 'missing':
      return 'does not exist';
    case 'directory':
      return 'is a directory, not a program';
    case 'not-executable':
      return 'is not executable (chmod +x it, or point the setting at the right file)';
    default:
      return 'is usable';
  }
}

function quoteArg(value: string): string {
  return /[\s"']/.test(value) ? `"${value}"` : value;
}

export async function findServer(opts: FindOptions): Promise<FindResult> {
  const log: string[] = [];
  const { platform, env } = opts;
  const install = defaultInstallCommand(platform);
  const probe = opts.probePython ?? ((py: string) => runProbe(py, env));

  // 1. The setting: explicit, so a bad value is an error, not a reason to look elsewhere.
  if (opts.serverPath !== '') {
    const value = opts.serverPath;
    if (!looksLikePath(value, platform) && !pathApi(platform).isAbsolute(value)) {
      const found = searchPath(value, env, platform);
      if (found !== undefined) {
        log.push(`cargoLens.server.path: "${value}" found on PATH at ${found}`);
        return { ok: true, server: executable(found, 'setting', `${found} (cargoLens.server.path "${value}", on PATH)`, platform), log };
      }
      return {
        ok: false,
        log,
        problem: {
          key: `server.path:${value}:not-on-path`,
          message: `cargo-lens: \`cargoLens.server.path\` is "${value}", which is not a file path and is not found on PATH. Set it to the full path of the cargo-lens executable, or clear it to let the extension look for one.`,
          actions: ['setServerPath', 'copyInstallCommand'],
          installCommand: install,
        },
      };
    }
    const file = expandPath(value, opts);
    if (file === undefined) {
      return {
        ok: false,
        log,
        problem: {
          key: `server.path:${value}:relative`,
          message: `cargo-lens: \`cargoLens.server.path\` is "${value}", a relative path, but no folder is open to resolve it against. Use an absolute path.`,
          actions: ['setServerPath'],
          installCommand: install,
        },
      };
    }
    const state = fileState(file, platform);
    if (state !== 'ok') {
      return {
        ok: false,
        log,
        problem: {
          key: `server.path:${file}:${state}`,
          message: `cargo-lens: \`cargoLens.server.path\` is "${value}", which ${stateWords(state)}. The language server is not started; fix the setting (or clear it to let the extension look for cargo-lens).`,
          actions: ['setServerPath', 'copyInstallCommand'],
          installCommand: install,
        },
      };
    }
    log.push(`cargoLens.server.path: using ${file}`);
    return { ok: true, server: executable(file, 'setting', `${file} (cargoLens.server.path)`, platform), log };
  }

  // 2. PATH, then the per-user script directory.
  const onPath = searchPath(EXECUTABLE, env, platform);
  if (onPath !== undefined) {
    log.push(`found ${EXECUTABLE} on PATH: ${onPath}`);
    return { ok: true, server: executable(onPath, 'path', `${onPath} (on PATH)`, platform), log };
  }
  log.push(`${EXECUTABLE} is not on PATH`);
  if (platform !== 'win32' && opts.home !== '') {
    const userBin = path.posix.join(opts.home, '.local', 'bin', EXECUTABLE);
    if (fileState(userBin, platform) === 'ok') {
      log.push(`found ${userBin}`);
      return { ok: true, server: executable(userBin, 'user-bin', `${userBin} (~/.local/bin)`, platform), log };
    }
  }

  // 3. Python interpreters.
  const notes: string[] = [];
  let suggestedInstall = install;
  const tryPython = async (python: string, source: Source, label: string): Promise<ServerCommand | undefined> => {
    const result = await probe(python);
    if (result.ok) {
      log.push(`${label} ${python} has cargo-lens ${result.detail}`);
      return { command: python, baseArgs: ['-m', PYTHON_MODULE], source, shell: false, description: `${python} -m ${PYTHON_MODULE} (${label})` };
    }
    log.push(`${label} ${python} cannot import ${PYTHON_MODULE}: ${result.detail}`);
    notes.push(`${label} ${python} does not have the cargo-lens package`);
    if (suggestedInstall === install) suggestedInstall = `${quoteArg(python)} -m pip install cargo-lens`;
    return undefined;
  };

  if (opts.serverPython !== '') {
    const py = looksLikePath(opts.serverPython, platform) || pathApi(platform).isAbsolute(opts.serverPython)
      ? expandPath(opts.serverPython, opts)
      : searchPath(opts.serverPython, env, platform);
    const state = py === undefined ? 'missing' : fileState(py, platform);
    if (py === undefined || state !== 'ok') {
      return {
        ok: false,
        log,
        problem: {
          key: `server.python:${opts.serverPython}:${state}`,
          message: `cargo-lens: \`cargoLens.server.python\` is "${opts.serverPython}", which ${py === undefined ? 'cannot be found' : stateWords(state)}, and cargo-lens is not on PATH. Fix the setting, or install cargo-lens with \`${install}\`.`,
          actions: ['setServerPython', 'copyInstallCommand'],
          installCommand: install,
        },
      };
    }
    const found = await tryPython(py, 'python-setting', 'cargoLens.server.python');
    if (found) return { ok: true, server: found, log };
    // Explicit, like server.path: say so rather than quietly run another interpreter.
    return {
      ok: false,
      log,
      problem: {
        key: `server.python:${py}:no-package`,
        message: `cargo-lens: \`cargoLens.server.python\` is ${py}, which does not have the cargo-lens package, and cargo-lens is not on PATH. Install it with \`${suggestedInstall}\` and run "cargo-lens: Restart Server", or change the setting.`,
        actions: ['copyInstallCommand', 'setServerPython'],
        installCommand: suggestedInstall,
      },
    };
  } else if (opts.pythonFromExtension !== undefined) {
    let py: string | undefined;
    try {
      py = await opts.pythonFromExtension();
    } catch (err) {
      log.push(`the Python extension's interpreter could not be read: ${err}`);
    }
    if (py !== undefined && py !== '' && fileState(py, platform) === 'ok') {
      const found = await tryPython(py, 'python-extension', "the Python extension's interpreter");
      if (found) return { ok: true, server: found, log };
    }
  }
  const seen = new Set<string>();
  for (const name of platform === 'win32' ? ['python', 'py'] : ['python3', 'python']) {
    const py = searchPath(name, env, platform);
    if (py === undefined || seen.has(py)) continue;
    seen.add(py);
    const found = await tryPython(py, 'python-path', `${name} on PATH,`);
    if (found) return { ok: true, server: found, log };
    break; // one interpreter from PATH is enough to suggest an install command
  }

  const where = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  return {
    ok: false,
    log,
    problem: {
      key: 'not-found',
      message: `cargo-lens: the language server is not installed: no \`cargo-lens\` on PATH${where}. Install it with \`${suggestedInstall}\` and run "cargo-lens: Restart Server", or set \`cargoLens.server.path\` to the executable.`,
      actions: ['copyInstallCommand', 'setServerPath'],
      installCommand: suggestedInstall,
    },
  };
}

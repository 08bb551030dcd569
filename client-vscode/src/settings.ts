// The `cargoLens` settings: what the user wrote, checked, and the part the server reads.
//
// The server (server/cargo_lens/lsp/settings.py) reads exactly the keys `severity`, `allowRustc`,
// `logLevel` and `trusted` of its `cargoLens` section and reports any other key as unknown. The
// client-only settings (`server.*`, `trace.server`) are therefore never sent to it.
import type * as vscode from 'vscode';

export const SECTION = 'cargoLens';
export const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'] as const;
export const LOG_LEVELS = ['error', 'warning', 'info', 'debug'] as const;
export const TRACE_LEVELS = ['off', 'messages', 'verbose'] as const;

/** What the server reads from `workspace/configuration` and `initializationOptions.cargoLens`. */
export interface ServerSettings {
  severity: Record<string, string>;
  allowRustc: boolean;
  logLevel: string;
  trusted: boolean;
}

/** Settings only the extension uses. */
export interface ClientSettings {
  serverPath: string;
  serverPython: string;
}

export interface SettingProblem {
  /** The full setting name, e.g. `cargoLens.severity`. */
  setting: string;
  message: string;
}

export interface ReadSettings {
  server: Omit<ServerSettings, 'trusted'>;
  client: ClientSettings;
  problems: SettingProblem[];
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads and checks the `cargoLens` section. Anything ill-typed is reported and replaced by its
 * default, so a malformed setting never reaches the server (which would report it again) and never
 * stops the extension. Rule names are not checked here: the server knows its rules, and reports a
 * name it does not know.
 */
export function readSettings(config: vscode.WorkspaceConfiguration): ReadSettings {
  const problems: SettingProblem[] = [];

  const rawSeverity = config.get<unknown>('severity', {});
  const severity: Record<string, string> = {};
  if (rawSeverity === undefined || rawSeverity === null) {
    // default
  } else if (!isPlainObject(rawSeverity)) {
    problems.push({
      setting: 'cargoLens.severity',
      message: `\`cargoLens.severity\` must be an object like { "CL301": "error" }, not ${show(rawSeverity)}`,
    });
  } else {
    for (const [rule, level] of Object.entries(rawSeverity)) {
      if (typeof level === 'string' && (SEVERITIES as readonly string[]).includes(level)) {
        severity[rule] = level;
      } else {
        problems.push({
          setting: 'cargoLens.severity',
          message: `\`cargoLens.severity.${rule}\` must be one of ${SEVERITIES.join(', ')}, not ${show(level)}`,
        });
      }
    }
  }

  const rawAllow = config.get<unknown>('allowRustc', false);
  let allowRustc = false;
  if (typeof rawAllow === 'boolean') {
    allowRustc = rawAllow;
  } else if (rawAllow !== undefined && rawAllow !== null) {
    problems.push({ setting: 'cargoLens.allowRustc', message: `\`cargoLens.allowRustc\` must be true or false, not ${show(rawAllow)}` });
  }

  const rawLog = config.get<unknown>('logLevel', 'info');
  let logLevel = 'info';
  if (typeof rawLog === 'string' && (LOG_LEVELS as readonly string[]).includes(rawLog)) {
    logLevel = rawLog;
  } else if (rawLog !== undefined && rawLog !== null) {
    problems.push({ setting: 'cargoLens.logLevel', message: `\`cargoLens.logLevel\` must be one of ${LOG_LEVELS.join(', ')}, not ${show(rawLog)}` });
  }

  const rawTrace = config.get<unknown>('trace.server', 'off');
  if (rawTrace !== undefined && rawTrace !== null && !(typeof rawTrace === 'string' && (TRACE_LEVELS as readonly string[]).includes(rawTrace))) {
    problems.push({ setting: 'cargoLens.trace.server', message: `\`cargoLens.trace.server\` must be one of ${TRACE_LEVELS.join(', ')}, not ${show(rawTrace)}` });
  }

  const str = (key: 'server.path' | 'server.python'): string => {
    const raw = config.get<unknown>(key, '');
    if (raw === undefined || raw === null) return '';
    if (typeof raw !== 'string') {
      problems.push({ setting: `cargoLens.${key}`, message: `\`cargoLens.${key}\` must be a string (a file path), not ${show(raw)}` });
      return '';
    }
    return raw.trim();
  };
  const serverPath = str('server.path');
  const serverPython = str('server.python');

  return { server: { severity, allowRustc, logLevel }, client: { serverPath, serverPython }, problems };
}

/** The `cargoLens` object the server is given. `allowRustc` never holds without trust. */
export function serverPayload(server: Omit<ServerSettings, 'trusted'>, trusted: boolean): ServerSettings {
  return {
    severity: { ...server.severity },
    allowRustc: server.allowRustc && trusted,
    logLevel: server.logLevel,
    trusted,
  };
}

/** `initializationOptions` for the `initialize` request. */
export function initializationOptions(server: Omit<ServerSettings, 'trusted'>, trusted: boolean): { cargoLens: ServerSettings } {
  return { cargoLens: serverPayload(server, trusted) };
}

/** Which settings file holds a setting's effective value, to open it for a fix. */
export function settingsCommandFor(config: vscode.WorkspaceConfiguration, key: string): { command: string; args: unknown[] } {
  const info = config.inspect(key);
  if (info?.workspaceFolderValue !== undefined) {
    return { command: 'workbench.action.openFolderSettingsFile', args: [] };
  }
  if (info?.workspaceValue !== undefined) {
    return { command: 'workbench.action.openWorkspaceSettingsFile', args: [] };
  }
  if (info?.globalValue !== undefined) {
    return { command: 'workbench.action.openSettingsJson', args: [] };
  }
  return { command: 'workbench.action.openSettings', args: [`${SECTION}.${key}`] };
}

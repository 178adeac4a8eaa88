// Plain logic of the extension, kept free of the `vscode` module so that it can be unit-tested
// with Node's test runner: which settings the server receives, and where its binary is.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const POLICY_KINDS = ['identity', 'resource', 'trust', 'scp', 'rcp', 'boundary'] as const;
export const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;

/** Reads one setting of the `iamLsp` section (`vscode.WorkspaceConfiguration.get` fits). */
export type Get = <T>(key: string) => T | undefined;

/** What the server reads, in `initializationOptions` and `workspace/didChangeConfiguration`. */
export interface ServerSettings {
  iamLsp: {
    kinds: Record<string, string>;
    rules: { disabled: string[]; severity: Record<string, string> };
    inlayHints: { enabled: boolean; accessLevels: boolean };
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string') out[key] = v;
    }
  }
  return out;
}

/** The `iamLsp` settings the server reads, exactly these keys (the path and trace stay here). */
export function serverSettings(get: Get): ServerSettings {
  const disabled = get<unknown>('rules.disabled');
  return {
    iamLsp: {
      kinds: stringMap(get('kinds')),
      rules: {
        disabled: Array.isArray(disabled) ? disabled.filter((c): c is string => typeof c === 'string') : [],
        severity: stringMap(get('rules.severity')),
      },
      inlayHints: {
        enabled: get<boolean>('inlayHints.enabled') ?? true,
        accessLevels: get<boolean>('inlayHints.accessLevels') ?? false,
      },
    },
  };
}

export type ServerSource = 'setting' | 'bundled' | 'path';

export type Resolved = { ok: true; path: string; source: ServerSource } | { ok: false; message: string };

export interface Lookup {
  /** The `iamLsp.server.path` setting. */
  configured: string | null | undefined;
  /** The extension's own folder (a per-platform package ships `server/iam-lsp` there). */
  extensionPath: string;
  /** Resolves a relative `iamLsp.server.path`: the first workspace folder. */
  workspaceFolder?: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  isExecutable?: (file: string) => boolean;
}

export const INSTALL_HINT =
  'Install it with `cargo install --locked --path server/lsp` from the iam-lsp repository so that `iam-lsp` is on your PATH, ' +
  'or set `iamLsp.server.path` to the binary.';

function defaultIsExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The binary to start: the setting, else the one shipped in the extension, else `iam-lsp` on PATH. */
export function resolveServer(lookup: Lookup): Resolved {
  const platform = lookup.platform ?? process.platform;
  const env = lookup.env ?? process.env;
  const isExecutable = lookup.isExecutable ?? defaultIsExecutable;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const exe = platform === 'win32' ? 'iam-lsp.exe' : 'iam-lsp';

  const configured = lookup.configured?.trim();
  if (configured) {
    let file = configured;
    if (file === '~' || file.startsWith('~/')) file = pathApi.join(os.homedir(), file.slice(1));
    if (!pathApi.isAbsolute(file) && lookup.workspaceFolder) file = pathApi.join(lookup.workspaceFolder, file);
    if (isExecutable(file)) return { ok: true, path: file, source: 'setting' };
    return {
      ok: false,
      message: `iam-lsp: the setting iamLsp.server.path is "${configured}", but no executable is there. Fix the path, or clear the setting to use the bundled or PATH binary.`,
    };
  }

  const bundled = pathApi.join(lookup.extensionPath, 'server', exe);
  if (isExecutable(bundled)) return { ok: true, path: bundled, source: 'bundled' };

  const pathVar = env.PATH ?? env.Path ?? '';
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  for (const dir of pathVar.split(platform === 'win32' ? ';' : ':')) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = pathApi.join(dir, platform === 'win32' && ext ? `iam-lsp${ext.toLowerCase()}` : 'iam-lsp');
      if (isExecutable(candidate)) return { ok: true, path: candidate, source: 'path' };
    }
  }
  return {
    ok: false,
    message: `iam-lsp: the language server binary was not found (no iamLsp.server.path setting, none shipped in this extension, no iam-lsp on PATH). ${INSTALL_HINT}`,
  };
}

// The djvet.* settings: which ones go to the server, and which ones only the extension reads.
import * as vscode from 'vscode';

export const SECTION = 'djvet';

export type ImportStrategy = 'useBundled' | 'fromEnvironment';

/** Settings the server reads (`initializationOptions` and `workspace/configuration`). */
const SERVER_KEYS = [
  'select', 'extendSelect', 'ignore', 'perFileIgnores', 'exclude', 'severity',
  'settingsModules', 'djangoVersion',
] as const;

/** Settings that change the server process itself: a change restarts it. */
export const RESTART_KEYS = ['interpreter', 'importStrategy'].map((k) => `${SECTION}.${k}`);

export interface ExtensionSettings {
  interpreter: string | undefined; // as written by the user; undefined when not set
  importStrategy: ImportStrategy;
  fixAll: boolean;
  restricted: boolean; // untrusted workspace: workspace values of the above are ignored
}

function isUnset(value: unknown): boolean {
  if (value === undefined || value === null || value === '') {
    return true;
  }
  if (Array.isArray(value)) {
    return value.length === 0;
  }
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

/** The value the user set at any level, or undefined: unset keys must not reach the
 * server, so that `[tool.djvet]` in pyproject.toml applies (editor > pyproject > defaults). */
function explicit<T>(config: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const seen = config.inspect<T>(key);
  const value = seen?.workspaceFolderValue ?? seen?.workspaceValue ?? seen?.globalValue;
  return isUnset(value) ? undefined : value;
}

/** The `djvet` section as the server expects it (camelCase keys, only what is set). */
export function serverSettings(scope?: vscode.ConfigurationScope): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const result: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const value = explicit(config, key);
    if (value !== undefined) {
      result[key] = value;
    }
  }
  result.diagnosticMode = config.get<string>('diagnosticMode', 'openFiles');
  return result;
}

export function extensionSettings(scope?: vscode.ConfigurationScope): ExtensionSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const restricted = !vscode.workspace.isTrusted;
  // Restricted Mode: a workspace must not pick the program VS Code runs.
  const interpreter = restricted
    ? config.inspect<string>('interpreter')?.globalValue
    : config.get<string>('interpreter');
  const strategy = restricted ? 'useBundled' : config.get<string>('importStrategy', 'useBundled');
  return {
    interpreter: interpreter && interpreter.trim() ? interpreter.trim() : undefined,
    importStrategy: strategy === 'fromEnvironment' ? 'fromEnvironment' : 'useBundled',
    fixAll: config.get<boolean>('fixAll', true),
    restricted,
  };
}

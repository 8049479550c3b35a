// Which Python runs the djvet server, and whether it can: every failure becomes a
// sentence the user can act on (shown in a notification, the status bar and the log).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExtensionSettings, ImportStrategy } from './config';
import { isPythonExtensionInstalled, selectedInterpreter } from './python';

export const MIN_PYTHON: [number, number] = [3, 10];

export interface Launch {
  python: string;
  source: string; // where the interpreter came from, for the log and the status bar
  env: NodeJS.ProcessEnv;
  cwd: string | undefined;
  strategy: ImportStrategy;
  djvetVersion: string;
  pythonVersion: string;
}

export class LaunchError extends Error {
  constructor(message: string, readonly settingsKey?: string) {
    super(message);
  }
}

interface Candidate {
  python: string;
  source: string;
  settingsKey?: string;
}

/** Expands `${workspaceFolder}`, `${userHome}` and `~`; a relative path is taken from the folder. */
export function expandPath(value: string, folder: vscode.WorkspaceFolder | undefined): string {
  const root = folder?.uri.fsPath;
  let result = value
    .replace(/\$\{userHome\}/g, os.homedir())
    .replace(/^~(?=$|[/\\])/, os.homedir());
  if (root) {
    result = result.replace(/\$\{workspaceFolder\}/g, root);
  }
  if (root && !path.isAbsolute(result) && /[/\\]/.test(result)) {
    result = path.join(root, result);
  }
  return result;
}

function onPath(names: string[]): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

async function candidate(settings: ExtensionSettings, folder: vscode.WorkspaceFolder | undefined,
  log: vscode.LogOutputChannel): Promise<Candidate> {
  if (settings.interpreter) {
    return { python: expandPath(settings.interpreter, folder), source: 'setting djvet.interpreter',
      settingsKey: 'djvet.interpreter' };
  }
  if (!settings.restricted) {
    try {
      const selected = await selectedInterpreter(folder);
      if (selected) {
        return { python: selected, source: 'the Python extension' };
      }
    } catch (error) {
      log.warn(`The Python extension did not give an interpreter: ${error}`);
    }
  }
  const why = settings.restricted ? 'Restricted Mode'
    : isPythonExtensionInstalled() ? 'the Python extension has none selected'
      : 'the Python extension (ms-python.python) is not installed';
  const found = onPath(process.platform === 'win32' ? ['python.exe', 'py.exe'] : ['python3', 'python']);
  if (!found) {
    throw new LaunchError(`djvet needs Python ${MIN_PYTHON.join('.')}+, but there is no python3 on PATH ` +
      `(and ${why}). Set djvet.interpreter to the path of a Python interpreter.`, 'djvet.interpreter');
  }
  return { python: found, source: `python3 on PATH (${why})` };
}

const PROBE = `
import json, sys
info = {"executable": sys.executable, "version": list(sys.version_info[:3])}
if sys.version_info >= (${MIN_PYTHON.join(', ')}):
    try:
        import djvet, pygls, lsprotocol, parso, jedi
        info["djvet"] = getattr(djvet, "__version__", "?")
        info["djvetPath"] = djvet.__file__
    except Exception as error:
        info["error"] = f"{type(error).__name__}: {error}"
print(json.dumps(info))
`;

interface ProbeResult {
  executable: string;
  version: number[];
  djvet?: string;
  djvetPath?: string;
  error?: string;
}

function run(python: string, env: NodeJS.ProcessEnv, cwd: string | undefined): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', PROBE], { env, cwd, timeout: 20000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          reject(Object.assign(error, { stderr: String(stderr) }));
          return;
        }
        try {
          resolve(JSON.parse(String(stdout).trim().split('\n').pop() ?? '') as ProbeResult);
        } catch {
          reject(new Error(`unexpected output: ${String(stdout).slice(0, 300)} ${String(stderr).slice(0, 300)}`));
        }
      });
  });
}

function describeFailure(python: string, source: string, error: NodeJS.ErrnoException & { stderr?: string }): string {
  if (error.code === 'ENOENT') {
    return `The Python interpreter "${python}" (from ${source}) does not exist.`;
  }
  if (error.code === 'EACCES') {
    return `The Python interpreter "${python}" (from ${source}) is not executable.`;
  }
  const detail = (error.stderr || error.message || '').trim().split('\n').slice(-3).join(' ');
  return `The Python interpreter "${python}" (from ${source}) failed to start: ${detail}`;
}

/** Finds the interpreter and checks that it runs and can import djvet; throws LaunchError. */
export async function resolveLaunch(settings: ExtensionSettings, folder: vscode.WorkspaceFolder | undefined,
  bundledLibs: string, log: vscode.LogOutputChannel): Promise<Launch> {
  const { python, source, settingsKey } = await candidate(settings, folder, log);
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1' };
  if (settings.importStrategy === 'useBundled') {
    env.PYTHONPATH = [bundledLibs, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  }
  const cwd = folder?.uri.fsPath;
  let info: ProbeResult;
  try {
    info = await run(python, env, cwd && fs.existsSync(cwd) ? cwd : undefined);
  } catch (error) {
    throw new LaunchError(`${describeFailure(python, source, error as NodeJS.ErrnoException)} ` +
      'Fix djvet.interpreter or select another interpreter.', settingsKey ?? 'djvet.interpreter');
  }
  const version = info.version.join('.');
  if (info.version[0] < MIN_PYTHON[0] || (info.version[0] === MIN_PYTHON[0] && info.version[1] < MIN_PYTHON[1])) {
    throw new LaunchError(`djvet needs Python ${MIN_PYTHON.join('.')} or later; "${python}" (from ${source}) ` +
      `is Python ${version}. Set djvet.interpreter to a newer interpreter.`, 'djvet.interpreter');
  }
  if (info.error || !info.djvet) {
    const hint = settings.importStrategy === 'fromEnvironment'
      ? `Install it there (${python} -m pip install djvet) or set djvet.importStrategy to useBundled.`
      : `The bundled copy in ${bundledLibs} is incomplete: reinstall the extension.`;
    throw new LaunchError(`djvet cannot be imported with "${python}" (from ${source}): ${info.error ?? 'not found'}. ${hint}`,
      'djvet.importStrategy');
  }
  return { python: info.executable || python, source, env, cwd, strategy: settings.importStrategy,
    djvetVersion: info.djvet, pythonVersion: version };
}

// The part of the Python extension's (ms-python.python) API djvet uses: the interpreter
// selected for a folder, and an event when the selection changes. Typed by hand, like
// the `@vscode/python-extension` package describes it, to keep the bundle small.
import * as vscode from 'vscode';

const PYTHON_EXTENSION = 'ms-python.python';

interface EnvironmentPath {
  readonly id: string;
  readonly path: string;
}

interface ResolvedEnvironment {
  readonly executable: { readonly uri: vscode.Uri | undefined };
}

interface PythonExtensionApi {
  readonly environments: {
    getActiveEnvironmentPath(resource?: vscode.Uri | vscode.WorkspaceFolder): EnvironmentPath;
    resolveEnvironment(env: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
    readonly onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
}

async function api(): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
  if (!extension) {
    return undefined;
  }
  const exports = extension.isActive ? extension.exports : await extension.activate();
  return exports?.environments ? exports : undefined;
}

/** The interpreter the Python extension selected for `folder`; undefined when the
 * extension is not installed or has no interpreter (e.g. code-server, VSCodium). */
export async function selectedInterpreter(
  folder: vscode.WorkspaceFolder | undefined,
): Promise<string | undefined> {
  const python = await api();
  if (!python) {
    return undefined;
  }
  const active = python.environments.getActiveEnvironmentPath(folder?.uri);
  const resolved = await python.environments.resolveEnvironment(active);
  return resolved?.executable.uri?.fsPath;
}

export function isPythonExtensionInstalled(): boolean {
  return vscode.extensions.getExtension(PYTHON_EXTENSION) !== undefined;
}

/** Calls `listener` when the user selects another interpreter. */
export async function onInterpreterChanged(listener: () => void): Promise<vscode.Disposable> {
  const python = await api();
  return python ? python.environments.onDidChangeActiveEnvironmentPath(() => listener())
    : new vscode.Disposable(() => undefined);
}

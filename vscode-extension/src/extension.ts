// djvet for VS Code: runs the djvet language server and keeps it in step with the
// settings, the selected interpreter and workspace trust.
import * as vscode from 'vscode';
import { fixAll, showRuleDocs } from './commands';
import { RESTART_KEYS, SECTION } from './config';
import { onInterpreterChanged } from './python';
import { DjvetServer } from './server';
import { Status } from './status';

let server: DjvetServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('djvet', { log: true });
  const status = new Status();
  server = new DjvetServer(context.asAbsolutePath('bundled/libs'), log, status);
  const djvet = server;
  context.subscriptions.push(
    log,
    status,
    djvet,
    vscode.commands.registerCommand('djvet.restart', () => djvet.restart('restarted by the user')),
    vscode.commands.registerCommand('djvet.showLogs', () => log.show()),
    vscode.commands.registerCommand('djvet.fixAll', () => fixAll(djvet)),
    vscode.commands.registerCommand('djvet.showRuleDocs', (code?: unknown) => showRuleDocs(djvet, code)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_KEYS.some((key) => event.affectsConfiguration(key))) {
        void djvet.restart('the interpreter settings changed');
      } else if (event.affectsConfiguration(SECTION)) {
        djvet.settingsChanged();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => djvet.restart('the workspace is trusted now')),
  );
  // Follow the interpreter selected in the Python extension, unless djvet.interpreter is set.
  context.subscriptions.push(await onInterpreterChanged(() => {
    if (!vscode.workspace.getConfiguration(SECTION).get<string>('interpreter')) {
      void djvet.restart('another interpreter was selected');
    }
  }));
  void djvet.restart('activated'); // activation does not wait for the server
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}

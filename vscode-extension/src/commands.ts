// The djvet.fixAll and djvet.showRuleDocs commands.
import * as vscode from 'vscode';
import { CodeAction, CodeActionRequest } from 'vscode-languageclient/node';
import { DjvetServer, FIX_ALL_KIND } from './server';

/** Applies every safe fix to the active file (what `source.fixAll.djvet` does on save). */
export async function fixAll(server: DjvetServer): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('djvet: open a file to fix');
    return;
  }
  const client = server.running();
  if (!client) {
    return;
  }
  const document = editor.document;
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const result = await client.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) },
    range: client.code2ProtocolConverter.asRange(whole),
    context: { diagnostics: [], only: [FIX_ALL_KIND] },
  });
  const action = (result ?? []).find((a): a is CodeAction => CodeAction.is(a) && a.kind === FIX_ALL_KIND);
  if (!action?.edit) {
    void vscode.window.showInformationMessage('djvet: no safe fix to apply in this file');
    return;
  }
  const applied = await vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(action.edit));
  if (!applied) {
    void vscode.window.showWarningMessage('djvet: the file changed while fixing; run Fix All again');
  }
}

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  const value = typeof code === 'object' ? code.value : code;
  return value === undefined ? undefined : String(value);
}

/** The djvet rule under the cursor, if any. */
function codeAtCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return undefined;
  }
  const cursor = editor.selection.active;
  const here = vscode.languages.getDiagnostics(editor.document.uri)
    .filter((d) => d.source === 'djvet' && d.range.contains(cursor));
  return here.map(codeOf).find(Boolean);
}

interface RuleInfo {
  code: string;
  name: string;
  summary: string;
}

async function pickRule(server: DjvetServer): Promise<string | undefined> {
  const rules = JSON.parse(await server.cli(['rules', '--output-format', 'json'])) as RuleInfo[];
  const choice = await vscode.window.showQuickPick(
    rules.map((r) => ({ label: r.code, description: r.name, detail: r.summary })),
    { title: 'djvet: rule documentation', matchOnDescription: true, matchOnDetail: true });
  return choice?.label;
}

/** Shows a rule's documentation (`djvet rule CODE`) as a Markdown preview. */
export async function showRuleDocs(server: DjvetServer, code?: unknown): Promise<void> {
  try {
    const chosen = typeof code === 'string' && code ? code : codeAtCursor() ?? await pickRule(server);
    if (!chosen) {
      return;
    }
    const content = await server.cli(['rule', chosen]);
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    try {
      await vscode.commands.executeCommand('markdown.showPreview', document.uri);
    } catch {
      await vscode.window.showTextDocument(document, { preview: true });
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`djvet: cannot show the rule documentation: ${error instanceof Error ? error.message : error}`);
  }
}

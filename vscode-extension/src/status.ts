// The status bar item: starting / indexing (while the server reports progress) / ready /
// error. Clicking it shows the log.
import * as vscode from 'vscode';

export type State = 'starting' | 'busy' | 'ready' | 'error' | 'stopped';

const ICONS: Record<State, string> = {
  starting: '$(sync~spin)', busy: '$(sync~spin)', ready: '$(check)', error: '$(error)', stopped: '$(circle-slash)',
};

export class Status implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly busy = new Map<string, string>(); // progress token -> message
  private state: State = 'stopped';
  private detail = '';
  private launch = '';

  constructor() {
    this.item = vscode.window.createStatusBarItem('djvet.status', vscode.StatusBarAlignment.Left, 0);
    this.item.name = 'djvet';
    this.item.command = 'djvet.showLogs';
    this.render();
    this.item.show();
  }

  get current(): State {
    return this.busy.size > 0 && this.state === 'ready' ? 'busy' : this.state;
  }

  set(state: State, detail = ''): void {
    this.state = state;
    this.detail = detail;
    if (state !== 'ready') {
      this.busy.clear();
    }
    this.render();
  }

  /** Where the server runs, shown in the tooltip. */
  describe(launch: string): void {
    this.launch = launch;
    this.render();
  }

  progress(token: string, message: string | undefined): void {
    if (message === undefined) {
      this.busy.delete(token);
    } else {
      this.busy.set(token, message);
    }
    this.render();
  }

  private render(): void {
    const state = this.current;
    const busyText = [...this.busy.values()].pop();
    const label = state === 'busy' ? (busyText || 'indexing') : state;
    this.item.text = `${ICONS[state]} djvet`;
    const lines = [`djvet: ${label}`];
    if (this.detail) {
      lines.push(this.detail);
    }
    if (this.launch) {
      lines.push(this.launch);
    }
    lines.push('Click to show the log.');
    this.item.tooltip = lines.join('\n\n');
    this.item.accessibilityInformation = { label: `djvet ${label}` };
    this.item.backgroundColor = state === 'error'
      ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}

// Work-done progress from the server ("indexing the project", "checking the workspace"):
// shown in the window's progress area as the language client would, and mirrored in the
// status bar item. Replaces the client's own handler of window/workDoneProgress/create,
// because a progress token takes only one listener.
import * as vscode from 'vscode';
import {
  BaseLanguageClient,
  FeatureState,
  StaticFeature,
  WorkDoneProgress,
  WorkDoneProgressBegin,
  WorkDoneProgressCreateRequest,
  WorkDoneProgressReport,
} from 'vscode-languageclient/node';
import { Status } from './status';

export class ProgressFeature implements StaticFeature {
  private readonly active = new Map<string, () => void>(); // token -> end

  constructor(private readonly client: BaseLanguageClient, private readonly status: Status) {}

  fillClientCapabilities(capabilities: { window?: { workDoneProgress?: boolean } }): void {
    capabilities.window = capabilities.window ?? {};
    capabilities.window.workDoneProgress = true;
  }

  initialize(): void {
    this.client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => this.track(String(token)));
  }

  getState(): FeatureState {
    return { kind: 'static' };
  }

  clear(): void {
    for (const end of [...this.active.values()]) {
      end();
    }
  }

  private track(token: string): void {
    let report: ((message: string | undefined, increment?: number) => void) | undefined;
    let finish: (() => void) | undefined;
    let reported = 0;
    let ended = false;
    const listener = this.client.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind === 'begin') {
        begin(value);
      } else if (value.kind === 'report') {
        update(value);
      } else {
        end();
      }
    });
    const end = (): void => {
      ended = true;
      this.active.delete(token);
      this.status.progress(token, undefined);
      listener.dispose();
      finish?.();
    };
    const update = (value: WorkDoneProgressBegin | WorkDoneProgressReport): void => {
      const increment = value.percentage === undefined ? undefined : Math.max(0, value.percentage - reported);
      reported = value.percentage ?? reported;
      this.status.progress(token, value.message ?? 'busy');
      report?.(value.message, increment);
    };
    const begin = (value: WorkDoneProgressBegin): void => {
      update(value);
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: value.title },
        (progress) => new Promise<void>((resolve) => {
          if (ended) { // the work was over before the progress area was ready
            resolve();
            return;
          }
          report = (message, increment) => progress.report({ message, increment });
          finish = resolve;
        }));
    };
    this.active.set(token, end);
  }
}

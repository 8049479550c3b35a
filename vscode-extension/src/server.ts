// Starting, restarting and stopping `python -m djvet server`, one for the window (the
// server handles every workspace folder). Restarts are queued, so a burst of setting
// changes ends with one server running the latest settings.
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DocumentSelector,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { SECTION, extensionSettings, serverSettings } from './config';
import { Launch, LaunchError, resolveLaunch } from './interpreter';
import { ProgressFeature } from './progress';
import { Status } from './status';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.djvet`;

// Python, Django templates (as the "Django" extension names them, or any file under a
// templates/ folder), and the requirement and deployment files djvet reads.
export const DOCUMENT_SELECTOR: DocumentSelector = [
  { scheme: 'file', language: 'python' },
  { scheme: 'file', language: 'django-html' },
  { scheme: 'file', language: 'django-txt' },
  { scheme: 'file', pattern: '**/templates/**/*.{html,htm,djhtml,txt,xml}' },
  { scheme: 'file', language: 'pip-requirements' },
  { scheme: 'file', pattern: '**/{requirements*.txt,requirements*.in,requirements/*.txt,Procfile,Dockerfile}' },
  // Other deployment files (DJV803) and pyproject.toml dependencies (DJV805).
  { scheme: 'file', pattern: '**/{Dockerfile.*,Dockerfile-*,*.dockerfile,Containerfile,docker-compose*.{yml,yaml},compose.{yml,yaml},*.service,pyproject.toml}' },
];

function scopeOf(uri: string | undefined): vscode.ConfigurationScope | undefined {
  return uri ? vscode.Uri.parse(uri) : vscode.workspace.workspaceFolders?.[0];
}

export class DjvetServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private launch: Launch | undefined;
  private failure: string | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly bundledLibs: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly status: Status,
  ) {}

  /** The running client, or undefined (with the reason shown) when the server is not up. */
  running(): LanguageClient | undefined {
    if (this.client?.state === State.Running) {
      return this.client;
    }
    void vscode.window.showErrorMessage(`djvet is not running${this.failure ? `: ${this.failure}` : '.'}`,
      'Show Logs').then((choice) => choice && this.log.show());
    return undefined;
  }

  restart(reason: string): Promise<void> {
    this.queue = this.queue.then(() => this.start(reason)).catch((error) => {
      this.log.error(`restart failed: ${error}`);
    });
    return this.queue;
  }

  /** Editor settings the server reads changed: it re-reads them, no restart needed. */
  settingsChanged(): void {
    const client = this.client;
    if (client?.state === State.Running) {
      this.log.info('settings changed: sent to the server');
      void client.sendNotification(DidChangeConfigurationNotification.type,
        { settings: { [SECTION]: serverSettings(scopeOf(undefined)) } });
    }
  }

  /** Runs the djvet CLI with the server's interpreter (e.g. `rule DJV101`). */
  async cli(args: string[]): Promise<string> {
    const launch = this.launch;
    if (!launch) {
      throw new Error(this.failure ?? 'djvet has not started');
    }
    return new Promise((resolve, reject) => {
      execFile(launch.python, ['-m', 'djvet', ...args], { env: launch.env, cwd: launch.cwd, timeout: 30000,
        maxBuffer: 8 << 20 }, (error, stdout, stderr) => error
        ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(String(stdout)));
    });
  }

  private async start(reason: string): Promise<void> {
    await this.stop();
    this.failure = undefined;
    this.status.set('starting', reason);
    this.log.info(`starting the server (${reason})`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const settings = extensionSettings(folder);
    try {
      this.launch = await resolveLaunch(settings, folder, this.bundledLibs, this.log);
    } catch (error) {
      if (error instanceof LaunchError) {
        this.fail(error.message, error.settingsKey);
        return;
      }
      throw error;
    }
    const launch = this.launch;
    const where = `djvet ${launch.djvetVersion} (${launch.strategy === 'useBundled' ? 'bundled' : 'from the environment'}) ` +
      `on Python ${launch.pythonVersion}: ${launch.python}, from ${launch.source}` +
      (settings.restricted ? ' [Restricted Mode]' : '');
    this.log.info(where);
    this.status.describe(where);
    const client = this.createClient(launch);
    this.client = client;
    client.onDidChangeState(({ newState }) => {
      if (this.client !== client) {
        return;
      }
      if (newState === State.Running) {
        this.status.set('ready');
      } else if (newState === State.Stopped) {
        // The client restarts a crashed server a few times, and says when it gives up.
        this.status.set('error', 'the djvet server stopped; see the log for why');
      }
    });
    try {
      await client.start();
    } catch (error) {
      this.fail(`the djvet server failed to start: ${error instanceof Error ? error.message : error}`);
    }
  }

  private createClient(launch: Launch): LanguageClient {
    const serverOptions: ServerOptions = {
      command: launch.python,
      args: ['-m', 'djvet', 'server'], // stdio; a `transport` here would add `--stdio`
      options: { env: launch.env, cwd: launch.cwd },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: serverSettings(scopeOf(undefined)),
      middleware: {
        workspace: {
          // Answer the `djvet` section with only the keys the user set (see config.ts).
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) {
              return answers;
            }
            return params.items.map((item, index) => item.section === SECTION
              ? serverSettings(scopeOf(item.scopeUri)) : answers[index]);
          },
        },
        provideCodeActions: async (document, range, context, token, next) => {
          const actions = await next(document, range, context, token);
          if (!actions || extensionSettings(document.uri).fixAll) {
            return actions;
          }
          return actions.filter((a) => !(a instanceof vscode.CodeAction && a.kind?.value === FIX_ALL_KIND));
        },
      },
    };
    const client = new LanguageClient('djvet', 'djvet', serverOptions, clientOptions);
    client.registerFeature(new ProgressFeature(client, this.status));
    return client;
  }

  private fail(message: string, settingsKey?: string): void {
    this.failure = message;
    this.status.set('error', message);
    this.log.error(message);
    const actions = settingsKey ? ['Open Settings', 'Show Logs'] : ['Show Logs'];
    void vscode.window.showErrorMessage(`djvet: ${message}`, ...actions).then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', settingsKey);
      } else if (choice === 'Show Logs') {
        this.log.show();
      }
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client && client.state !== State.Stopped) {
      try {
        await client.stop(5000);
      } catch (error) {
        this.log.warn(`stopping the server: ${error}`);
      }
    }
    await client?.dispose().catch(() => undefined);
    this.status.set('stopped');
  }

  dispose(): void {
    void this.stop();
  }
}

// The VS Code client of iam-lsp: finds the server binary, starts it over stdio for JSON and JSONC
// documents (the server decides which are IAM policies), and forwards the `iamLsp` settings.

import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  type Executable,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

import { resolveServer, serverSettings } from './settings';

const SECTION = 'iamLsp';
/** The settings the server reads; a change to one is sent to it as `workspace/didChangeConfiguration`. */
const FORWARDED = ['kinds', 'rules', 'inlayHints'];
let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

function settings() {
  const config = vscode.workspace.getConfiguration(SECTION);
  return serverSettings((key) => config.get(key));
}

async function notFound(message: string): Promise<void> {
  output.appendLine(message);
  const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output');
  if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.server.path`);
  } else if (choice === 'Show Output') {
    output.show(true);
  }
}

/** Shows what `iam-lsp.simulate` answered: `{decision, blockedBy, text, ...}`. */
function showSimulation(result: unknown): void {
  const answer = result as { decision?: unknown; text?: unknown } | null | undefined;
  if (typeof answer?.text !== 'string') return;
  output.appendLine(answer.text);
  const firstLines = answer.text.split('\n').slice(1, 3).join(' ').trim();
  void vscode.window.showInformationMessage(`iam-lsp: ${firstLines}`, 'Show Output').then((choice) => {
    if (choice) output.show(true);
  });
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const resolved = resolveServer({
    configured: vscode.workspace.getConfiguration(SECTION).get<string | null>('server.path'),
    extensionPath: context.extensionPath,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
  if (!resolved.ok) {
    void notFound(resolved.message);
    return;
  }
  output.appendLine(`iam-lsp: starting ${resolved.path} (from ${resolved.source})`);

  // No `transport`: stdio without the `--stdio` argument that TransportKind.stdio would add.
  const executable: Executable = { command: resolved.path, args: [] };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'jsonc' },
      { scheme: 'untitled', language: 'json' },
      { scheme: 'untitled', language: 'jsonc' },
      // CloudFormation, SAM and Serverless templates: the server checks only those
      { scheme: 'file', language: 'yaml' },
      // Terraform modules: `terraform` with HashiCorp's extension, plain text without it
      { scheme: 'file', language: 'terraform' },
      { scheme: 'file', pattern: '**/*.tf' },
      // Terraform's JSON syntax: `json` already, whatever language a user gives it
      { scheme: 'file', pattern: '**/*.tf.json' },
    ],
    initializationOptions: settings(),
    outputChannel: output,
    middleware: {
      // The "Simulate" code lens runs `iam-lsp.simulate`: its answer (the decision, and the
      // statement that decides as `text`) goes to the output channel and a message.
      executeCommand: async (command, args, next) => {
        const result: unknown = await next(command, args);
        if (command === 'iam-lsp.simulate') showSimulation(result);
        return result;
      },
    },
  };
  // The id `iamLsp` makes the client read the trace level from `iamLsp.trace.server`.
  const next = new LanguageClient(SECTION, 'IAM Policy (iam-lsp)', serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
    output.appendLine(`iam-lsp: running ${next.initializeResult?.serverInfo?.version ?? '(version unknown)'}`);
  } catch (error) {
    const message = `iam-lsp: the server at ${resolved.path} failed to start: ${String(error)}`;
    output.appendLine(message);
    void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => {
      if (choice) output.show(true);
    });
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop(5000);
    } catch (error) {
      output.appendLine(`iam-lsp: stopping the server: ${String(error)}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('IAM Policy (iam-lsp)');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('iamLsp.restartServer', () => restart(context)),
    vscode.commands.registerCommand('iamLsp.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('iamLsp.showCatalogVersion', () => {
      const version = client?.initializeResult?.serverInfo?.version;
      if (version) {
        void vscode.window.showInformationMessage(`iam-lsp ${version}`);
      } else {
        void vscode.window.showWarningMessage('iam-lsp is not running; see the IAM Policy output channel.');
      }
      return version;
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(`${SECTION}.server.path`)) {
        await restart(context);
      } else if (FORWARDED.some((key) => event.affectsConfiguration(`${SECTION}.${key}`)) && client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, { settings: settings() });
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

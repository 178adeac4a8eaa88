// Unit tests of the extension's plain logic: run with `npm run test:unit` (Node's test runner).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { POLICY_KINDS, SEVERITIES, resolveServer, serverSettings, type Get } from '../src/settings';

interface Manifest {
  contributes: {
    configuration: { properties: Record<string, { default?: unknown; additionalProperties?: { enum?: string[] } }> };
    commands: { command: string }[];
  };
  activationEvents: string[];
}
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;

function getter(values: Record<string, unknown>): Get {
  return <T>(key: string) => values[key] as T | undefined;
}

void test('the settings are the seven documented keys', () => {
  assert.deepEqual(Object.keys(properties).sort(), [
    'iamLsp.inlayHints.accessLevels',
    'iamLsp.inlayHints.enabled',
    'iamLsp.kinds',
    'iamLsp.rules.disabled',
    'iamLsp.rules.severity',
    'iamLsp.server.path',
    'iamLsp.trace.server',
  ]);
  assert.deepEqual(properties['iamLsp.kinds'].additionalProperties?.enum, [...POLICY_KINDS]);
  assert.deepEqual(properties['iamLsp.rules.severity'].additionalProperties?.enum, [...SEVERITIES]);
});

void test('the commands are restart, output and catalog version', () => {
  assert.deepEqual(
    manifest.contributes.commands.map((c) => c.command),
    ['iamLsp.restartServer', 'iamLsp.showOutput', 'iamLsp.showCatalogVersion'],
  );
  assert.deepEqual(manifest.activationEvents, ['onLanguage:json', 'onLanguage:jsonc', 'onLanguage:yaml', 'onLanguage:terraform', 'workspaceContains:**/*.tf']);
});

void test('the server gets exactly kinds, rules and inlayHints, from the defaults', () => {
  const defaults: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties)) defaults[key.slice('iamLsp.'.length)] = schema.default;
  const sent = serverSettings(getter(defaults));
  console.log('sent with the defaults:', JSON.stringify(sent));
  assert.deepEqual(sent, {
    iamLsp: { kinds: {}, rules: { disabled: [], severity: {} }, inlayHints: { enabled: true, accessLevels: false } },
  });
});

void test('the server gets the values set, and nothing of the path or trace', () => {
  const sent = serverSettings(
    getter({
      'server.path': '/opt/iam-lsp',
      'trace.server': 'verbose',
      kinds: { '**/trust/*.json': 'trust', bad: 3 },
      'rules.disabled': ['resource-star', 7],
      'rules.severity': { 'legacy-action': 'hint' },
      'inlayHints.enabled': false,
      'inlayHints.accessLevels': true,
    }),
  );
  assert.deepEqual(sent, {
    iamLsp: {
      kinds: { '**/trust/*.json': 'trust' },
      rules: { disabled: ['resource-star'], severity: { 'legacy-action': 'hint' } },
      inlayHints: { enabled: false, accessLevels: true },
    },
  });
});

void test('the binary: setting first, then the bundled one, then PATH', () => {
  const present = new Set(['/opt/custom/iam-lsp', '/ext/server/iam-lsp', '/usr/local/bin/iam-lsp', '/ws/bin/iam-lsp']);
  const isExecutable = (f: string) => present.has(f);
  const base = { extensionPath: '/ext', platform: 'linux' as const, env: { PATH: '/usr/bin:/usr/local/bin' }, isExecutable };

  assert.deepEqual(resolveServer({ ...base, configured: '/opt/custom/iam-lsp' }), {
    ok: true,
    path: '/opt/custom/iam-lsp',
    source: 'setting',
  });
  assert.deepEqual(resolveServer({ ...base, configured: 'bin/iam-lsp', workspaceFolder: '/ws' }), {
    ok: true,
    path: '/ws/bin/iam-lsp',
    source: 'setting',
  });
  assert.deepEqual(resolveServer({ ...base, configured: null }), { ok: true, path: '/ext/server/iam-lsp', source: 'bundled' });
  assert.deepEqual(resolveServer({ ...base, configured: '', extensionPath: '/other' }), {
    ok: true,
    path: '/usr/local/bin/iam-lsp',
    source: 'path',
  });
});

void test('a missing binary gives a message that says how to fix it', () => {
  const base = { extensionPath: '/ext', platform: 'linux' as const, env: { PATH: '/usr/bin' }, isExecutable: () => false };
  const wrongSetting = resolveServer({ ...base, configured: '/nowhere/iam-lsp' });
  assert.equal(wrongSetting.ok, false);
  assert.match(!wrongSetting.ok ? wrongSetting.message : '', /iamLsp\.server\.path is "\/nowhere\/iam-lsp"/);
  const none = resolveServer({ ...base, configured: undefined });
  assert.equal(none.ok, false);
  assert.match(!none.ok ? none.message : '', /cargo install --locked --path server\/lsp.*iamLsp\.server\.path/);
});

void test('on Windows the binary is iam-lsp.exe', () => {
  const present = new Set(['C:\\tools\\iam-lsp.exe']);
  const found = resolveServer({
    configured: undefined,
    extensionPath: 'C:\\ext',
    platform: 'win32',
    env: { Path: 'C:\\Windows;C:\\tools', PATHEXT: '.COM;.EXE' },
    isExecutable: (f) => present.has(f),
  });
  assert.deepEqual(found, { ok: true, path: 'C:\\tools\\iam-lsp.exe', source: 'path' });
});

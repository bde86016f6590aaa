import type { Command } from 'commander';
import type { Connector, ConnectorCheck } from '../../connectors/connector.js';
import type { ConnectorObject, ConnectorSettingValue } from '../../definition/model/objects.js';
import { IdflowError } from '../../errors.js';
import type { StoredObject } from '../../repository/object-store.js';
import { action } from '../action.js';
import { openRequiredCliRepository, withRepository } from '../cli-repository.js';
import { ExitStatus, printJson, println, printTable } from '../output.js';
import { positiveInteger } from '../option-values.js';

interface JsonOption {
  readonly json?: boolean;
}

interface TestOptions extends JsonOption {
  readonly timeout?: string;
}

/** A secret a connector needs: the setting naming it, the variable, and whether this process has it. */
interface SecretUse {
  readonly setting: string;
  readonly variable: string;
  readonly set: boolean;
}

/** Settings ending in `Env` name the environment variables that hold secrets (`tokenEnv`, `passwordEnv`). */
function secretsOf(settings: Readonly<Record<string, ConnectorSettingValue>>, prefix = ''): SecretUse[] {
  return Object.entries(settings).flatMap(([name, value]): SecretUse[] => {
    if (typeof value === 'string') {
      if (!name.endsWith('Env') || value === '') return [];
      const v = process.env[value];
      return [{ setting: `${prefix}${name}`, variable: value, set: v !== undefined && v !== '' }];
    }
    if (Array.isArray(value)) return [];
    return secretsOf(value as Readonly<Record<string, ConnectorSettingValue>>, `${prefix}${name}.`);
  });
}

/** What a connector talks to, in one value: the setting kinds use for it (URL, directory). */
function targetOf(settings: Readonly<Record<string, ConnectorSettingValue>>): string {
  for (const name of ['baseUrl', 'url', 'directory']) {
    const v = settings[name];
    if (typeof v === 'string') return v;
  }
  return '';
}

function connectorJson(stored: StoredObject, model: ConnectorObject): Record<string, unknown> {
  return {
    name: model.name,
    kind: model.kind,
    ...(model.description !== undefined && { description: model.description }),
    target: targetOf(model.settings),
    settings: model.settings,
    secrets: secretsOf(model.settings),
    version: stored.version,
    id: stored.id,
    source: `${stored.sourceFile}:${model.location.line}`,
  };
}

/**
 * Builds the connector and checks it. A connector that cannot even be built (its secret's variable unset, settings
 * an older idflow accepted) does not work either: that is a FAILED line with the reason, like a refused login.
 */
async function checkConnector(build: () => Connector, seconds: number): Promise<ConnectorCheck> {
  let live: Connector;
  try {
    live = build();
  } catch (e) {
    if (e instanceof IdflowError) return { ok: false, detail: `${e.code}: ${e.message}` };
    throw e;
  }
  try {
    return await live.check(AbortSignal.timeout(seconds * 1000));
  } catch (e) {
    if (e instanceof IdflowError) return { ok: false, detail: `${e.code}: ${e.message}` };
    throw e;
  } finally {
    await live.close().catch(() => undefined);
  }
}

/** `idflow connector list|test`: the repository's `<Connector>` objects and whether each one reaches its target. */
export function registerConnector(program: Command): void {
  const connector = program
    .command('connector')
    .summary('list the connectors (LDAP, SCIM, CSV targets) and test that they work')
    .description(
      'Connectors are repository objects (<Connector name=… kind=…> with one element per setting), imported like ' +
        'workflows; resources and provisioning orders name them. Secrets are never in their settings: a setting such as ' +
        'tokenEnv names the environment variable that holds the secret, read by the process that uses the connector.',
    );

  connector
    .command('list')
    .summary('the connectors in the repository, with their kind, target and the secrets they need')
    .description(
      'One line per connector (the latest version of each): name, kind, target (URL or directory), the environment ' +
        'variables it reads secrets from and whether they are set in this shell, version and where it was imported from.',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow connector list
  idflow connector list --json`,
    )
    .action(
      action(async (options: JsonOption, command: Command) => {
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const rows = (await repo.objects.listLatest('Connector'))
            .filter((s): s is StoredObject & { model: ConnectorObject } => s.model.type === 'Connector')
            .sort((a, b) => a.name.localeCompare(b.name));
          if (options.json) {
            printJson(rows.map((s) => connectorJson(s, s.model)));
            return;
          }
          if (rows.length === 0) {
            println('no connectors; import a <Connector> object (docs/connectors/)');
            return;
          }
          printTable(rows, [
            { header: 'name', value: (s) => s.name },
            { header: 'kind', value: (s) => s.model.kind },
            { header: 'target', value: (s) => targetOf(s.model.settings) },
            { header: 'secrets', value: (s) => secretsOf(s.model.settings).map((x) => `${x.variable}${x.set ? '' : ' (unset)'}`).join(', ') },
            { header: 'version', value: (s) => `v${s.version}`, right: true },
            { header: 'source', value: (s) => `${s.sourceFile}:${s.model.location.line}` },
          ]);
        });
      }),
    );

  connector
    .command('test')
    .summary('reach a connector’s target with its settings and credentials; the exit status says whether it works')
    .description(
      'Builds the connector NAME from the repository, as a provisioning worker does (secrets from this process’s ' +
        'environment), and asks it to reach its target, authenticate and check what its settings name. Prints what was ' +
        'checked. Exit status 0 when it works, 1 when it does not (or there is no such connector).',
    )
    .argument('<name>', 'the connector’s name')
    .option('--timeout <seconds>', 'give up after this many seconds (default 30)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow connector test corp-ldap
  IDFLOW_CRM_TOKEN=… idflow connector test crm --json`,
    )
    .action(
      action(async (name: string, options: TestOptions, command: Command) => {
        const seconds = options.timeout !== undefined ? positiveInteger(options.timeout, '--timeout', 'CLI_BAD_INTERVAL') : 30;
        return withRepository(await openRequiredCliRepository(command), async (repo) => {
          const { findConnectorObject, createConnectorRegistry } = await import('../../connectors/connector-registry.js');
          const object = await findConnectorObject(repo.objects, name);
          const result = await checkConnector(() => createConnectorRegistry().create(object, process.env), seconds);
          if (options.json) printJson({ name: object.name, kind: object.kind, ok: result.ok, detail: result.detail });
          else println(`${result.ok ? 'ok' : 'FAILED'}  ${object.name} (${object.kind}): ${result.detail}`);
          return result.ok ? ExitStatus.ok : ExitStatus.failed;
        });
      }),
    );
}

import type { Command } from 'commander';
import { action } from '../action.js';
import { UsageError } from '../usage-error.js';
import { withEngine } from './run-support.js';

interface ServeOptions {
  readonly port?: string;
  readonly host?: string;
  readonly secure?: boolean;
  readonly trustProxy?: boolean;
  readonly worker: boolean;
  readonly log?: boolean;
  readonly demo?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .summary('serve the HTTP API (and run a worker) until stopped')
    .description(
      'Serves the HTTP API on HOST:PORT: REST under /api/v1, the OpenAPI document at /api/docs/json and a browsable ' +
        'reference at /api/docs, and the web console at / for people in a browser. Callers sign in with an account (POST /api/v1/session; `idflow init` creates the first ' +
        'administrator) or send an API token; each sees and does only what its profiles allow, unlike the CLI, which ' +
        'acts as a local administrator. Unless --no-worker, the same process runs a worker for asynchronous launches, ' +
        'timers and schedules. Stops on SIGTERM or SIGINT after finishing the requests in flight.',
    )
    .option('--port <n>', 'TCP port (default 8080; 0: any free port)')
    .option('--host <address>', 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)')
    .option('--secure', 'clients reach idflow over HTTPS (a TLS proxy in front): Secure cookies and HSTS')
    .option('--trust-proxy', 'take the client address from X-Forwarded-For (behind a reverse proxy)')
    .option('--no-worker', 'do not run a worker in this process (run `idflow worker` elsewhere)')
    .option('--log', 'log every request as a JSON line on stdout (credentials redacted)')
    .option('--demo', 'first create the demo organisation (hana, mona, owen, sam with documented passwords; the resources wiki and laptop, owned by owen) if missing: for trying idflow only')
    .addHelpText(
      'after',
      `
Examples:
  idflow serve
  idflow serve --demo                 the console with demo people to sign in as
  idflow serve --port 9000 --host 0.0.0.0 --secure --trust-proxy
  DATABASE_URL=postgres://idflow@db/idflow idflow serve --no-worker`,
    )
    .action(
      action(async (options: ServeOptions, command: Command) => {
        const port = options.port === undefined ? 8080 : portNumber(options.port);
        const host = options.host ?? '127.0.0.1';
        await withEngine(command, async (engine, repository) => {
          if (options.demo) {
            const { DEMO_PEOPLE, ensureDemoOrganisation } = await import('../../web/demo-organisation.js');
            const created = await ensureDemoOrganisation(repository);
            process.stderr.write(`idflow serve: demo organisation ${created.length ? `created (${created.map((p) => p.name).join(', ')})` : 'already present'}; sign in as:\n`);
            for (const p of DEMO_PEOPLE) process.stderr.write(`  ${p.name.padEnd(6)} password ${p.password.padEnd(12)} ${p.role}\n`);
          }
          // Loaded here, not at the top: registering commands must not load Fastify (start-up time).
          const { createHttpServer } = await import('../../http/server.js');
          const app = await createHttpServer({
            engine,
            repository,
            secure: Boolean(options.secure),
            trustProxy: Boolean(options.trustProxy),
            logger: Boolean(options.log),
          });
          const stop = new AbortController();
          const onSignal = (): void => stop.abort();
          process.once('SIGTERM', onSignal);
          process.once('SIGINT', onSignal);
          try {
            const address = await app.listen({ port, host });
            process.stderr.write(`idflow serve: listening on ${address} (repository ${repository.location}); API reference at ${address}/api/docs\n`);
            process.stderr.write(`idflow serve: console at ${address}/ : open it in a browser and sign in${options.demo ? ' as one of the people above' : " with an account (`idflow init` printed the administrator's password)"}\n`);
            const worker = options.worker ? engine.runWorker(stop.signal) : Promise.resolve();
            await new Promise<void>((resolve) => (stop.signal.aborted ? resolve() : stop.signal.addEventListener('abort', () => resolve(), { once: true })));
            await app.close();
            await worker;
            process.stderr.write('idflow serve: stopped\n');
          } finally {
            process.off('SIGTERM', onSignal);
            process.off('SIGINT', onSignal);
          }
        });
      }),
    );
}

/** `--port`: 1 to 65535, or 0 for any free port (the address printed says which). */
function portNumber(text: string): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new UsageError('CLI_BAD_PORT', `--port takes 0 to 65535 (0: any free port), not "${text}"`, { port: text });
  return n;
}

/**
 * Baseline 3: bpmn-engine (v25) running the equivalent BPMN processes, made durable the way an application
 * embedding it would: its state (`engine.getState()`) is saved to an SQLite file (WAL, same pragmas as idflow)
 * at every wait state and at the end, one commit per save.
 *
 * bpmn-engine gets its best case: the BPMN XML is parsed once and the serialised context is shared by every
 * engine, the service tasks are plain functions, and the user task is decided by recovering the saved state
 * (as a durable application must, the process may have restarted since) and signalling it.
 */
import Database from 'better-sqlite3';
import { Engine, type BpmnEngineOptions } from 'bpmn-engine';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = new URL('./fixtures/', import.meta.url);

export interface BpmnRun {
  readonly instances: number;
  readonly seconds: number;
  /** Average bytes of the saved state. */
  readonly stateBytes: number;
}

/** The parsed, serialised BPMN definition that engines can share. */
type SourceContext = NonNullable<BpmnEngineOptions['sourceContext']>;

async function sourceContextOf(file: string): Promise<SourceContext> {
  const source = readFileSync(new URL(file, FIXTURES), 'utf8');
  const engine = new Engine({ name: file, source });
  const [definition] = (await engine.getDefinitions()) as unknown as { context: { definitionContext: SourceContext } }[];
  if (!definition) throw new Error(`no BPMN definition in ${file}`);
  return definition.context.definitionContext;
}

function openStateDb(dir: string, name: string): Database.Database {
  const db = new Database(join(dir, name));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS bpmn_state (id TEXT PRIMARY KEY, status TEXT NOT NULL, state TEXT NOT NULL, updated_at INTEGER NOT NULL)');
  return db;
}

const services = {
  /** The work of one automatic step: bump a counter in the process output, as the idflow fixture does. */
  step(ctx: { environment: { output: Record<string, number> } }, next: (err: Error | null, result?: unknown) => void): void {
    const out = ctx.environment.output;
    out['count'] = (out['count'] ?? 0) + 1;
    next(null, out['count']);
  },
};

/** (a) Four service tasks in sequence; the state is saved once, at the end. */
export async function runBpmnFourTasks(dir: string, instances: number): Promise<BpmnRun> {
  const sourceContext = await sourceContextOf('four-tasks.bpmn');
  const db = openStateDb(dir, 'bpmn-a.db');
  const save = db.prepare('INSERT INTO bpmn_state (id, status, state, updated_at) VALUES (?, ?, ?, ?)');
  let bytes = 0;
  try {
    const start = process.hrtime.bigint();
    for (let i = 0; i < instances; i++) {
      const engine = new Engine({ name: `a${i}`, sourceContext, services });
      const ended = engine.waitFor('end');
      await engine.execute();
      await ended;
      const out = engine.environment.output as Record<string, number>;
      if (out['count'] !== 4) throw new Error(`bpmn-engine instance a${i} ran ${out['count']} steps, expected 4`);
      const state = JSON.stringify(await engine.getState());
      bytes += state.length;
      save.run(`a${i}`, 'completed', state, Date.now());
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { instances, seconds, stateBytes: bytes / instances };
  } finally {
    db.close();
  }
}

/**
 * (b) One user task: every instance is started and saved at its wait state, then every one is recovered from
 * its saved state, signalled, run to the end and saved again. Timed as a whole, like the idflow run.
 */
export async function runBpmnUserTask(dir: string, instances: number): Promise<BpmnRun> {
  const sourceContext = await sourceContextOf('one-user-task.bpmn');
  const db = openStateDb(dir, 'bpmn-b.db');
  const insert = db.prepare('INSERT INTO bpmn_state (id, status, state, updated_at) VALUES (?, ?, ?, ?)');
  const load = db.prepare<[string], { state: string }>('SELECT state FROM bpmn_state WHERE id = ?');
  const update = db.prepare('UPDATE bpmn_state SET status = ?, state = ?, updated_at = ? WHERE id = ?');
  let bytes = 0;
  try {
    const start = process.hrtime.bigint();
    for (let i = 0; i < instances; i++) {
      const engine = new Engine({ name: `b${i}`, sourceContext });
      const listener = new EventEmitter();
      const waiting = new Promise<void>((resolve) => listener.once('wait', () => resolve()));
      await engine.execute({ listener });
      await waiting;
      const state = JSON.stringify(await engine.getState());
      bytes += state.length;
      insert.run(`b${i}`, 'waiting', state, Date.now());
      await engine.stop();
    }
    for (let i = 0; i < instances; i++) {
      const row = load.get(`b${i}`);
      if (!row) throw new Error(`bpmn-engine state b${i} is missing`);
      const engine = new Engine({ name: `b${i}` }).recover(JSON.parse(row.state));
      const ended = engine.waitFor('end');
      const execution = await engine.resume({ listener: new EventEmitter() });
      const [task] = execution.getPostponed();
      if (!task || task.type !== 'bpmn:UserTask') throw new Error(`bpmn-engine instance b${i} is not waiting on its user task`);
      execution.signal({ id: task.id, decision: 'approve' });
      await ended;
      const state = JSON.stringify(await engine.getState());
      bytes += state.length;
      update.run('completed', state, Date.now(), `b${i}`);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { instances, seconds, stateBytes: bytes / (2 * instances) };
  } finally {
    db.close();
  }
}

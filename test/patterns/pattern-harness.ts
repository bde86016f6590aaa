/**
 * Shared set-up for the workflow-patterns suite: a fresh SQLite repository file in a temp dir, the pattern
 * fixtures of one dialect imported into it, an engine on a fake clock, and a `trace` service operation that
 * records which activity ran, in order. Everything is the real engine; only the clock is ours.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import type { Engine, EngineOptions, TaskInstanceView, WorkItemView } from '../../src/engine/engine-api.js';
import { openEngine } from '../../src/engine/engine.js';
import type { ServiceCall, ServiceResult } from '../../src/engine/interpreter/interpreter-types.js';
import { IdflowError } from '../../src/errors.js';
import { openRepository } from '../../src/repository/open-repository.js';

/** 2030-01-01T00:00:00Z: not today, so a time taken from `Date.now` instead of the engine clock shows. */
export const T0 = Date.UTC(2030, 0, 1);

export interface TraceEntry {
  readonly step: string;
  readonly instanceId: string;
}

export interface PatternWorld {
  readonly engine: Engine;
  /** Every `trace` call, in call order. */
  readonly trail: TraceEntry[];
  /** The steps traced by one instance, in order. */
  steps(instanceId: string): string[];
  /** The fake clock. */
  now(): number;
  advance(ms: number): void;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Netwrix: who holds which permissions (`/Custom/Workflows/...` prefixes). */
  readonly grants?: Readonly<Record<string, readonly string[]>>;
}

/** The fixture file of a pattern in one dialect. */
export function fixture(dialect: 'waveset' | 'netwrix', pattern: string): string {
  return fileURLToPath(new URL(`./${dialect}/${pattern}.xml`, import.meta.url));
}

/**
 * Opens a world with the given fixture files imported. Fails the test when a fixture does not load cleanly:
 * the patterns are written to be valid in their dialect.
 */
export async function openWorld(files: readonly string[], options: WorldOptions = {}): Promise<PatternWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'idflow-patterns-'));
  const repository = await openRepository({ db: join(dir, 'patterns.db') });
  let engine: Engine | undefined;
  try {
    const loaded = await loadDefinitionFiles(files);
    assert.deepEqual(
      loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.location.line}:${d.location.column} ${d.code} ${d.message}`),
      [],
      'the pattern fixtures load without errors',
    );
    await repository.objects.putMany(loaded.objects);

    let clock = T0;
    const trail: TraceEntry[] = [];
    const trace = (call: ServiceCall): ServiceResult => {
      trail.push({ step: String(call.args['step']), instanceId: call.instanceId });
      return {};
    };
    const grants = options.grants ?? {};
    const engineOptions: EngineOptions = {
      repository,
      clock: () => clock,
      operations: { trace },
      permissions: (person, permission) => (grants[person] ?? []).some((p) => permission === p || permission.startsWith(`${p}/`)),
    };
    engine = await openEngine(engineOptions);
    const opened = engine;
    return {
      engine: opened,
      trail,
      steps: (instanceId) => trail.filter((t) => t.instanceId === instanceId).map((t) => t.step),
      now: () => clock,
      advance: (ms) => {
        clock += ms;
      },
      async close() {
        await opened.close();
        await repository.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await engine?.close();
    await repository.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Opens a world, runs `fn` in it and always closes it. */
export async function withWorld(files: readonly string[], fn: (world: PatternWorld) => Promise<void>, options: WorldOptions = {}): Promise<void> {
  const world = await openWorld(files, options);
  try {
    await fn(world);
  } finally {
    await world.close();
  }
}

/**
 * Asserts that `promise` is refused with an idflow error carrying one of `codes` (stable error codes, see
 * docs/errors.md), not with an accident.
 */
export async function assertRefused(promise: Promise<unknown>, codes: string | readonly string[], message: string): Promise<void> {
  const expected = typeof codes === 'string' ? [codes] : codes;
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof IdflowError, `${message}: expected an IdflowError, got ${String(e)}`);
    assert.ok(expected.includes(e.code), `${message}: expected ${expected.join(' or ')}, got ${e.code}: ${e.message}`);
    return true;
  });
}

/** Runs worker rounds until one advances nothing (async launches, due timers). */
export async function drain(engine: Engine): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await engine.runWorkerOnce()).advanced === 0) return;
  }
  assert.fail('the worker still had work after 100 rounds');
}

/** Open work items of one instance, sorted by activity name so that assertions do not depend on creation order. */
export async function openItems(engine: Engine, instanceId: string): Promise<WorkItemView[]> {
  const items = await engine.listWorkItems({ instanceId, state: 'open' });
  return [...items].sort((a, b) => a.activity.localeCompare(b.activity));
}

/**
 * Every work item of an instance, whatever its state. (`listWorkItems` lists open items unless asked for a state.)
 * Sorted by activity name, then creation time.
 */
export async function allItems(engine: Engine, instanceId: string): Promise<WorkItemView[]> {
  const states: WorkItemView['state'][] = ['open', 'decided', 'cancelled', 'timeout'];
  const lists = await Promise.all(states.map((state) => engine.listWorkItems({ instanceId, state })));
  return lists.flat().sort((a, b) => a.activity.localeCompare(b.activity) || a.createdAt.localeCompare(b.createdAt));
}

/** The one open work item of an instance; fails when there is not exactly one. */
export async function onlyItem(engine: Engine, instanceId: string): Promise<WorkItemView> {
  const items = await openItems(engine, instanceId);
  assert.equal(items.length, 1, `expected one open work item, found ${items.map((i) => i.activity).join(', ') || 'none'}`);
  return items[0]!;
}

export function assertFinished(instance: TaskInstanceView, outcome = 'completed'): void {
  assert.equal(instance.state, 'finished', `instance state (waiting: ${instance.waiting}, position: ${instance.position.join(', ')})`);
  assert.equal(instance.waiting, false);
  assert.equal(instance.result?.outcome, outcome);
}

export function assertWaiting(instance: TaskInstanceView): void {
  assert.equal(instance.state, 'executing', 'a waiting instance stays executing, as in Waveset');
  assert.equal(instance.waiting, true);
}

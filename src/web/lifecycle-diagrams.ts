/**
 * The pictures of docs/lifecycle.md: each default lifecycle workflow of config/default drawn from its compiled
 * model with the console's elkjs layout (src/web/diagram.ts), one SVG file per workflow under docs/diagrams/.
 * `npm run docs:diagrams` writes them; test/docs/lifecycle-diagrams.test.ts fails when one is out of date with its
 * workflow, so a picture in the docs is always the flow that runs.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDefinitionFiles } from '../definition/load.js';
import { drawProcess } from './diagram.js';

/** The lifecycle areas and the default workflows that implement them, in the order docs/lifecycle.md shows them. */
export const LIFECYCLE_DIAGRAMS: readonly { readonly area: string; readonly type: 'Workflow' | 'TaskDefinition'; readonly name: string; readonly file: string }[] = [
  { area: 'Onboarding', type: 'Workflow', name: 'User_Onboarding', file: 'user-onboarding.svg' },
  { area: 'User modifications: name change', type: 'Workflow', name: 'User_ChangeName', file: 'user-change-name.svg' },
  { area: 'User modifications: move', type: 'Workflow', name: 'User_Move', file: 'user-move.svg' },
  { area: 'IT resource modifications', type: 'Workflow', name: 'User_ResourcesUpdate', file: 'user-resources-update.svg' },
  { area: 'Offboarding', type: 'Workflow', name: 'User_Offboarding', file: 'user-offboarding.svg' },
  // The Waveset default workflows of the same areas (docs/lifecycle.md, "Waveset").
  { area: 'Waveset onboarding', type: 'TaskDefinition', name: 'Create User', file: 'waveset-create-user.svg' },
  { area: 'Waveset user modifications: rename', type: 'TaskDefinition', name: 'Rename User', file: 'waveset-rename-user.svg' },
  { area: 'Waveset user modifications: move', type: 'TaskDefinition', name: 'Update User', file: 'waveset-update-user.svg' },
  { area: 'Waveset IT resource modifications: request', type: 'TaskDefinition', name: 'Request Resource', file: 'waveset-request-resource.svg' },
  { area: 'Waveset IT resource modifications: removal', type: 'TaskDefinition', name: 'Remove Resource', file: 'waveset-remove-resource.svg' },
  { area: 'Waveset offboarding', type: 'TaskDefinition', name: 'Delete User', file: 'waveset-delete-user.svg' },
];

/** Every picture, drawn from the `.xml` files of `configDir`: file name → SVG text (ending in a newline). */
export async function renderLifecycleDiagrams(configDir: string): Promise<Map<string, string>> {
  const files = (await readdir(configDir)).filter((f) => f.endsWith('.xml')).sort().map((f) => join(configDir, f));
  const loaded = await loadDefinitionFiles(files);
  const out = new Map<string, string>();
  for (const d of LIFECYCLE_DIAGRAMS) {
    const found = loaded.objects.find((o) => o.object.type === d.type && o.object.name === d.name)?.object;
    if (!found || !('process' in found) || !found.process) throw new Error(`${configDir} has no ${d.type} ${d.name} to draw for ${d.file}`);
    out.set(d.file, `${await drawProcess(found.process)}\n`);
  }
  return out;
}

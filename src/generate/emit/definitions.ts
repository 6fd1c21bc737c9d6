// src/generated/definitions.ts: the catalog's shared definitions, emitted once and imported by the
// message modules that use them.
import type { Catalog } from '../../model/types.js';
import type { EmitContext, PlannedFile } from '../plan.js';
import { layout } from '../layout.js';
import { declareType, sharedScope } from '../schema-types.js';

/** `typeNames`: every name src/generated/index.ts exports so far (nested types are added to it). */
export function emitDefinitions(catalog: Catalog, ctx: EmitContext, typeNames: Set<string>): PlannedFile[] {
  const names = Object.keys(catalog.definitions);
  const scope = sharedScope(ctx.refTypeName, typeNames);
  const parts: string[] = [];
  for (const name of names) {
    const declaration = declareType(name, catalog.definitions[name] ?? true, scope);
    parts.push(...scope.declarations.splice(0), declaration);
  }
  const content = parts.length === 0 ? 'export {};\n' : parts.join('\n');
  return [{ path: layout.definitions, ownership: 'generated', content }];
}

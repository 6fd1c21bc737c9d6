// One old/new pair of schemas checked under a compatibility mode: BACKWARD reads old data with the
// new schema, FORWARD reads new data with the old schema, FULL does both.

import type { CompatibilityMode } from '../model/types.js';
import { SchemaComparator, type Change } from './compare.js';
import { isTolerated, type Policy, type RuleId } from './rules.js';
import { NodeReader, type SchemaScope } from './schema-node.js';

/** Which way data flows in the check that produced a finding. */
export type Direction = 'backward' | 'forward';

export interface SchemaFinding {
  readonly rule: RuleId;
  /** backward: consumers on the new version read data written with the old one; forward: the reverse. */
  readonly direction: Direction;
  /** Tolerated under the policy the check ran with. */
  readonly compatible: boolean;
  /** JSON pointer into the old schema ('' = its root), undefined when the old schema has no such place. */
  readonly oldPath: string | undefined;
  readonly newPath: string | undefined;
  readonly oldValue?: unknown;
  readonly newValue?: unknown;
}

export function directionsOf(mode: CompatibilityMode): readonly Direction[] {
  switch (mode) {
    case 'BACKWARD':
    case 'BACKWARD_TRANSITIVE':
      return ['backward'];
    case 'FORWARD':
    case 'FORWARD_TRANSITIVE':
      return ['forward'];
    case 'FULL':
    case 'FULL_TRANSITIVE':
      return ['backward', 'forward'];
    case 'NONE':
      return [];
  }
}

export function isTransitive(mode: CompatibilityMode): boolean {
  return mode.endsWith('_TRANSITIVE');
}

/**
 * Reuses comparators (and their memo of compared pairs) across many pairs of one run: schemas
 * shared through `$ref` are then compared once.
 */
export class PairChecker {
  private readonly comparators = new Map<Policy, SchemaComparator>();
  readonly reader = new NodeReader();

  comparator(policy: Policy): SchemaComparator {
    let c = this.comparators.get(policy);
    if (!c) {
      c = new SchemaComparator(policy, this.reader);
      this.comparators.set(policy, c);
    }
    return c;
  }

  /** Every change between `oldSchema` and `newSchema`, for each direction the mode asks for. */
  check(
    oldSchema: unknown,
    oldScope: SchemaScope,
    newSchema: unknown,
    newScope: SchemaScope,
    mode: CompatibilityMode,
    policy: Policy,
  ): SchemaFinding[] {
    const cmp = this.comparator(policy);
    const findings: SchemaFinding[] = [];
    for (const direction of directionsOf(mode)) {
      const changes =
        direction === 'backward'
          ? cmp.compare(oldSchema, oldScope, newSchema, newScope)
          : cmp.compare(newSchema, newScope, oldSchema, oldScope);
      for (const c of changes) findings.push(toFinding(c, direction, policy));
    }
    return findings;
  }
}

function pointer(segments: readonly string[]): string {
  return segments.map((s) => '/' + s.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function toFinding(c: Change, direction: Direction, policy: Policy): SchemaFinding {
  // A path is only meaningful on a side where the keyword exists; an empty path on the side that
  // lacks the thing ("added"/"removed") still names the enclosing schema.
  const w = pointer(c.wPath);
  const r = pointer(c.rPath);
  const base = {
    rule: c.rule,
    direction,
    compatible: isTolerated(c.rule, policy),
    oldPath: direction === 'backward' ? w : r,
    newPath: direction === 'backward' ? r : w,
  };
  const oldValue = direction === 'backward' ? c.wValue : c.rValue;
  const newValue = direction === 'backward' ? c.rValue : c.wValue;
  return {
    ...base,
    ...(oldValue !== undefined ? { oldValue } : {}),
    ...(newValue !== undefined ? { newValue } : {}),
  };
}

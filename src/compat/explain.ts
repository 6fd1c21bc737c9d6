// One line, in plain words, saying which field changed how and which consumers that breaks:
// "v2 requires `total`, which events written with v1 do not have: consumers on v2 cannot read old events".

import { parsePointer } from '../loader/json-pointer.js';
import type { SchemaFinding } from './pair.js';
import { RULES, type Policy, type RuleId } from './rules.js';

export interface ExplainContext {
  /** e.g. `v1`, or `v2 (main)` for a baseline version. */
  readonly oldLabel: string;
  readonly newLabel: string;
  /** `events`, `commands`, `replies`, or `documents` for standalone schemas. */
  readonly noun: string;
  /** The policy of the run: a tolerated change that strict would reject says why it passes. */
  readonly policy?: Policy;
  /** Who consumes the message (services, sagas), named when something breaks. */
  readonly consumers?: readonly string[];
}

/** A readable field name for a schema path: `/properties/items/items/properties/sku` -> `items[].sku`. */
export function fieldLabel(pointer: string | undefined): string {
  const segs = pointer === undefined ? [] : (parsePointer(pointer) ?? []);
  let out = '';
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i] as string;
    const next = segs[i + 1];
    if ((s === 'properties' || s === 'patternProperties') && next !== undefined) {
      out += (out === '' ? '' : '.') + (s === 'patternProperties' ? `<${next}>` : next);
      i++;
    } else if ((s === 'prefixItems' || s === 'items') && next !== undefined && /^\d+$/.test(next)) {
      out += `[${next}]`;
      i++;
    } else if (s === 'items' || s === 'additionalItems' || s === 'unevaluatedItems') {
      out += '[]';
    } else if (s === 'additionalProperties' || s === 'unevaluatedProperties') {
      out += (out === '' ? '' : '.') + '*';
    } else if ((s === 'oneOf' || s === 'anyOf' || s === 'allOf') && next !== undefined) {
      out += `(${s}[${next}])`;
      i++;
    }
  }
  return out === '' ? 'the payload' : '`' + out + '`';
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** Plain-language explanation of one finding. */
export function explain(f: SchemaFinding, ctx: ExplainContext): string {
  const backward = f.direction === 'backward';
  const R = backward ? ctx.newLabel : ctx.oldLabel; // the version that reads
  const W = backward ? ctx.oldLabel : ctx.newLabel; // the version that wrote
  const wv = backward ? f.oldValue : f.newValue;
  const rv = backward ? f.newValue : f.oldValue;
  const field = fieldLabel(backward ? (f.newPath || f.oldPath) : (f.oldPath || f.newPath));
  const n = ctx.noun;
  const fact = describe(f.rule, { R, W, wv, rv, field, n });
  const who = ctx.consumers && ctx.consumers.length > 0 ? ` (${ctx.consumers.join(', ')})` : '';
  const verdict = f.compatible
    ? `consumers on ${R} still read ${n} written with ${W}${whyTolerated(f.rule, ctx.policy)}`
    : backward
      ? `consumers on ${R}${who} cannot read old ${n} written with ${W}`
      : `consumers still on ${R}${who} cannot read new ${n} written with ${W}`;
  return `${fact}: ${verdict}`;
}

/** Why a change strict would reject passes under the run's policy ('' when strict tolerates it too). */
function whyTolerated(rule: RuleId, policy: Policy | undefined): string {
  const info = RULES[rule];
  if (policy === undefined || policy === 'strict' || info.strict) return '';
  if (policy === 'instance') return ' (tolerated by the instance policy: edasaga producers never write undeclared properties)';
  return info.instance
    ? " (tolerated by the lenient policy, as by Confluent's LENIENT: producers are assumed never to write undeclared properties)"
    : " (tolerated by the lenient policy, as by Confluent's LENIENT; a consumer that validates with this schema rejects such data: --policy instance reports it)";
}

interface Words {
  readonly R: string;
  readonly W: string;
  readonly wv: unknown;
  readonly rv: unknown;
  readonly field: string;
  readonly n: string;
}

function describe(rule: RuleId, x: Words): string {
  const { R, W, wv, rv, field, n } = x;
  switch (rule) {
    case 'REQUIRED_PROPERTY_ADDED':
      return `${R} requires ${field}, which ${n} written with ${W} do not have`;
    case 'PROPERTY_MADE_REQUIRED':
      return `${R} requires ${field}, which is optional in ${W}`;
    case 'PROPERTY_MADE_REQUIRED_WITH_DEFAULT':
    case 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED':
      return `${R} requires ${field} but gives it a default, so ${n} from ${W} without it are filled in`;
    case 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_MODEL':
      return `${R} requires ${field} (with a default), and ${W} is open, so its ${n} may carry an undeclared ${field} of another type`;
    case 'PROPERTY_MADE_OPTIONAL':
      return `${field} is required in ${W} and optional in ${R}`;
    case 'OPTIONAL_PROPERTY_ADDED':
      return `${R} adds optional ${field}; ${W} is closed, so its ${n} never carry it`;
    case 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_MODEL':
      return `${R} declares ${field}, but ${W} is open (no additionalProperties: false), so its ${n} may carry an undeclared ${field} of another type`;
    case 'UNCONSTRAINED_PROPERTY_ADDED':
      return `${R} declares ${field} with an empty schema`;
    case 'PROPERTY_ADDED_COVERED':
      return `${R} declares ${field}, which ${W} already accepted through patternProperties/additionalProperties`;
    case 'PROPERTY_ADDED_NOT_COVERED':
      return `${R} declares ${field} with a schema that ${W}'s patternProperties/additionalProperties did not imply`;
    case 'PROPERTY_REMOVED':
      return `${R} no longer declares ${field} but stays open, so the field is still accepted`;
    case 'PROPERTY_REMOVED_COVERED':
      return `${R} no longer declares ${field}; its patternProperties/additionalProperties still accept it`;
    case 'PROPERTY_REMOVED_NOT_COVERED':
      return `${R} no longer declares ${field} and its patternProperties/additionalProperties reject some values ${W} allowed`;
    case 'FORBIDDEN_PROPERTY_REMOVED':
      return `${field} was forbidden (false) in ${W} and is no longer mentioned in the closed ${R}`;
    case 'PROPERTY_REMOVED_FROM_CLOSED_MODEL':
      return `${R} does not declare ${field} and forbids additional properties, but ${n} written with ${W} may carry ${field}`;
    case 'UNDECLARED_PROPERTY_REQUIRED':
      return `${R} lists ${show(rv)} in required without declaring it in properties (Confluent ignores this; declare it)`;
    case 'TYPE_CHANGED':
      return `${field} is ${show(wv)} in ${W} but ${show(rv)} in ${R}`;
    case 'TYPE_WIDENED':
      return `${field} widens from integer in ${W} to number in ${R}`;
    case 'TYPE_NARROWED':
      return `${field} narrows from number in ${W} to integer in ${R}, rejecting fractional values`;
    case 'TYPE_ADDED':
      return `${field} also accepts ${show(rv)} in ${R}`;
    case 'TYPE_REMOVED':
      return `${field} no longer accepts ${show(wv)} in ${R}, but ${W} allows it`;
    case 'ENUM_VALUE_REMOVED':
      return `${field} no longer allows ${show(wv)} in ${R}, which ${W} allows`;
    case 'ENUM_VALUE_ADDED':
      return `${field} allows the new value ${show(rv)} in ${R}`;
    case 'ENUM_ADDED':
      return `${field} is restricted to ${show(rv)} in ${R} but free in ${W}`;
    case 'ENUM_REMOVED':
      return `${field} is no longer restricted to ${show(wv)}`;
    case 'CONST_CHANGED':
      return `${field} must be ${show(rv)} in ${R} but is ${show(wv)} in ${W}`;
    case 'CONST_ADDED':
      return `${field} must be ${show(rv)} in ${R} but is free in ${W}`;
    case 'CONST_REMOVED':
      return `${field} is no longer pinned to ${show(wv)}`;
    case 'ITEMS_SCHEMA_ADDED':
      return `${R} constrains the elements of ${field}, which were free in ${W}`;
    case 'UNION_NARROWED':
    case 'BRANCHES_UNMATCHED':
      return `the ${show(wv)} alternative of ${field} in ${W} has no compatible alternative in ${R}`;
    case 'UNION_EXTENDED':
      return `${field} accepts more alternatives in ${R} than in ${W}`;
    case 'ALLOF_EXTENDED':
      return `${field} gains an allOf constraint in ${R} (${show(rv)}) that ${W} did not have`;
    case 'COMBINATOR_CHANGED':
      return `${field} changes from ${show(wv)} in ${W} to ${show(rv)} in ${R}`;
    case 'NOT_WIDENED':
      return `the "not" of ${field} excludes more values in ${R} than in ${W}`;
    case 'NOT_ADDED':
      return `${field} excludes values in ${R} (not: ${show(rv)}) that ${W} allows`;
    case 'ADDITIONAL_PROPERTIES_FORBIDDEN':
    case 'UNEVALUATED_PROPERTIES_FORBIDDEN':
      return `${R} forbids properties it does not declare in ${field === 'the payload' ? 'the payload' : field}, which ${W} allowed`;
    case 'ADDITIONAL_PROPERTIES_NARROWED':
    case 'UNEVALUATED_PROPERTIES_NARROWED':
      return `${R} constrains undeclared properties of ${field} to ${show(rv)}, which ${W} left free`;
    case 'ITEM_REMOVED_FROM_CLOSED_MODEL':
      return `${R} drops tuple position ${field} and forbids extra items, but ${n} written with ${W} may have it`;
    case 'ITEM_ADDED_TO_OPEN_MODEL':
      return `${R} constrains tuple position ${field}, where ${W} allowed anything`;
    case 'PUBLISHED_VERSION_EDITED':
      return `${R} was edited after it was published in ${W}`;
    default: {
      const what = RULES[rule].summary.replace(/\.$/, '');
      const values = wv !== undefined || rv !== undefined ? ` (${show(wv)} in ${W}, ${show(rv)} in ${R})` : '';
      return `${field}: ${what.charAt(0).toLowerCase()}${what.slice(1)}${values}`;
    }
  }
}

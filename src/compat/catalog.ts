// Compatibility checks over a whole catalog: every message's versions pairwise by its mode, and,
// given a baseline (another revision of the same catalog), immutability of published versions,
// removed messages/versions that are still consumed, and changed topics or ordering keys.

import { closest } from '../schema/suggest.js';
import { canonical, jsonEqual } from './canonical.js';
import { ResolvedEquality } from './same-resolved.js';
import { explain, type ExplainContext } from './explain.js';
import { directionsOf, isTransitive, PairChecker, type Direction, type SchemaFinding } from './pair.js';
import { RULES, type Policy, type RuleId } from './rules.js';
import type { SchemaRefResolver, SchemaScope } from './schema-node.js';
import type { AcceptedBreak, CompatibilityMode, Message, MessageVersion, Project, SourceLocation } from '../model/types.js';

export type FindingSeverity = 'error' | 'warning' | 'note';

/** One finding, located and explained, ready for any output format. */
export interface CompatFinding {
  readonly rule: RuleId;
  readonly severity: FindingSeverity;
  /** Message name; absent for standalone schema files. */
  readonly message?: string;
  readonly fromVersion?: number;
  readonly toVersion?: number;
  /** `v1 → v2`, with the baseline named when one side comes from it. */
  readonly pair: string;
  readonly direction?: Direction;
  /** JSON pointer inside the payload schema the finding is about ('' = root). */
  readonly path: string;
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly explanation: string;
  readonly oldValue?: unknown;
  readonly newValue?: unknown;
  /** Who consumes the message (subscribing services, sagas): who a break would hit. */
  readonly consumers?: readonly string[];
  /** Set when an `acceptedBreaks` entry accepts this finding (it is then a warning). */
  readonly accepted?: { readonly reason: string; readonly loc: SourceLocation };
}

export interface CompatReport {
  readonly compatible: boolean;
  readonly policy: Policy;
  readonly findings: readonly CompatFinding[];
  /** Number of schema pairs compared. */
  readonly pairs: number;
  /** Free-form notes for the summary (e.g. "the catalog did not exist at main"). */
  readonly notes: readonly string[];
}

export interface Locator {
  locate(file: string, pointer: string): SourceLocation | undefined;
}

export interface CatalogSide {
  readonly project: Project;
  readonly resolver: SchemaRefResolver;
  readonly sources: Locator;
  /** How versions of this side are named in output: undefined for the working catalog, e.g. `main`. */
  readonly label?: string;
}

export interface CatalogCheckOptions {
  readonly policy: Policy;
  /** Check every message with this mode instead of its own. */
  readonly mode?: CompatibilityMode;
  /** Keep tolerated changes in the report (as notes). */
  readonly includeCompatible?: boolean;
  readonly checker?: PairChecker;
}

const NOUN: Record<Message['kind'], string> = { event: 'events', command: 'commands', reply: 'replies' };

export function finalize(findings: CompatFinding[], policy: Policy, pairs: number, notes: string[] = []): CompatReport {
  return { compatible: findings.every((f) => f.severity !== 'error'), policy, findings, pairs, notes };
}

/** Every message's versions checked pairwise according to its compatibility mode. */
export function checkCatalogVersions(side: CatalogSide, options: CatalogCheckOptions): { findings: CompatFinding[]; pairs: number } {
  const checker = options.checker ?? new PairChecker();
  const scope: SchemaScope = { file: side.project.catalog.file, resolver: side.resolver };
  const findings: CompatFinding[] = [];
  let pairs = 0;
  for (const message of side.project.catalog.messages) {
    const mode = options.mode ?? message.compatibility;
    if (directionsOf(mode).length === 0) continue;
    let consumers: string[] | undefined;
    const versions = message.versions;
    for (let i = 1; i < versions.length; i++) {
      const to = versions[i] as MessageVersion;
      const froms = isTransitive(mode) ? versions.slice(0, i) : [versions[i - 1] as MessageVersion];
      for (const from of froms) {
        pairs++;
        const raw = checker.check(from.payload, scope, to.payload, scope, mode, options.policy);
        for (const f of raw) {
          // Tolerated changes are most of what a catalog has; only pay for locating the shown ones.
          if (f.compatible && !options.includeCompatible) continue;
          const located = locateFinding(f, to, side);
          consumers ??= consumersOf(side.project, message.name);
          const finding = toCompatFinding(f, message, from.version, to.version, located, options.policy, {
            oldLabel: `v${from.version}`,
            newLabel: `v${to.version}`,
          }, consumers);
          if (finding.severity === 'note' && !options.includeCompatible) continue;
          findings.push(finding);
        }
      }
    }
  }
  return { findings, pairs };
}

/** The more specific of the two paths: a thing that exists on one side only is named by that side. */
export function findingPath(f: SchemaFinding): string {
  const n = f.newPath ?? '';
  const o = f.oldPath ?? '';
  return n.length >= o.length ? n : o;
}

function locateFinding(f: SchemaFinding, to: MessageVersion, side: CatalogSide): SourceLocation {
  // Point into the new version: at the path, or its nearest ancestor that exists there.
  return side.sources.locate(side.project.catalog.file, to.pointer + findingPath(f)) ?? to.loc;
}

function toCompatFinding(
  f: SchemaFinding,
  message: Message,
  fromVersion: number,
  toVersion: number,
  loc: SourceLocation,
  policy: Policy,
  labels: { oldLabel: string; newLabel: string },
  consumers: readonly string[],
): CompatFinding {
  const ctx: ExplainContext = { ...labels, noun: NOUN[message.kind], policy };
  const accepted = f.compatible ? undefined : acceptance(message.acceptedBreaks, f.rule, (v) => v > fromVersion && v <= toVersion);
  return {
    rule: f.rule,
    severity: f.compatible ? 'note' : accepted ? 'warning' : 'error',
    message: message.name,
    fromVersion,
    toVersion,
    pair: `${labels.oldLabel} → ${labels.newLabel}`,
    direction: f.direction,
    path: findingPath(f),
    file: loc.file,
    line: loc.line,
    col: loc.col,
    explanation: explain(f, consumers.length > 0 ? { ...ctx, consumers } : ctx),
    ...(f.oldValue !== undefined ? { oldValue: f.oldValue } : {}),
    ...(f.newValue !== undefined ? { newValue: f.newValue } : {}),
    ...(consumers.length > 0 ? { consumers } : {}),
    ...(accepted ? { accepted: { reason: accepted.reason, loc: accepted.loc } } : {}),
  };
}

function acceptance(breaks: readonly AcceptedBreak[], rule: RuleId, versionOk: (v: number) => boolean): AcceptedBreak | undefined {
  return breaks.find((b) => (b.rule === rule || b.rule === '*') && versionOk(b.version));
}

/** `acceptedBreaks` entries whose rule id does not exist: a typo would otherwise never match. */
export function checkAcceptedBreakRules(project: Project): CompatFinding[] {
  const out: CompatFinding[] = [];
  const ids = Object.keys(RULES);
  for (const m of project.catalog.messages) {
    for (const b of m.acceptedBreaks) {
      if (b.rule === '*' || b.rule in RULES) continue;
      const guess = closest(b.rule, ids);
      out.push({
        rule: 'ACCEPTED_BREAK_UNKNOWN_RULE',
        severity: 'warning',
        message: m.name,
        pair: `v${b.version}`,
        path: '',
        file: b.loc.file,
        line: b.loc.line,
        col: b.loc.col,
        explanation: `acceptedBreaks of ${m.name} names rule "${b.rule}", which does not exist, so it accepts nothing${guess ? `: did you mean "${guess}"?` : ''} (rules: docs/compat-rules.md)`,
      });
    }
  }
  return out;
}

// ------------------------------------------------------------------ against a baseline

/**
 * Services and sagas that consume a message in a project: subscribing services; for a command,
 * the service that handles it (and the participant of a saga step that sends it); a saga for the
 * event that starts it and the replies its steps wait for. (A saga's onCompleted/onCompensated
 * events are what it emits, not what it consumes.)
 */
export function consumersOf(project: Project, message: string): string[] {
  const out = new Set<string>();
  const m = project.catalog.messages.find((x) => x.name === message);
  if (m?.kind === 'command') out.add(`service ${m.service}`);
  for (const s of project.catalog.subscriptions) if (s.message === message) out.add(`service ${s.service}`);
  for (const saga of project.sagas) {
    if (saga.startedBy === message) out.add(`saga ${saga.name}`);
    for (const st of saga.steps) {
      if (st.command === message || st.compensation?.command === message) out.add(`service ${st.participant}`);
      if (st.onSuccess === message || st.onFailure.includes(message) || st.compensation?.reply === message) out.add(`saga ${saga.name}`);
    }
  }
  return [...out];
}

const EDITABLE = new Set(['description', 'title', 'examples', '$comment']);
/** Keywords whose value maps names (not keywords) to schemas: a property may be called `title`. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'dependencies']);

/** A payload schema with descriptions, titles and examples removed, for the immutability check. */
function withoutProse(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutProse);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (EDITABLE.has(k) && (typeof v === 'string' || k === 'examples')) continue;
    if (NAME_MAPS.has(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, withoutProse(sub)]));
    } else if (k === 'enum' || k === 'const' || k === 'default' || k === 'required') {
      out[k] = v; // data, not schema
    } else out[k] = withoutProse(v);
  }
  return out;
}

export function checkAgainstBaseline(
  baseline: CatalogSide & { readonly label: string },
  current: CatalogSide,
  options: CatalogCheckOptions,
): { findings: CompatFinding[]; pairs: number } {
  const checker = options.checker ?? new PairChecker();
  const resolvedEquality = new ResolvedEquality();
  const findings: CompatFinding[] = [];
  let pairs = 0;
  const base = baseline.label;
  const curFile = current.project.catalog.file;
  const curMessages = new Map(current.project.catalog.messages.map((m) => [m.name, m]));
  const catalogLoc = current.sources.locate(curFile, '/messages') ?? { file: curFile, line: 1, col: 1 };

  for (const old of baseline.project.catalog.messages) {
    const now = curMessages.get(old.name);
    const noun = NOUN[old.kind];
    if (!now) {
      // Consumers recorded in the baseline that still exist now may still be deployed, listening.
      const services = new Set(current.project.catalog.services.map((s) => s.name));
      const sagas = new Set(current.project.sagas.map((s) => s.name));
      const still = consumersOf(baseline.project, old.name).filter((c) =>
        c.startsWith('service ') ? services.has(c.slice(8)) : sagas.has(c.slice(5)),
      );
      if (still.length > 0) {
        findings.push({
          rule: 'MESSAGE_REMOVED',
          severity: 'error',
          message: old.name,
          pair: `${base} → working tree`,
          path: '',
          ...catalogLoc,
          explanation: `${old.name} exists in ${base} and is consumed there by ${still.join(', ')}, which still exist: removing it leaves them without the ${noun} they expect (remove the consumers first, in an earlier change)`,
        });
      }
      continue;
    }
    const latest = now.versions[now.versions.length - 1]?.version ?? 0;
    const acceptLatest = (rule: RuleId): AcceptedBreak | undefined => acceptance(now.acceptedBreaks, rule, (v) => v === latest);
    const at = (segments: string): SourceLocation => current.sources.locate(curFile, `/messages/${escape(now.name)}${segments}`) ?? now.loc;

    if (old.topic !== now.topic) {
      findings.push(
        catalogFinding('TOPIC_CHANGED', now, at('/topic'), base, acceptLatest('TOPIC_CHANGED'), {
          explanation: `${now.name} moves from topic "${old.topic}" (${base}) to "${now.topic}": consumers subscribed to "${old.topic}" stop receiving it`,
          oldValue: old.topic,
          newValue: now.topic,
        }),
      );
    }
    if (old.key !== now.key) {
      findings.push(
        catalogFinding('KEY_CHANGED', now, at('/key'), base, acceptLatest('KEY_CHANGED'), {
          explanation: `${now.name} is ordered and partitioned by "${now.key}" instead of "${old.key}" (${base}): events of one ${old.key} may now be consumed out of order`,
          oldValue: old.key,
          newValue: now.key,
        }),
      );
    }

    if (!modeImplies(now.compatibility, old.compatibility)) {
      const loc = at('/compatibility');
      findings.push({
        rule: 'COMPATIBILITY_WEAKENED',
        severity: 'warning',
        message: now.name,
        pair: `${base} → working tree`,
        path: '',
        file: loc.file,
        line: loc.line,
        col: loc.col,
        explanation: `${now.name} is checked ${now.compatibility} now but ${old.compatibility} in ${base}: consumers that relied on the ${old.compatibility} guarantee are no longer protected by it`,
        oldValue: old.compatibility,
        newValue: now.compatibility,
      });
    }

    const nowVersions = new Map(now.versions.map((v) => [v.version, v]));
    const consumers = consumersOf(current.project, now.name);
    for (const ov of old.versions) {
      const nv = nowVersions.get(ov.version);
      if (!nv) {
        if (consumers.length > 0) {
          findings.push(
            catalogFinding('VERSION_REMOVED', now, at('/versions'), base, acceptLatest('VERSION_REMOVED'), {
              explanation: `v${ov.version} of ${now.name} exists in ${base} but was removed while ${now.name} is still consumed (by ${consumers.join(', ')}): ${noun} written with v${ov.version} can no longer be decoded`,
            }),
          );
        }
        continue;
      }
      // Published versions are immutable: prose may change, what is valid may not.
      pairs++;
      const oldScope: SchemaScope = { file: baseline.project.catalog.file, resolver: baseline.resolver };
      const newScope: SchemaScope = { file: curFile, resolver: current.resolver };
      // The common case, an untouched version, is settled without interpreting any schema.
      const eq = jsonEqual(ov.payload, nv.payload);
      if (eq === 1 || (eq === 2 && resolvedEquality.same(ov.payload, oldScope, nv.payload, newScope))) continue;
      const textChanged = eq === 0 && canonical(withoutProse(ov.payload)) !== canonical(withoutProse(nv.payload));
      const raw = checker.check(ov.payload, oldScope, nv.payload, newScope, 'FULL', 'strict');
      const structural = raw.filter((f) => RULES[f.rule].family !== 'annotation');
      if (!textChanged && structural.length === 0) continue;
      // Name the edit as it reads from old to new (the backward view), breaking changes first.
      const first =
        structural.find((f) => f.direction === 'backward' && !f.compatible) ?? structural.find((f) => f.direction === 'backward') ?? structural[0];
      const detail = first
        ? `: ${first.rule} at ${first.newPath || first.oldPath || '/'}${structural.length > 1 ? ` (+${structural.length - 1} more)` : ''}`
        : '';
      const loc = (first?.newPath !== undefined && current.sources.locate(curFile, nv.pointer + first.newPath)) || nv.loc;
      findings.push(
        catalogFinding('PUBLISHED_VERSION_EDITED', now, loc, base, acceptance(now.acceptedBreaks, 'PUBLISHED_VERSION_EDITED', (v) => v === ov.version), {
          explanation: `v${ov.version} of ${now.name} was published in ${base} and has been edited${detail}: consumers and stored ${noun} already rely on it; publish the change as v${latest + 1} instead`,
          fromVersion: ov.version,
          toVersion: nv.version,
          path: first ? (first.newPath ?? first.oldPath ?? '') : '',
        }),
      );
    }
  }
  return { findings, pairs };
}

/** Whether checking with `a` guarantees everything checking with `b` did. */
function modeImplies(a: CompatibilityMode, b: CompatibilityMode): boolean {
  const da = directionsOf(a);
  return directionsOf(b).every((d) => da.includes(d)) && (isTransitive(a) || !isTransitive(b) || directionsOf(b).length === 0);
}

function escape(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function catalogFinding(
  rule: RuleId,
  message: Message,
  loc: SourceLocation,
  base: string,
  accepted: AcceptedBreak | undefined,
  extra: { explanation: string; oldValue?: unknown; newValue?: unknown; fromVersion?: number; toVersion?: number; path?: string },
): CompatFinding {
  return {
    rule,
    severity: accepted ? 'warning' : 'error',
    message: message.name,
    pair: extra.fromVersion !== undefined ? `v${extra.fromVersion} (${base}) → v${extra.toVersion}` : `${base} → working tree`,
    path: extra.path ?? '',
    file: loc.file,
    line: loc.line,
    col: loc.col,
    explanation: extra.explanation,
    ...(extra.fromVersion !== undefined ? { fromVersion: extra.fromVersion } : {}),
    ...(extra.toVersion !== undefined ? { toVersion: extra.toVersion } : {}),
    ...(extra.oldValue !== undefined ? { oldValue: extra.oldValue } : {}),
    ...(extra.newValue !== undefined ? { newValue: extra.newValue } : {}),
    ...(accepted ? { accepted: { reason: accepted.reason, loc: accepted.loc } } : {}),
  };
}

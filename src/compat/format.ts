// Renders a compatibility report: text for people, JSON for tools, GitHub workflow-command
// annotations, and SARIF 2.1.0 for code scanning.

import { relative, isAbsolute, sep } from 'node:path';
import type { CompatFinding, CompatReport } from './catalog.js';
import { RULES } from './rules.js';

export const COMPAT_FORMATS = ['text', 'json', 'github', 'sarif'] as const;
export type CompatFormat = (typeof COMPAT_FORMATS)[number];

function display(file: string | undefined, cwd: string): string | undefined {
  if (file === undefined) return undefined;
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function where(f: CompatFinding, cwd: string): string {
  const file = display(f.file, cwd);
  if (!file) return 'check-compat';
  return `${file}:${f.line ?? 1}:${f.col ?? 1}`;
}

function context(f: CompatFinding): string {
  const subject = f.message ? `${f.message} ${f.pair}` : f.pair;
  const dir = f.direction === 'forward' ? ', forward' : '';
  return `(${subject}${dir}, ${f.path === '' ? '/' : f.path})`;
}

export function summary(report: CompatReport): string {
  const errors = report.findings.filter((f) => f.severity === 'error');
  const accepted = report.findings.filter((f) => f.accepted !== undefined);
  const warnings = report.findings.filter((f) => f.severity === 'warning' && f.accepted === undefined);
  const messages = new Set(errors.map((f) => f.message ?? ''));
  const head = errors.length === 0 ? 'compatible' : `${errors.length} incompatible change${errors.length === 1 ? '' : 's'}${messages.size > 0 && [...messages][0] !== '' ? ` in ${messages.size} message${messages.size === 1 ? '' : 's'}` : ''}`;
  const parts = [`${report.pairs} schema pair${report.pairs === 1 ? '' : 's'} checked`, `policy ${report.policy}`];
  if (accepted.length > 0) parts.push(`${accepted.length} accepted break${accepted.length === 1 ? '' : 's'}`);
  if (warnings.length > 0) parts.push(`${warnings.length} warning${warnings.length === 1 ? '' : 's'}`);
  return `check-compat: ${head} (${parts.join(', ')})${report.notes.length > 0 ? '; ' + report.notes.join('; ') : ''}`;
}

export function renderText(report: CompatReport, cwd = process.cwd()): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const tag = f.severity === 'error' ? '' : f.accepted ? ' [accepted]' : f.severity === 'warning' ? ' [warning]' : ' [compatible]';
    lines.push(`${where(f, cwd)}: ${f.rule}${tag} ${f.explanation} ${context(f)}`);
    if (f.accepted) {
      const at = display(f.accepted.loc.file, cwd);
      lines.push(`    accepted at ${at}:${f.accepted.loc.line}:${f.accepted.loc.col}: ${f.accepted.reason}`);
    }
  }
  lines.push(summary(report));
  return lines.join('\n') + '\n';
}

export function renderJson(report: CompatReport, cwd = process.cwd()): string {
  const findings = report.findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    ...(f.message !== undefined ? { message: f.message } : {}),
    ...(f.fromVersion !== undefined ? { fromVersion: f.fromVersion } : {}),
    ...(f.toVersion !== undefined ? { toVersion: f.toVersion } : {}),
    pair: f.pair,
    ...(f.direction ? { direction: f.direction } : {}),
    path: f.path,
    ...(f.file !== undefined ? { file: display(f.file, cwd) } : {}),
    ...(f.line !== undefined ? { line: f.line } : {}),
    ...(f.col !== undefined ? { column: f.col } : {}),
    explanation: f.explanation,
    ...(f.oldValue !== undefined ? { oldValue: f.oldValue } : {}),
    ...(f.newValue !== undefined ? { newValue: f.newValue } : {}),
    ...(f.consumers ? { consumers: f.consumers } : {}),
    ...(f.accepted
      ? { accepted: { reason: f.accepted.reason, file: display(f.accepted.loc.file, cwd), line: f.accepted.loc.line, column: f.accepted.loc.col } }
      : {}),
  }));
  return JSON.stringify({ compatible: report.compatible, policy: report.policy, pairs: report.pairs, findings, summary: summary(report) }, null, 2) + '\n';
}

// GitHub workflow commands: data escapes %, CR, LF; property values also `:` and `,`.
function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function ghProp(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderGithub(report: CompatReport, cwd = process.cwd()): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const level = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
    const props: string[] = [];
    const file = display(f.file, cwd);
    if (file) props.push(`file=${ghProp(file.split(sep).join('/'))}`);
    if (f.line !== undefined) props.push(`line=${f.line}`);
    if (f.col !== undefined) props.push(`col=${f.col}`);
    props.push(`title=${ghProp(f.rule + (f.message ? ` ${f.message} ${f.pair}` : ''))}`);
    const accepted = f.accepted ? ` Accepted: ${f.accepted.reason}` : '';
    lines.push(`::${level} ${props.join(',')}::${ghData(`${f.explanation} ${context(f)}${accepted}`)}`);
  }
  lines.push(summary(report));
  return lines.join('\n') + '\n';
}

export function renderSarif(report: CompatReport, cwd = process.cwd()): string {
  const used = [...new Set(report.findings.map((f) => f.rule))].sort();
  const ruleIndex = new Map(used.map((r, i) => [r, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'edasaga check-compat',
            rules: used.map((id) => ({
              id,
              name: id,
              shortDescription: { text: RULES[id].summary },
              help: { text: `See docs/compat-rules.md, rule ${id}.` },
              defaultConfiguration: { level: RULES[id].strict || RULES[id].lenient || RULES[id].instance ? 'note' : 'error' },
            })),
          },
        },
        results: report.findings.map((f) => {
          const file = display(f.file, cwd);
          return {
            ruleId: f.rule,
            ruleIndex: ruleIndex.get(f.rule),
            level: f.severity,
            message: { text: `${f.explanation} ${context(f)}` },
            ...(file
              ? {
                  locations: [
                    {
                      physicalLocation: {
                        artifactLocation: { uri: file.split(sep).join('/') },
                        region: { startLine: f.line ?? 1, startColumn: f.col ?? 1 },
                      },
                    },
                  ],
                }
              : {}),
            ...(f.accepted ? { suppressions: [{ kind: 'inSource', justification: f.accepted.reason }] } : {}),
            properties: {
              ...(f.message ? { message: f.message } : {}),
              ...(f.fromVersion !== undefined ? { fromVersion: f.fromVersion } : {}),
              ...(f.toVersion !== undefined ? { toVersion: f.toVersion } : {}),
              ...(f.direction ? { direction: f.direction } : {}),
              path: f.path,
            },
          };
        }),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

export function renderReport(report: CompatReport, format: CompatFormat, cwd = process.cwd()): string {
  switch (format) {
    case 'json':
      return renderJson(report, cwd);
    case 'github':
      return renderGithub(report, cwd);
    case 'sarif':
      return renderSarif(report, cwd);
    default:
      return renderText(report, cwd);
  }
}

/** Invalid input (exit 2) in the formats the foundation renderer does not know. */
export function renderInputErrors(
  diagnostics: readonly { code: string; severity: string; message: string; file?: string; line?: number; col?: number; hint?: string }[],
  format: 'github' | 'sarif',
  cwd = process.cwd(),
): string {
  if (format === 'github') {
    return (
      diagnostics
        .map((d) => {
          const props: string[] = [];
          const file = display(d.file, cwd);
          if (file) props.push(`file=${ghProp(file.split(sep).join('/'))}`);
          if (d.line !== undefined) props.push(`line=${d.line}`);
          if (d.col !== undefined) props.push(`col=${d.col}`);
          props.push(`title=${ghProp(d.code)}`);
          return `::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${ghData(d.message + (d.hint ? ` (${d.hint})` : ''))}`;
        })
        .join('\n') + '\n'
    );
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'edasaga check-compat', rules: [] as unknown[] } },
        invocations: [{ executionSuccessful: false }],
        results: diagnostics.map((d) => {
          const file = display(d.file, cwd);
          return {
            ruleId: d.code,
            level: d.severity === 'error' ? 'error' : 'warning',
            message: { text: d.message + (d.hint ? ` (${d.hint})` : '') },
            ...(file
              ? { locations: [{ physicalLocation: { artifactLocation: { uri: file.split(sep).join('/') }, region: { startLine: d.line ?? 1, startColumn: d.col ?? 1 } } }] }
              : {}),
          };
        }),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

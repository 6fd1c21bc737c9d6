// src/generated/upcasters/<message>.ts: one function per pair of consecutive versions. Mechanical
// steps are generated; the others call a hook in src/upcasters/<message>.ts, a user-owned file
// created once (and extended with a stub when a later version needs another hook).
import type { Message } from '../../model/types.js';
import type { EmitContext, PlannedFile } from '../plan.js';
import { layout } from '../layout.js';
import { jsDoc, pathSegment, propertyKey, propertyAccess } from '../names.js';
import { upcastSteps, type UpcastStep } from '../upcast-analysis.js';
import { versionTypeName } from './messages.js';

function hookName(step: UpcastStep): string {
  return `v${step.from}ToV${step.to}`;
}

function hookMember(message: Message, step: UpcastStep & { mechanical: false }): string {
  const from = versionTypeName(message, step.from);
  const to = versionTypeName(message, step.to);
  return `${jsDoc([
    `${message.name} v${step.from} -> v${step.to}: not mechanical, so edasaga cannot write it:`,
    ...step.reasons.map((r) => `- ${r}`),
    `Return the v${step.to} payload that this v${step.from} payload means.`,
  ], '  ')}  ${hookName(step)}(data: ${from}): ${to} {
    void data;
    throw new Error('${message.name} upcaster v${step.from} -> v${step.to} is not written yet: fill it in, in ${layout.userUpcaster(message.name)}');
  },
`;
}

export function emitUpcasters(message: Message, _ctx: EmitContext): PlannedFile[] {
  const steps = upcastSteps(message);
  if (steps.length === 0) return [];
  const name = message.name;
  const types = new Set<string>();
  const hooks = steps.filter((s): s is UpcastStep & { mechanical: false } => !s.mechanical);
  const container = `${name}Upcasters`;
  const functions = steps.map((step) => {
    const from = versionTypeName(message, step.from);
    const to = versionTypeName(message, step.to);
    types.add(from).add(to);
    const signature = `export function upcast${name}V${step.from}ToV${step.to}(data: ${from}): ${to}`;
    if (!step.mechanical) {
      return `${jsDoc([`Written by hand in ${layout.userUpcaster(name)}: ${step.reasons.join('; ')}.`])}${signature} {\n  return ${container}.${hookName(step)}(data);\n}\n`;
    }
    const fields = step.assignments.map((a) =>
      a.keepExisting ? `${propertyKey(a.property)}: ${propertyAccess('data', a.property)} ?? ${a.value}` : `${propertyKey(a.property)}: ${a.value}`,
    );
    const value = fields.length === 0 ? '{ ...data }' : `{ ...data, ${fields.join(', ')} }`;
    return `${jsDoc([`Generated: the change is mechanical (${step.summary}).`])}${signature} {\n  return ${value};\n}\n`;
  });
  const segment = pathSegment(name);
  const imports = [
    `import type { ${[...types].join(', ')} } from '../messages/${segment}.js';\n`,
    hooks.length > 0 ? `import { ${container} } from '../../upcasters/${segment}.js';\n` : '',
  ].join('');
  const files: PlannedFile[] = [{ path: layout.upcaster(name), ownership: 'generated', content: `${imports}\n${functions.join('\n')}` }];

  if (hooks.length > 0) {
    const hookTypes = [...new Set(hooks.flatMap((s) => [versionTypeName(message, s.from), versionTypeName(message, s.to)]))];
    const members = hooks.map((step) => ({ name: hookName(step), text: hookMember(message, step) }));
    const importPath = `../generated/messages/${segment}.js`;
    files.push({
      path: layout.userUpcaster(name),
      ownership: 'user',
      content: `// Hand-written upcasters for ${name}. This file is yours: edasaga created it once and only ever adds
// a stub here when a new version of ${name} changes in a way it cannot upcast by itself.
import type { ${hookTypes.join(', ')} } from '${importPath}';

export const ${container} = {
${members.map((m) => m.text).join('')}};
`,
      extend: {
        container,
        members,
        imports: { [importPath]: [...new Set(hooks.flatMap((s) => [versionTypeName(message, s.from), versionTypeName(message, s.to)]))] },
      },
      notice: `${name}: ${hooks.map((s) => `v${s.from} -> v${s.to}`).join(', ')} cannot be upcast mechanically; write the upcaster in ${layout.userUpcaster(name)}`,
    });
  }
  return files;
}

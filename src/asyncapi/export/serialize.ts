// The document as text. Deterministic: keys keep the order the builder gave them, no anchors, no
// line folding, so the same catalog always gives the same bytes (`export --check` compares them).
// js-yaml rather than `yaml`: it is several times faster at dumping and already on the
// `validate` path, so export loads nothing new.

import jsYaml from 'js-yaml';

export type DocumentFormat = 'yaml' | 'json';

export function serializeDocument(document: unknown, format: DocumentFormat): string {
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  return jsYaml.dump(document, { noRefs: true, lineWidth: -1, sortKeys: false, quotingType: "'" });
}

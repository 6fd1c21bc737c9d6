// Edits of the example catalog's text for generator tests: events added as YAML, so that the rest
// of the file (and its positions) stays as written.

/** An event of the order service with an `orderId` payload; `extra` adds property lines. */
export function eventYaml(name: string, extra = ''): string {
  return `  ${name}:
    kind: event
    service: order
    topic: extra
    key: orderId
    versions:
      1:
        payload:
          type: object
          required: [orderId]
          properties:
            orderId: { type: string }${extra}
`;
}

/** `catalog` with `added` (message entries) at the top of its `messages:` section. */
export function withMessages(catalog: string, added: string): string {
  return catalog.replace('\nmessages:\n', `\nmessages:\n${added}`);
}

import { Args, Flags } from '@oclif/core';
import { EdasagaBaseCommand } from '../../cli/base-command.js';
import { processIo } from '../../cli/io.js';
import { shouldColor } from '../../cli/render.js';

export default class ImportAsyncapi extends EdasagaBaseCommand {
  static override summary = 'Write a catalog from an AsyncAPI 2.6 or 3.0 document.';
  static override description =
    'Reads SPEC (YAML or JSON; local $refs and files beside it, never anything outside its folder or on the network) and writes a ' +
    'catalog: services from operations, messages with their kind, topic, ordering key and payload schema, shared schemas as definitions. ' +
    'What has no place in a catalog is reported as a warning located in SPEC and left as a comment in the catalog. ' +
    'Never replaces an existing catalog unless --force. The result is validated as `edasaga validate` would. Mapping: docs/asyncapi.md.\n' +
    'Exit codes: 0 written and valid, 1 written but validate finds errors in it, 2 invalid input or usage (nothing written).';
  static override examples = [
    '<%= config.bin %> import asyncapi asyncapi.yaml',
    '<%= config.bin %> import asyncapi specs/orders.json --out orders/catalog.yaml',
    '<%= config.bin %> import asyncapi asyncapi.yaml --force && <%= config.bin %> generate',
  ];
  static override args = {
    spec: Args.string({ description: 'The AsyncAPI document (YAML or JSON).', required: true }),
  };
  static override flags = {
    out: Flags.string({ char: 'o', description: 'Catalog file to write.', default: 'catalog.yaml' }),
    force: Flags.boolean({ description: 'Replace the catalog file if it exists.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ImportAsyncapi);
    const { runImportCommand } = await import('../../cli/run-import-asyncapi.js');
    const format = flags.format === 'json' ? 'json' : 'text';
    process.exitCode = runImportCommand(
      { spec: args.spec, out: flags.out, force: flags.force, format, color: format === 'text' && shouldColor(process.stderr) },
      processIo(),
    );
  }
}

import { Flags } from '@oclif/core';
import { EdasagaCommand } from '../cli/base-command.js';
import { BASE_FLAG_SPEC } from '../cli/flag-spec.js';
import { processIo } from '../cli/io.js';
import { shouldColor } from '../cli/render.js';

export default class Validate extends EdasagaCommand {
  static override summary = 'Check the catalog and sagas for mistakes.';
  static override description =
    'Checks catalog.yaml and the sagas against the edasaga language schemas and its semantic rules (names, references, ' +
    'message kinds, versions, payload JSON Schemas, ordering and correlation keys). Reports every problem with file:line:col.\n' +
    'Exit codes: 0 valid, 1 problems found, 2 unreadable input or bad usage.';
  static override examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate --catalog services/catalog.yaml --saga services/sagas/order-saga.yaml',
    '<%= config.bin %> validate --format json',
  ];

  static override flags = {
    transport: Flags.string({ description: BASE_FLAG_SPEC.transport.description, options: [...BASE_FLAG_SPEC.transport.options] }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Validate);
    // Loaded only now: `edasaga --help` never pays for the YAML parser and the validators.
    const { runValidate } = await import('../cli/run-validate.js');
    const format = flags.format === 'json' ? 'json' : 'text';
    process.exitCode = await runValidate(
      { catalog: flags.catalog, sagas: flags.saga, transport: flags.transport, format, color: format === 'text' && shouldColor(process.stderr) },
      processIo(),
    );
  }
}

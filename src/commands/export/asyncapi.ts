import { Flags } from '@oclif/core';
import { EdasagaCommand } from '../../cli/base-command.js';
import { processIo } from '../../cli/io.js';
import { shouldColor } from '../../cli/render.js';

export default class ExportAsyncapi extends EdasagaCommand {
  static override summary = 'Write an AsyncAPI 3.0 document of the catalog.';
  static override description =
    'One channel per topic, one message per message version (payload schema, CloudEvents headers, ordering key as Kafka key and ' +
    'correlationId), send/receive operations per service (saga commands with their replies), shared schemas in components.schemas. ' +
    'The same catalog always gives the same bytes, so the file can be committed and checked in CI with --check. ' +
    'Conventions and mapping: docs/asyncapi.md.\n' +
    'Exit codes: 0 written (or up to date), 1 the file is stale or missing (--check), 2 invalid catalog or usage.';
  static override examples = [
    '<%= config.bin %> export asyncapi',
    '<%= config.bin %> export asyncapi --out docs/asyncapi.json',
    '<%= config.bin %> export asyncapi --service payment --out payment.asyncapi.yaml',
    '<%= config.bin %> export asyncapi --check',
    '<%= config.bin %> export asyncapi --out - | less',
  ];

  // --format is the document's format here; diagnostics are always text on stderr.
  static override baseFlags = {
    ...EdasagaCommand.baseFlags,
    format: Flags.string({
      description: "Document format (default: from --out's extension, else yaml).",
      options: ['yaml', 'json'],
      default: async ({ flags }) => (typeof flags['out'] === 'string' && /\.json$/i.test(flags['out']) ? 'json' : 'yaml'),
      defaultHelp: async () => 'yaml',
    }),
  };
  static override flags = {
    out: Flags.string({ char: 'o', description: 'File to write, or - for stdout. Default: asyncapi.yaml (asyncapi.json) beside the catalog.' }),
    service: Flags.string({ description: "Export one service's view: what it sends and receives." }),
    check: Flags.boolean({ description: 'Write nothing; exit 1 when the file is missing or differs from what would be written (for CI).', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ExportAsyncapi);
    // Loaded only now: other commands (and --help) never pay for the loader.
    const { runExportCommand } = await import('../../cli/run-export-asyncapi.js');
    process.exitCode = await runExportCommand(
      {
        catalog: flags.catalog,
        sagas: flags.saga,
        out: flags.out,
        format: flags.format === 'json' ? 'json' : 'yaml',
        service: flags.service,
        check: flags.check,
        color: shouldColor(process.stderr),
      },
      processIo(),
    );
  }
}

import { Command, Flags } from '@oclif/core';

export default class Generate extends Command {
  static override summary = 'Generate typed messages, validators, upcasters, a registry and handler skeletons from the catalog.';

  static override description = `Generated code goes under src/generated/ (owned by edasaga, listed with hashes in .edasaga/manifest.json);
user code (src/services/<service>/handlers.ts, src/upcasters/<message>.ts) is created once and afterwards only extended.
Hand edits to generated files are reported, never silently replaced (--force replaces them).`;

  static override examples = [
    '<%= config.bin %> generate',
    '<%= config.bin %> generate --catalog examples/order-system/catalog.yaml --out ./order-system',
    '<%= config.bin %> generate --check   # in CI: exit 1 when generated code is stale or edited',
  ];

  static override flags = {
    catalog: Flags.string({ char: 'c', summary: 'Catalog file.', default: 'catalog.yaml' }),
    saga: Flags.string({ char: 's', summary: 'Saga file (repeatable); default: sagas/*.yaml beside the catalog.', multiple: true }),
    format: Flags.string({ summary: 'Output format.', options: ['text', 'json'], default: 'text' }),
    out: Flags.string({ char: 'o', summary: "Output directory; default: the catalog's directory." }),
    check: Flags.boolean({ summary: 'Write nothing; exit 1 when the output is stale or was edited by hand.', exclusive: ['dry-run', 'force'] }),
    'dry-run': Flags.boolean({ summary: 'Write nothing; list what would change.' }),
    force: Flags.boolean({ summary: 'Replace (or remove) generated files even when they were edited by hand.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Generate);
    // Loaded here, not at the top: other commands must not pay for ajv and the generator.
    const { runGenerateCommand } = await import('../generate/run.js');
    const { shouldColor } = await import('../cli/render.js');
    const code = await runGenerateCommand(
      {
        catalog: flags.catalog,
        ...(flags.saga === undefined ? {} : { sagas: flags.saga }),
        ...(flags.out === undefined ? {} : { out: flags.out }),
        check: flags.check,
        dryRun: flags['dry-run'],
        force: flags.force,
        format: flags.format === 'json' ? 'json' : 'text',
        color: shouldColor(process.stderr),
      },
      { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) },
    );
    if (code !== 0) this.exit(code);
  }
}

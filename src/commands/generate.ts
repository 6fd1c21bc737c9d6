import { Flags } from '@oclif/core';
import { EdasagaCommand } from '../cli/base-command.js';
import { processIo } from '../cli/io.js';
import { shouldColor } from '../cli/render.js';

export default class Generate extends EdasagaCommand {
  static override summary = 'Generate typed messages, validators, upcasters, a registry and handler skeletons from the catalog.';

  static override description =
    'Generated code goes under src/generated/ (owned by edasaga, listed with content hashes in .edasaga/manifest.json) and is ' +
    'rewritten only when it changes. User code (src/services/<service>/handlers.ts, src/upcasters/<message>.ts) is created once ' +
    'and afterwards only extended. A generated file edited by hand is reported, not replaced (--force replaces it).\n' +
    'Exit codes: 0 done (or up to date), 1 stale or hand-edited output (--check) or hand-edited files left alone, 2 invalid catalog or usage.';

  static override examples = [
    '<%= config.bin %> generate',
    '<%= config.bin %> generate --catalog examples/order-system/catalog.yaml --out ./order-system',
    '<%= config.bin %> generate --check',
    '<%= config.bin %> generate --dry-run',
  ];

  static override flags = {
    out: Flags.string({ char: 'o', description: "Output directory. Default: the catalog's directory." }),
    check: Flags.boolean({ description: 'Write nothing; exit 1 when the output is stale or was edited by hand (for CI).', exclusive: ['dry-run', 'force'] }),
    'dry-run': Flags.boolean({ description: 'Write nothing; list what would change.' }),
    force: Flags.boolean({ description: 'Replace (or remove) generated files even when they were edited by hand.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Generate);
    // Loaded only now: other commands (and --help) never pay for ajv and the generator.
    const { runGenerateCommand } = await import('../cli/run-generate.js');
    const format = flags.format === 'json' ? 'json' : 'text';
    process.exitCode = await runGenerateCommand(
      {
        catalog: flags.catalog,
        ...(flags.saga === undefined ? {} : { sagas: flags.saga }),
        ...(flags.out === undefined ? {} : { out: flags.out }),
        check: flags.check,
        dryRun: flags['dry-run'],
        force: flags.force,
        format,
        color: format === 'text' && shouldColor(process.stderr),
      },
      processIo(),
    );
  }
}

import { Args, Flags } from '@oclif/core';
import { EdasagaBaseCommand } from '../cli/base-command.js';
import { processIo } from '../cli/io.js';
import { shouldColor } from '../cli/render.js';

// The names of src/init/init.ts's TEMPLATES, listed here so that the command loads nothing to show its help.
const TEMPLATE_NAMES = ['order-system', 'minimal', 'choreography'] as const;

export default class Init extends EdasagaBaseCommand {
  static override summary = 'Create a new edasaga project from a template.';
  static override description =
    'Copies a template (default: the order system) into DIR. Never overwrites: refuses a non-empty directory unless ' +
    '--force, and even then keeps every existing file. Writes the language schemas to .edasaga/schemas/ and points ' +
    'the YAML files at them, so editors complete and check catalog.yaml and sagas/*.yaml.';
  static override examples = ['<%= config.bin %> init my-shop', '<%= config.bin %> init hello --template minimal', '<%= config.bin %> init shop --template choreography'];
  static override args = {
    dir: Args.string({ description: 'Directory to create the project in.', default: '.' }),
  };
  static override flags = {
    template: Flags.string({ description: 'Template to copy.', options: TEMPLATE_NAMES, default: 'order-system' }),
    force: Flags.boolean({ description: 'Add missing template files to a non-empty directory (existing files are kept).', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Init);
    const { runInit } = await import('../cli/run-init.js');
    process.exitCode = runInit(
      { dir: args.dir, template: TEMPLATE_NAMES.find((name) => name === flags.template) ?? 'order-system', force: flags.force, format: flags.format === 'json' ? 'json' : 'text', color: shouldColor(process.stderr) },
      processIo(),
    );
  }
}

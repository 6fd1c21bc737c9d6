import { Flags } from '@oclif/core';
import { EdasagaCommand, formatFlag } from '../cli/base-command.js';
import { processIo } from '../cli/io.js';
import { shouldColor } from '../cli/render.js';
import { COMPATIBILITY_MODES, type CompatibilityMode } from '../model/types.js';
import { DEFAULT_POLICY, POLICIES } from '../compat/rules.js';

export default class CheckCompat extends EdasagaCommand {
  static override summary = 'Fail when an event schema change breaks consumers.';
  static override description =
    "Checks every message's versions pairwise by its compatibility mode (BACKWARD, FORWARD, FULL, each also _TRANSITIVE, or NONE), " +
    'optionally against a baseline catalog (a git revision or another catalog file): published versions must not be edited, ' +
    'consumed messages and versions must not disappear, topics and ordering keys must not change. ' +
    'With --old/--new it compares two JSON Schema files without a catalog. Rules: docs/compat-rules.md.\n' +
    'Exit codes: 0 compatible, 1 incompatible, 2 invalid input or bad usage.';
  static override examples = [
    '<%= config.bin %> check-compat',
    '<%= config.bin %> check-compat --against main',
    '<%= config.bin %> check-compat --against origin/main --merge-base --format github',
    '<%= config.bin %> check-compat --old v1.json --new v2.json --mode FULL --policy strict',
  ];

  static override baseFlags = { ...EdasagaCommand.baseFlags, format: formatFlag(['github', 'sarif']) };
  static override flags = {
    against: Flags.string({ description: 'Baseline: a git revision (main, origin/main, HEAD~1, tag, sha) or the path of another catalog.' }),
    'merge-base': Flags.boolean({ description: 'Compare with `git merge-base HEAD <against>` (for pull requests).', default: false }),
    old: Flags.string({ description: 'Old JSON Schema file (standalone mode, with --new).' }),
    new: Flags.string({ description: 'New JSON Schema file (standalone mode, with --old).' }),
    mode: Flags.string({ description: "Compatibility mode (default: each message's own; BACKWARD for --old/--new).", options: [...COMPATIBILITY_MODES] }),
    policy: Flags.string({
      description: "instance (default: judged by the documents each schema accepts), strict or lenient (Confluent Schema Registry's two policies); see docs/compat-rules.md.",
      options: [...POLICIES],
      default: DEFAULT_POLICY,
    }),
    'show-compatible': Flags.boolean({ description: 'Also list tolerated changes.', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(CheckCompat);
    // Loaded only now, and never ts-morph: this command sits in CI on every push.
    const { runCheckCompat } = await import('../cli/run-check-compat.js');
    const format = (['text', 'json', 'github', 'sarif'] as const).find((f) => f === flags.format) ?? 'text';
    process.exitCode = await runCheckCompat(
      {
        catalog: flags.catalog,
        sagas: flags.saga,
        format,
        policy: POLICIES.find((p) => p === flags.policy) ?? DEFAULT_POLICY,
        mode: flags.mode as CompatibilityMode | undefined,
        against: flags.against,
        mergeBase: flags['merge-base'],
        old: flags.old,
        new: flags.new,
        showCompatible: flags['show-compatible'],
        color: format === 'text' && shouldColor(process.stderr),
      },
      processIo(),
    );
  }
}

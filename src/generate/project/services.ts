// src/generated/app/services.ts: the catalog-specific part of the wiring. Which services exist,
// what each one consumes (user handlers bound to their messages), which sagas it orchestrates,
// its migrations, and the HTTP APIs that start sagas. Everything else in src/generated/app is the
// same for every catalog (rendered from templates/project).
import type { Catalog, Choreography, Message, Project, Saga } from '../../model/types.js';
import { choreographyEvents } from '../../model/choreography.js';
import type { PlannedFile } from '../plan.js';
import { consumedMessages, eventType } from '../facts.js';
import { handlersObjectName } from '../emit/services.js';
import { camelCase, kebabCase } from '../../names/case.js';
import { pathSegment, stringLiteral } from '../names.js';
import { projectPaths } from './paths.js';
import { sagaBuildersName, sagaFactoryName } from './saga.js';

/** The events a choreography's origin follows, as the generated `flow` of its API entry. */
export interface ApiFlowPlan {
  /** CloudEvents types of every event of the flow. */
  readonly events: readonly string[];
  /** CloudEvents type of each terminal event -> the status it ends the flow in. */
  readonly terminal: readonly (readonly [string, 'COMPLETED' | 'COMPENSATED'])[];
  readonly correlationKey: string;
}

export interface ApiPlan {
  readonly kind: 'saga' | 'choreography';
  /** The saga's or the choreography's name. */
  readonly name: string;
  readonly correlationKey: string;
  /** Only for `choreography`. */
  readonly flow?: ApiFlowPlan;
  readonly message: Message;
  readonly service: string;
  /** `/orders` */
  readonly path: string;
  /** `order` */
  readonly resource: string;
  readonly statuses: { readonly COMPLETED: string; readonly COMPENSATED: string; readonly FAILED: string };
}

const STARTING_VERBS = /(Created|Placed|Submitted|Requested|Started|Opened|Received|Registered)$/;

/**
 * A saga gets an HTTP API (POST to start it, GET to follow it) when the service that owns its
 * starting event also orchestrates it: that service can accept the request, publish the event and
 * read the saga's state from its own database.
 */
export function apiPlans(project: Project): ApiPlan[] {
  const byName = new Map(project.catalog.messages.map((m) => [m.name, m]));
  const plans: ApiPlan[] = [];
  const add = (kind: ApiPlan['kind'], decl: Saga | Choreography, service: string, flow?: ApiFlowPlan): void => {
    const message = byName.get(decl.startedBy);
    if (message === undefined || message.service !== service) return;
    const stem = message.name.replace(STARTING_VERBS, '') || message.name;
    const resource = kebabCase(stem);
    let path = `/${resource}${resource.endsWith('s') ? '' : 's'}`;
    if (plans.some((p) => p.path === path)) path = `/${kebabCase(decl.name)}`;
    const status = (names: readonly string[], fallback: string): string => {
      const first = names[0];
      if (first !== undefined && first.startsWith(stem) && first.length > stem.length) return kebabCase(first.slice(stem.length)).replace(/-/g, '_').toUpperCase();
      return fallback;
    };
    plans.push({
      kind,
      name: decl.name,
      correlationKey: decl.correlationKey,
      ...(flow !== undefined ? { flow } : {}),
      message,
      service,
      path,
      resource,
      statuses: { COMPLETED: status(decl.onCompleted, 'COMPLETED'), COMPENSATED: status(decl.onCompensated, 'COMPENSATED'), FAILED: 'FAILED' },
    });
  };
  for (const saga of project.sagas) add('saga', saga, saga.orchestrator);
  // A choreography's origin owns its starting event by definition: it always gets the API.
  for (const c of project.choreographies) add('choreography', c, c.origin, choreographyFlow(project.catalog, c));
  return plans;
}

function choreographyFlow(catalog: Catalog, c: Choreography): ApiFlowPlan {
  const byName = new Map(catalog.messages.map((m) => [m.name, m]));
  const type = (name: string): string => {
    const m = byName.get(name);
    return m === undefined ? `${catalog.namespace}.${name}` : eventType(catalog, m);
  };
  return {
    events: choreographyEvents(c).map(type),
    terminal: [...c.onCompleted.map((e) => [type(e), 'COMPLETED'] as const), ...c.onCompensated.map((e) => [type(e), 'COMPENSATED'] as const)],
    correlationKey: c.correlationKey,
  };
}

/** Services in catalog order, plus any only named elsewhere (subscriptions). */
export function serviceNames(catalog: Catalog): string[] {
  const names = catalog.services.map((s) => s.name);
  for (const s of catalog.subscriptions) if (!names.includes(s.service)) names.push(s.service);
  return names;
}

export function migrationsName(service: string): string {
  return `${camelCase(service)}Migrations`;
}

export function emitServiceMigrations(service: string): PlannedFile {
  return {
    path: projectPaths.serviceMigrations(service),
    ownership: 'user',
    content: `// The ${service} service's own tables. This file is yours: edasaga created it once and never rewrites it.
// Migrations run in order, once per database (SQLite file or PostgreSQL schema), at start and with
// \`npm run migrate\`; give each a new id instead of editing one that has run. Write portable SQL, or
// branch on \`dialect.name\` ('sqlite' | 'postgres').
import type { Migration } from '../../generated/runtime/index.js';

export const ${migrationsName(service)}: readonly Migration[] = [];
`,
  };
}

export function emitServicesModule(project: Project): PlannedFile {
  const { catalog } = project;
  const services = serviceNames(catalog);
  const consumed = consumedMessages(catalog);
  const apis = apiPlans(project);
  const imports: string[] = [
    `import type { MessageHandler, Migration, SagaDefinition } from '../runtime/index.js';`,
  ];
  const anyHandlers = [...consumed.values()].some((list) => list.length > 0);
  imports.push(anyHandlers ? `import { bindHandler, methodOf, type AppHandler } from './context.js';` : `import type { AppHandler } from './context.js';`);
  // Messages through a namespace: their names are the user's, and may be any name this module
  // declares or imports for itself (a message called Migration, ServiceName, ...).
  if (anyHandlers || apis.length > 0) imports.push(`import * as catalog from '../index.js';`);
  for (const service of services) {
    if ((consumed.get(service) ?? []).length > 0) {
      imports.push(`import { ${handlersObjectName(service)} } from '../../services/${pathSegment(service)}/handlers.js';`);
    }
    imports.push(`import { ${migrationsName(service)} } from '../../services/${pathSegment(service)}/migrations.js';`);
  }
  for (const saga of project.sagas) {
    imports.push(`import { ${sagaFactoryName(saga)} } from './sagas/${pathSegment(saga.name)}.js';`);
    imports.push(`import { ${sagaBuildersName(saga)} } from '../../sagas/${pathSegment(saga.name)}.js';`);
  }

  const cases = services.map((service) => {
    const list = consumed.get(service) ?? [];
    const object = handlersObjectName(service);
    const handlers = list.map(
      (m) => `          bindHandler(catalog.${m.name}, override(${stringLiteral(m.name)}) ?? methodOf(${object}, ${stringLiteral(m.name)})),`,
    );
    const sagas = project.sagas.filter((s) => s.orchestrator === service).map((s) => `${sagaFactoryName(s)}(${sagaBuildersName(s)})`);
    return `    case ${stringLiteral(service)}: {
      return {
        handlers: [${handlers.length === 0 ? '' : `\n${handlers.join('\n')}\n        `}],
        sagas: [${sagas.join(', ')}],
        migrations: ${migrationsName(service)},
      };
    }`;
  });

  const apiEntries = apis.map(
    (api) => `  {
    kind: ${stringLiteral(api.kind)},
    service: ${stringLiteral(api.service)},
    saga: ${stringLiteral(api.name)},
    path: ${stringLiteral(api.path)},
    resource: ${stringLiteral(api.resource)},
    idField: ${stringLiteral(api.correlationKey)},
    message: catalog.${api.message.name},
    statuses: { COMPLETED: ${stringLiteral(api.statuses.COMPLETED)}, COMPENSATED: ${stringLiteral(api.statuses.COMPENSATED)}, FAILED: ${stringLiteral(api.statuses.FAILED)} },${api.flow === undefined ? '' : `
    flow: {
      events: [${api.flow.events.map(stringLiteral).join(', ')}],
      terminal: { ${api.flow.terminal.map(([t, status]) => `${stringLiteral(t)}: ${stringLiteral(status)}`).join(', ')} },
      correlationKey: ${stringLiteral(api.flow.correlationKey)},
    },`}
  },`,
  );

  const content = `${imports.join('\n')}

export const SERVICE_NAMES = [${services.map(stringLiteral).join(', ')}] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

/** Handlers to use instead of the ones in src/services/<service>/handlers.ts (tests, experiments). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry is checked where it is bound
export type HandlerOverrides = { readonly [S in ServiceName]?: Readonly<Record<string, AppHandler<any>>> };

export interface ServiceParts {
  readonly handlers: readonly MessageHandler<unknown>[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sagas with different data side by side
  readonly sagas: readonly SagaDefinition<any>[];
  readonly migrations: readonly Migration[];
}

/** What one service consumes, orchestrates and migrates. */
export function serviceParts(service: ServiceName, overrides: HandlerOverrides = {}): ServiceParts {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const override = (message: string): AppHandler<any> | undefined => overrides[service]?.[message];
  void override;
  switch (service) {
${cases.join('\n')}
  }
}

/** The service that owns (produces) each message type, for timelines. */
export const serviceOfType: Readonly<Record<string, string>> = {
${catalog.messages.map((m) => `  ${stringLiteral(eventType(catalog, m))}: ${stringLiteral(m.service)},`).join('\n')}
};

/** A message that starts a saga over HTTP. */
export interface ApiMessage {
  readonly name: string;
  readonly type: string;
  readonly topic: string;
  readonly key: string;
  readonly version: number;
  validate(data: unknown): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errors: readonly { readonly path: string; readonly field: string; readonly message: string }[] };
}

/** What a choreography's origin follows: the flow's events, and the terminal ones with the status they end in. */
export interface ApiFlow {
  /** CloudEvents types of every event of the flow (the origin consumes them all for the timeline). */
  readonly events: readonly string[];
  readonly terminal: Readonly<Record<string, 'COMPLETED' | 'COMPENSATED'>>;
  /** Payload property carrying the flow instance id (the same as idField). */
  readonly correlationKey: string;
}

interface ApiSpecBase {
  readonly service: ServiceName;
  /** The orchestrated saga's or the choreography's name. */
  readonly saga: string;
  readonly path: string;
  readonly resource: string;
  /** Assigned by the server (the saga's correlation key). */
  readonly idField: string;
  readonly message: ApiMessage;
  /** What GET shows for the saga's terminal states. */
  readonly statuses: { readonly COMPLETED: string; readonly COMPENSATED: string; readonly FAILED: string };
}

/** An orchestrated saga's API (its state is the orchestrator's), or a choreography's (its state is what the origin saw). */
export type ApiSpec = (ApiSpecBase & { readonly kind: 'saga' }) | (ApiSpecBase & { readonly kind: 'choreography'; readonly flow: ApiFlow });

export const apis: readonly ApiSpec[] = [
${apiEntries.join('\n')}
];
`;
  return { path: projectPaths.services, ownership: 'generated', content };
}


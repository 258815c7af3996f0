/**
 * JSON Schemas of the API's bodies. The OpenAPI document (`GET /api/openapi.json`) publishes them under
 * `components.schemas`, and the routes validate requests with ajv from these same objects.
 */
import { PROTOTYPE_KEYS } from '../../engine';
import { bundleSchema } from '../packs/bundle';

const i18n = {
  type: 'object', required: ['zh-CN', 'en'],
  properties: { 'zh-CN': { type: 'string' }, en: { type: 'string' } },
};
const id = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$', not: { enum: PROTOTYPE_KEYS } };
const role = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$', not: { enum: PROTOTYPE_KEYS } };
const eventType = { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,63}$' };
const actor = {
  type: 'object', additionalProperties: false,
  description: 'Who acts. Roles come from the token; `roles` may narrow them (a role the token lacks is 403). `subject` names the person the calling system acts for (kept as onBehalfOf).',
  properties: { subject: { type: 'string', minLength: 1, maxLength: 200 }, roles: { type: 'array', items: role, maxItems: 50, uniqueItems: true } },
};

/** `provisional: true` while something read a day of a year whose holiday notice is not loaded; `provisionalYears` names them. */
const provisional = {
  provisional: { type: 'boolean', description: 'true while it depends on a year whose State Council holiday notice is not loaded (days derived from the statute)' },
  provisionalYears: { type: 'array', items: { type: 'integer' }, description: 'the years whose notice is missing' },
} as const;

const calendarDay = {
  type: 'object', required: ['date', 'name'],
  properties: { date: { type: 'string', format: 'date' }, name: { type: 'string' }, provisional: { type: 'boolean' }, kind: { enum: ['statutory', 'substitute'] }, for: { type: 'string' } },
} as const;

export const schemas = {
  I18n: i18n,
  Error: {
    type: 'object', required: ['error'],
    properties: {
      error: {
        type: 'object', required: ['code', 'message'],
        properties: { code: { type: 'string', pattern: '^[A-Z][A-Z_]+$' }, message: i18n, details: {} },
      },
    },
  },
  Problem: {
    type: 'object', required: ['path', 'message'],
    properties: { path: { type: 'string', description: 'JSON pointer' }, message: i18n, code: { type: 'string' } },
  },
  TokenCreate: {
    type: 'object', required: ['subject', 'roles', 'packs'], additionalProperties: false,
    properties: {
      subject: { type: 'string', minLength: 1, maxLength: 200 },
      roles: { type: 'array', items: role, minItems: 1, maxItems: 50, uniqueItems: true },
      packs: { oneOf: [{ const: '*' }, { type: 'array', items: id, maxItems: 500, uniqueItems: true }] },
    },
  },
  Token: {
    type: 'object', required: ['token', 'subject', 'roles', 'packs'],
    properties: { token: { type: 'string', description: 'shown once; only its SHA-256 is stored' }, subject: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, packs: {} },
  },
  InstanceStart: {
    type: 'object', required: ['pack', 'procedure', 'data'], additionalProperties: false,
    properties: {
      pack: id, procedure: id,
      data: { type: 'object', description: "the start data, validated against the procedure's `data` schema (422 INVALID_PAYLOAD)" },
      businessKey: { type: 'string', minLength: 1, maxLength: 200, description: 'the caller’s own case number; the same key in the same pack returns the existing case (200)' },
    },
  },
  EventSend: {
    type: 'object', required: ['type'], additionalProperties: false,
    properties: { type: eventType, payload: { type: 'object', description: "validated against the event's payload schema (422 INVALID_PAYLOAD)" }, actor },
  },
  Instance: {
    type: 'object',
    required: ['id', 'pack', 'procedure', 'version', 'rev', 'status', 'state', 'stateValue', 'data', 'events', 'deadlines', 'createdAt', 'updatedAt'],
    properties: {
      id: { type: 'string' }, pack: { type: 'string' }, procedure: { type: 'string' }, version: { type: 'integer' }, rev: { type: 'integer' },
      status: { enum: ['active', 'done'] }, state: { type: 'string', description: 'dotted path of the active leaf state' }, stateValue: {},
      data: { type: 'object' }, overdue: { type: 'boolean' }, businessKey: { type: 'string' },
      events: { type: 'array', items: { type: 'object', required: ['type', 'title', 'roles', 'payloadSchema'], properties: { type: { type: 'string' }, title: i18n, roles: { type: 'array', items: { type: 'string' } }, payloadSchema: { type: 'object' } } } },
      deadlines: { type: 'array', items: { type: 'object', required: ['name', 'state', 'dueAt', 'overdue'], properties: { name: { type: 'string' }, state: { type: 'string' }, dueAt: { type: 'string', description: 'end of the due day, ISO 8601 with +08:00' }, dueDate: { type: 'string' }, overdue: { type: 'boolean' }, ...provisional, title: i18n } } },
      createdAt: { type: 'string' }, updatedAt: { type: 'string' },
    },
  },
  HistoryEntry: {
    type: 'object', required: ['seq', 'at', 'type', 'from', 'to', 'rules'],
    properties: {
      seq: { type: 'integer' }, at: { type: 'string' }, type: { type: 'string' }, payload: {}, actor: { type: 'object' },
      from: { type: ['string', 'null'] }, to: { type: 'string' },
      rules: { type: 'array', items: { type: 'object', required: ['rule', 'result'], properties: { rule: { type: 'string' }, result: { type: 'boolean' }, description: i18n, basis: i18n, ...provisional } } },
      effects: { type: 'array', items: { type: 'object' } },
      deadlines: { type: 'array', description: 'deadlines armed or moved by this step', items: { type: 'object', required: ['name', 'dueAt', 'provisional'], properties: { name: { type: 'string' }, dueAt: { type: 'string' }, ...provisional } } },
    },
  },
  WebhookCreate: {
    type: 'object', required: ['url', 'events', 'secret'], additionalProperties: false,
    properties: {
      url: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 },
      pack: id, procedure: id,
      events: { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: { type: 'string', pattern: '^(transition|deadline|effect:[a-z][a-z0-9.-]{0,63})$' } },
      secret: { type: 'string', minLength: 8, maxLength: 200 },
    },
  },
  Webhook: {
    type: 'object', required: ['id', 'url', 'events'],
    properties: { id: { type: 'string' }, url: { type: 'string' }, pack: { type: 'string' }, procedure: { type: 'string' }, events: { type: 'array', items: { type: 'string' } }, createdAt: { type: 'string' } },
  },
  ClockSet: {
    type: 'object', required: ['now'], additionalProperties: false,
    properties: { now: { type: 'string', format: 'date-time' } },
  },
  Simulate: {
    type: 'object', required: ['data'], additionalProperties: false,
    properties: {
      data: { type: 'object' },
      at: { type: 'string', format: 'date-time', description: 'the start instant (default: now)' },
      events: {
        type: 'array', maxItems: 500,
        items: {
          type: 'object', required: ['type'], additionalProperties: false,
          properties: { type: eventType, payload: { type: 'object' }, actor, at: { type: 'string', format: 'date-time' } },
        },
      },
      definition: { type: 'object', description: 'an unsaved procedure document to simulate instead of the draft or the published version' },
    },
  },
  Bundle: bundleSchema,
  Migrate: {
    type: 'object', additionalProperties: false,
    properties: {
      toVersion: { type: 'integer', minimum: 1, description: 'a published version of the procedure (default: the latest)' },
      stateMap: { type: 'object', maxProperties: 200, propertyNames: { maxLength: 200 }, additionalProperties: { type: 'string', maxLength: 200 }, description: 'state (dotted path, or an ancestor) in the case’s version → state in the target version; states not named map by id' },
      dryRun: { type: 'boolean', description: 'report what would change, change nothing' },
    },
  },
  MigrateBatch: {
    type: 'object', additionalProperties: false,
    properties: {
      toVersion: { type: 'integer', minimum: 1, description: 'default: the latest published version' },
      fromVersions: { type: 'array', maxItems: 1000, uniqueItems: true, items: { type: 'integer', minimum: 1 }, description: 'only cases on these versions (default: every version before the target)' },
      state: { type: 'string', maxLength: 200, description: 'only cases in this state or its sub-states' },
      ids: { type: 'array', maxItems: 1000, uniqueItems: true, items: { type: 'string', maxLength: 200 }, description: 'only these cases' },
      stateMap: { type: 'object', maxProperties: 200, propertyNames: { maxLength: 200 }, additionalProperties: { type: 'string', maxLength: 200 } },
      dryRun: { type: 'boolean', description: 'default true: a dry run lists every selected case and what would change; false moves them' },
      limit: { type: 'integer', minimum: 1, maximum: 1000, description: 'cases per call (default 200)' },
      cursor: { type: 'string', maxLength: 400, description: '`next` of the previous answer' },
    },
  },
  PackDraft: {
    type: 'object', additionalProperties: false,
    properties: {
      data: {
        type: 'object', maxProperties: 20, propertyNames: { pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
        description: 'list items the county adds or changes: data file → list → items by id (`removed: true` takes a base item out)',
        additionalProperties: {
          type: 'object', maxProperties: 20, propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
          additionalProperties: {
            type: 'array', maxItems: 500,
            items: {
              type: 'object', required: ['id'], maxProperties: 20,
              properties: { id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }, title: i18n, removed: { type: 'boolean' }, sample: { type: 'boolean' } },
            },
          },
        },
      },
      parameters: {
        type: 'object', maxProperties: 200, propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
        description: 'a county’s parameter overrides: name → {value, basis?, title?, unit?, sample?} (base title, unit and basis when not given), or null to drop the override',
        additionalProperties: {
          oneOf: [
            { type: 'null' },
            {
              type: 'object', required: ['value'], additionalProperties: false,
              properties: { value: {}, basis: {}, title: i18n, unit: { type: 'string', maxLength: 50 }, sample: { type: 'boolean' } },
            },
          ],
        },
      },
    },
  },
  CalendarYear: {
    type: 'object', required: ['year', 'official', 'source', 'holidays', 'workdays', 'policy', 'officialYears'],
    properties: {
      year: { type: 'integer' }, official: { type: 'boolean', description: 'whether the State Council notice for the year is loaded' },
      source: { oneOf: [i18n, { type: 'null' }] },
      holidays: { type: 'array', items: calendarDay },
      workdays: { type: 'array', items: calendarDay },
      policy: { enum: ['provisional', 'refuse'] },
      officialYears: { type: 'array', items: { type: 'integer' } },
    },
  },
  CalendarLoad: {
    type: 'object',
    description: 'Either the notice’s text, or the calendar as data (source naming the notice, holidays, make-up working days).',
    oneOf: [
      { type: 'object', required: ['notice'], additionalProperties: false, properties: { notice: { type: 'string', maxLength: 100000 } } },
      { type: 'object', required: ['source', 'holidays', 'workdays'], additionalProperties: false, properties: { year: { type: 'integer' }, source: i18n, holidays: { type: 'array', items: calendarDay }, workdays: { type: 'array', items: calendarDay } } },
    ],
  },
  CalendarLoadResult: {
    type: 'object', required: ['year', 'holidays', 'workdays', 'recalculated'],
    properties: {
      year: { type: 'integer' }, official: { const: true }, source: i18n,
      holidays: { type: 'array', items: calendarDay }, workdays: { type: 'array', items: calendarDay },
      recalculated: {
        type: 'array',
        items: {
          type: 'object', required: ['instance', 'deadline', 'from', 'to', 'provisional'],
          properties: {
            instance: { type: 'string' }, pack: { type: 'string' }, procedure: { type: 'string' }, deadline: { type: 'string' },
            from: { type: 'string', description: 'due time before' }, to: { type: 'string', description: 'due time after' }, ...provisional,
            overdueNow: { type: 'boolean', description: 'the new due time is past: the deadline fired at once' },
          },
        },
      },
      dryRun: { const: true },
    },
  },
} as const;

export type SchemaName = keyof typeof schemas;

/** Shapes shared by every part of the contract. A schema given a component name is published under that name. */
import { Type, type Static, type TSchema, type SchemaOptions } from '@sinclair/typebox';

/** Marks a schema as an OpenAPI component (`#/components/schemas/<name>`); the OpenAPI builder turns it into a $ref. */
export const named = <T extends TSchema>(name: string, schema: T): T => ({ ...schema, 'x-component': name });

export const I18n = named(
  'I18n',
  Type.Object({ 'zh-CN': Type.String(), en: Type.String() }, { description: 'a text in Chinese and English' }),
);

/** An instant as the API writes it: ISO 8601 in Asia/Shanghai (+08:00). */
export const Time = (o: SchemaOptions = {}) =>
  Type.String({ format: 'date-time', pattern: '\\+08:00$', description: 'ISO 8601 with +08:00 (Asia/Shanghai)', ...o });

export const Id = Type.String({ pattern: '^[a-z][a-z0-9-]{0,63}$', description: 'a pack, procedure or role id' });
export const Role = Type.String({ pattern: '^[a-z][a-z0-9-]{0,63}$' });
export const EventType = Type.String({ pattern: '^[A-Z][A-Z0-9_]{0,63}$' });
/** A JSON object whose fields are not described here (case data, payloads, JSON Schemas). */
export const AnyObject = (o: SchemaOptions = {}) =>
  Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, ...o });

/** A JSON object whose every value is `value` (a map keyed by id). */
export const Dict = <T extends TSchema>(value: T, o: SchemaOptions = {}) =>
  Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value, ...o });

export const Problem = named(
  'Problem',
  Type.Object({
    path: Type.String({ description: 'JSON pointer into the request' }),
    message: I18n,
    code: Type.Optional(Type.String()),
  }),
);

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

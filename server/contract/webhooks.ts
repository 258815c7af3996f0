/** Webhook subscriptions and their deliveries. */
import { Type } from '@sinclair/typebox';
import { Id, Nullable, Time, named } from './common';

export const WebhookEventName = Type.String({
  pattern: '^(transition|deadline|cancelled|effect:[a-z][a-z0-9.-]{0,63})$',
  description:
    '`transition`, `deadline`, `cancelled`, or `effect:<name>` for an effect some procedure of the scope emits',
});

export const WebhookCreate = named(
  'WebhookCreate',
  Type.Object(
    {
      url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }),
      pack: Type.Optional(Id),
      procedure: Type.Optional(Id),
      events: Type.Array(WebhookEventName, { minItems: 1, maxItems: 50, uniqueItems: true }),
      secret: Type.String({ minLength: 8, maxLength: 200 }),
    },
    { additionalProperties: false },
  ),
);

export const Webhook = named(
  'Webhook',
  Type.Object({
    id: Type.String(),
    url: Type.String(),
    pack: Type.Optional(Type.String()),
    procedure: Type.Optional(Type.String()),
    events: Type.Array(Type.String()),
    createdAt: Time(),
    createdBy: Type.String(),
  }),
);
export const WebhookList = Type.Array(Webhook);

export const DeliveryStatus = Type.Union(
  [Type.Literal('pending'), Type.Literal('failed'), Type.Literal('dead'), Type.Literal('delivered')],
  {
    description:
      'pending: not tried yet or waiting for its turn; failed: tried, will be retried; dead: gave up after the last attempt (kept, can be redelivered); delivered: the receiver answered 2xx',
  },
);

export const Delivery = named(
  'Delivery',
  Type.Object({
    id: Type.String({ description: 'also the Idempotency-Key the receiver sees' }),
    webhook: Type.String(),
    instance: Type.String(),
    type: Type.String(),
    status: DeliveryStatus,
    createdAt: Time(),
    attempts: Type.Integer({ minimum: 0 }),
    lastError: Nullable(Type.String()),
    lastAttemptAt: Nullable(Time()),
    nextAttemptAt: Nullable(Time()),
    deliveredAt: Nullable(Time()),
    requestId: Nullable(Type.String({ description: 'X-Request-Id of the call that caused it' })),
  }),
);
export const DeliveryList = Type.Array(Delivery);
export const DeliveriesQuery = Type.Object(
  {
    status: Type.Optional(DeliveryStatus),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, default: 200, description: 'at most this many, the latest' }),
    ),
  },
  { additionalProperties: false },
);
export const Redelivered = named('Redelivered', Type.Object({ id: Type.String(), status: Type.Literal('pending') }));

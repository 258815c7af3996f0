/** The portable pack bundle (`gongzhi-pack/1`): one JSON file holding a pack's sources, as the CLI and the API exchange it. */
import { PROTOTYPE_KEYS, type PackSource } from '../../engine';

export const BUNDLE_FORMAT = 'gongzhi-pack/1';

export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  manifest: PackSource['manifest'];
  procedures: PackSource['procedures'];
  patches: NonNullable<PackSource['patches']>;
  data: PackSource['data'];
  scenarios: NonNullable<PackSource['scenarios']>;
}

export function bundleOf(src: Omit<PackSource, 'folder'>): Bundle {
  return {
    format: BUNDLE_FORMAT,
    manifest: src.manifest,
    procedures: src.procedures,
    patches: src.patches ?? {},
    data: src.data,
    scenarios: src.scenarios ?? {},
  };
}

export function sourceOf(b: Bundle): Omit<PackSource, 'folder'> {
  return {
    manifest: b.manifest,
    procedures: b.procedures ?? {},
    patches: b.patches ?? {},
    data: b.data ?? {},
    scenarios: b.scenarios ?? {},
  };
}

/** A key that becomes a file or folder name: a strict slug, never an inherited property's name. */
const slugKey = { pattern: '^[a-z][a-z0-9-]{0,63}$', not: { enum: PROTOTYPE_KEYS } };

/** JSON Schema of a bundle's outer shape (the manifest and procedures are then validated by the engine). */
export const bundleSchema = {
  type: 'object',
  required: ['format', 'manifest'],
  additionalProperties: false,
  properties: {
    format: { const: BUNDLE_FORMAT },
    manifest: {
      type: 'object',
      additionalProperties: true,
      description: 'the pack manifest (GET /api/schemas/pack.json)',
    },
    procedures: {
      type: 'object',
      propertyNames: slugKey,
      additionalProperties: { type: 'object', additionalProperties: true },
    },
    // overlay operations per procedure (a list), or a JSON merge patch (an object) in older bundles
    patches: { type: 'object', propertyNames: slugKey, additionalProperties: { type: ['array', 'object'] } },
    data: { type: 'object', additionalProperties: true },
    scenarios: { type: 'object', additionalProperties: { type: 'object', additionalProperties: true } },
  },
} as const;

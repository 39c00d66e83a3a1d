import { PRESET_NAME, variantSpecSchema } from '@darkroom/core/preset-file';
import { ErrorBody } from '@darkroom/core/contract/error';
import { TENANT_VARIANT_BOX, VARIANT_BOX } from '@darkroom/core/limits';
import { z } from 'zod';
import { tenantErrors } from '../error-responses.js';

/** A variant a tenant writes into a preset of its own. */
const VariantSpecBody = variantSpecSchema(TENANT_VARIANT_BOX);
/** A variant as a preset is listed: a global one is the presets file's, within the wider box. */
const ListedVariantSpec = variantSpecSchema(VARIANT_BOX);

export const PresetBody = z
  .object({
    name: z.string(),
    owner: z.enum(['global', 'tenant']).describe("`tenant`: this tenant's own, shadowing any global preset of the name"),
    specHash: z.string().describe('Changes whenever any variant would render differently'),
    variants: z.array(ListedVariantSpec),
  })
  .meta({ id: 'Preset' });

export const PresetNameParams = z.strictObject({
  name: z.string().min(1).max(64).regex(PRESET_NAME, 'preset names use lower-case letters, digits, "-" and "_"'),
});

export const listPresetsSchema = {
  tags: ['presets'],
  summary: 'The presets this tenant can use: the global ones and its own (which shadow globals of the same name)',
  response: { 200: z.object({ items: z.array(PresetBody) }), ...tenantErrors },
};

export const putPresetSchema = {
  tags: ['presets'],
  summary: "Create or replace one of the tenant's own presets",
  params: PresetNameParams,
  body: z.strictObject({
    variants: z
      .array(VariantSpecBody)
      .min(1)
      .max(10)
      .refine((specs) => new Set(specs.map((s) => s.name)).size === specs.length, 'variant names must be unique'),
  }),
  response: { 200: z.object({ preset: PresetBody }), 400: ErrorBody, ...tenantErrors, 409: ErrorBody },
};

export const deletePresetSchema = {
  tags: ['presets'],
  summary: "Delete one of the tenant's own presets (assets keep the variants they have)",
  params: z.strictObject({ name: z.string().max(200) }),
  response: { 204: z.null().describe('Deleted'), ...tenantErrors, 404: ErrorBody },
};

export const backfillPresetSchema = {
  tags: ['presets'],
  summary: "Re-render the stale variants of the tenant's ready assets of a preset, on the backfill lane",
  params: z.strictObject({ name: z.string().max(200) }),
  body: z.strictObject({ dryRun: z.boolean().default(false) }).default({ dryRun: false }),
  response: {
    202: z.object({
      matched: z.number().int().describe('Ready assets of the preset with a stale variant'),
      queued: z.number().int().describe('Jobs queued now; the rest follow as the backfill lane drains (BACKFILL_WINDOW)'),
    }),
    400: ErrorBody,
    ...tenantErrors,
    404: ErrorBody,
  },
};

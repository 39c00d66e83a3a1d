/**
 * An imported asset's metadata: the item's over the import's, and `"import": { id, source }`
 * (docs/api.md#imports-tenant-api-key), which says where it came from whatever the item's own keys are.
 */
export function importMetadataOf(params: {
  importId: string;
  source: string;
  importMetadata: Record<string, unknown> | null;
  itemMetadata: Record<string, unknown> | null;
}): Record<string, unknown> {
  return { ...params.importMetadata, ...params.itemMetadata, import: { id: params.importId, source: params.source } };
}

// During `pulumi preview`, inputs that depend on not-yet-created resources arrive as this sentinel
// string, at any depth (pulumi-dynamic-providers.md §2, "Preview and unknowns").
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

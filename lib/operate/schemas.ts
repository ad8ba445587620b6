/**
 * JSON Schemas for the contract, from the validators' Standard JSON Schema
 * (`schema['~standard'].jsonSchema`, which zod 4 implements): switchboard depends on no validator, and
 * a schema without it is documented as "any JSON". Definitions a schema carries for itself are moved into
 * the document's `components.schemas`, so its `$ref`s still resolve once it sits inside the document.
 */
import type { StandardSchemaV1 } from '../contract/standard-schema';

export type JsonSchema = Record<string, unknown>;

/** What the client sends is the schema's input; what the server sends, its output. */
export type Direction = 'input' | 'output';

interface Converter {
  readonly input?: (options: { target: string }) => JsonSchema;
  readonly output?: (options: { target: string }) => JsonSchema;
}

/**
 * The JSON Schema (draft-07, which AsyncAPI's schema format extends) of one side of a Standard Schema;
 * null when the validator offers none or cannot express this one (a transform, a custom check).
 */
export function standardJsonSchema(schema: StandardSchemaV1, direction: Direction): JsonSchema | null {
  const converter = (schema['~standard'] as { jsonSchema?: Converter }).jsonSchema;
  const convert = converter?.[direction];
  if (typeof convert !== 'function') return null;
  try {
    const result = convert({ target: 'draft-07' });
    return result !== null && typeof result === 'object' ? result : null;
  } catch {
    return null;
  }
}

/**
 * Puts `schema` into `components` under `name` (its own definitions beside it, as `name.definition`) and
 * returns the `$ref` to it. `#` and `#/definitions/…` references are rewritten to the new places.
 */
export function addComponent(components: Record<string, JsonSchema>, name: string, schema: JsonSchema): JsonSchema {
  // $schema is the document's business (AsyncAPI's schema format), not the payload's.
  const { definitions, $defs, ...root } = schema;
  delete root.$schema;
  const base = `#/components/schemas/${name}`;
  const local = { ...(definitions as Record<string, JsonSchema> | undefined), ...($defs as Record<string, JsonSchema> | undefined) };
  const rename = (definition: string): string => `${name}.${definition.replace(/[^\w.-]/g, '_')}`;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => {
        if (key !== '$ref' || typeof v !== 'string') return [key, rewrite(v)];
        if (v === '#') return [key, base];
        const m = /^#\/(?:definitions|\$defs)\/(.+)$/.exec(v);
        return [key, m === null ? v : `#/components/schemas/${rename(decodeURIComponent(m[1]!))}`];
      }),
    );
  };
  components[name] = rewrite(root) as JsonSchema;
  for (const [definition, value] of Object.entries(local)) components[rename(definition)] = rewrite(value) as JsonSchema;
  return { $ref: base };
}

/** The `examples` a schema declares (zod: `.meta({ examples: […] })`). */
export function examplesOf(schema: JsonSchema | null): unknown[] {
  const examples = schema?.examples;
  return Array.isArray(examples) ? examples : [];
}

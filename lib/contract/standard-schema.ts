/**
 * The Standard Schema interface (standardschema.dev), which zod 4, valibot and arktype implement.
 * Declared here, types only, so neither the client nor the server depends on any validator: a channel
 * carries the schema objects, the client reads their types, the server validates with them.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

export type StandardResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: readonly StandardIssue[] };

export interface StandardIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/**
 * What a schema accepts: the type a sender must produce.
 * @example
 * type SayData = InferInput<typeof chat.requests.say.data>; // { text: string }
 */
export type InferInput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['input'];

/** What a schema yields once it has validated (after its transforms). */
export type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];

/** True for an object that declares Standard Schema version 1 and has a `validate` function. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const standard = (value as { '~standard'?: { version?: unknown; validate?: unknown } } | null | undefined)?.['~standard'];
  return standard?.version === 1 && typeof standard.validate === 'function';
}

/**
 * The part of the Standard Schema interface (standardschema.dev) a channel needs: the version tag and
 * the input and output types. zod 4, valibot and arktype schemas all match it. Types only, so the client
 * depends on no validator; the server validates with the same schema objects.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
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

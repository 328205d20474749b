import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
/** The shape both of Fastify's factories share: options of an app, then a compile function for its routes. */
type Factory = (externalSchemas: unknown, options: unknown) => (route: { schema: unknown }) => unknown;

/**
 * Fastify's own compilers (Ajv for requests, fast-json-stringify for answers), with every
 * compiled function kept for the life of the process and shared by every app built in it.
 * Fastify compiles each route's schemas again for each app (about 0.2 s for this API's
 * routes); an app built again in the same process (the tests build one for each test)
 * now takes the functions already compiled from the same schema text under the same
 * options. Compiled functions hold no state, so sharing them changes no answer.
 *
 * Options are compared by their JSON text, which leaves out functions (Ajv plugins): this
 * app passes none. With a factory of its own, Fastify no longer lower-cases the property
 * names of a route's `headers` schema: write them in lower case (no route has one today).
 */
export const compilersFactory: CompilersFactory = {
  buildValidator: memoize(AjvCompiler() as Factory) as CompilersFactory['buildValidator'],
  buildSerializer: memoize(SerializerSelector() as Factory) as CompilersFactory['buildSerializer'],
};

/** The factory's compile function, remembered by the text of its options and of each schema. */
function memoize(build: Factory): Factory {
  const compiled = new Map<string, unknown>();
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    const scope = JSON.stringify([externalSchemas, options]);
    return (route) => {
      const key = `${scope}\n${JSON.stringify(route.schema)}`;
      let fn = compiled.get(key);
      if (fn === undefined) {
        fn = compile(route);
        compiled.set(key, fn);
      }
      return fn;
    };
  };
}

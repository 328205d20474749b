import { isDeepStrictEqual } from 'node:util';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpApp } from '../../src/http/app.js';

/**
 * Contract tests: every answer of a test app is checked against the OpenAPI document the
 * same app serves. The status must be declared for the operation, the media type must be
 * the declared one and the JSON body must validate (ajv, JSON Schema 2020-12 as in
 * OpenAPI 3.1); and serialization must not have dropped or changed anything the handler
 * sent, so a field missing from a schema shows up here instead of silently vanishing.
 */

interface MediaObject {
  schema?: object;
}
interface ResponseObject {
  content?: Record<string, MediaObject>;
}
interface OperationObject {
  responses?: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
/** Compiled once per distinct schema: every harness serves (nearly) the same document. */
const validators = new Map<string, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

/** `/a/:id/b` (Fastify) as `/a/{id}/b` (OpenAPI). */
export function openApiPathOf(routeUrl: string): string {
  return routeUrl.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export interface ContractAnswer {
  method: string;
  /** The route's URL template as registered (`/api/v1/auth/challenges/:id/verify`). */
  route: string;
  status: number;
  contentType: string | undefined;
  body: string;
}

/** Why `answer` breaks the document's contract, or null when it keeps it. */
export function contractViolationOf(document: OpenApiDocument, answer: ContractAnswer): string | null {
  const label = `${answer.method} ${answer.route} → ${answer.status}`;
  const operation = document.paths[openApiPathOf(answer.route)]?.[answer.method.toLowerCase()];
  if (!operation) return `${label}: the operation is not in the OpenAPI document`;
  const response = operation.responses?.[String(answer.status)];
  if (!response) return `${label}: status not declared (declared: ${Object.keys(operation.responses ?? {}).join(', ')})`;
  if (!response.content) return answer.body === '' ? null : `${label}: declared without a body, but one was sent`;
  const mediaType = (answer.contentType ?? '').split(';')[0]!.trim();
  const schema = response.content[mediaType]?.schema;
  if (!schema) return `${label}: content type ${mediaType || '(none)'} not declared (declared: ${Object.keys(response.content).join(', ')})`;
  // A download (CSV, JSON lines) is text of its declared media type, not one JSON document.
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) return null;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `${label}: the body is not JSON`;
  }
  const validate = validatorFor(schema);
  if (validate(body)) return null;
  return `${label}: the body does not match its schema: ${ajv.errorsText(validate.errors)} in ${answer.body.slice(0, 500)}`;
}

/** Why the serialized body differs from what the handler sent (a field dropped or a value changed), or null. */
export function serializationLossOf(sent: unknown, serialized: string): string | null {
  let received: unknown;
  try {
    received = JSON.parse(serialized);
  } catch {
    return null;
  }
  const expected: unknown = JSON.parse(JSON.stringify(sent) ?? 'null');
  if (isDeepStrictEqual(expected, received)) return null;
  return `serialization changed the body: sent ${JSON.stringify(expected).slice(0, 500)}, answered ${serialized.slice(0, 500)}`;
}

const sentPayload = Symbol('contract: payload before serialization');
type Tracked = FastifyRequest & { [sentPayload]?: unknown };

/**
 * Checks every answer of `app` (before its first request) and reports each violation to
 * `report`. Routes hidden from the document, HEAD requests and answers of no route (404s
 * of unknown paths, unroutable URLs) are not operations of the document and are skipped.
 */
export function checkContract(app: HttpApp, report: (violation: string) => void): void {
  let document: OpenApiDocument | undefined;
  app.addHook('preSerialization', async (request: Tracked, _reply: FastifyReply, payload: unknown) => {
    request[sentPayload] = payload;
    return payload;
  });
  app.addHook('onSend', async (request: Tracked, reply: FastifyReply, payload: unknown) => {
    const route = request.routeOptions.url;
    if (route === undefined || request.method === 'HEAD' || request.routeOptions.schema?.hide) return payload;
    document ??= app.swagger() as unknown as OpenApiDocument;
    // Fastify never sends a body with 204, whatever the serializer made of `null`.
    const noBody = reply.statusCode === 204 || payload === null || payload === undefined;
    const body = noBody ? '' : typeof payload === 'string' ? payload : String(payload);
    const contentType = reply.getHeader('content-type');
    const answer = { method: request.method, route, status: reply.statusCode, contentType: typeof contentType === 'string' ? contentType : undefined, body };
    const violation = contractViolationOf(document, answer);
    if (violation) report(violation);
    if (sentPayload in request && body !== '') {
      const loss = serializationLossOf(request[sentPayload], body);
      if (loss) report(`${answer.method} ${route} → ${answer.status}: ${loss}`);
    }
    return payload;
  });
}

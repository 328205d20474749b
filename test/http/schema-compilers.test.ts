import { describe, expect, it } from 'vitest';
import { compilersFactory } from '../../src/http/schema-compilers.js';

const ajvOptions = { customOptions: { coerceTypes: false } };
const schemaOf = (max: number) => ({ type: 'object', properties: { code: { type: 'string', maxLength: max } }, required: ['code'] });

describe('schema compilers shared by the apps of one process', () => {
  it('compiles a request schema once for the same text and options, and validates as Ajv does', () => {
    const first = compilersFactory.buildValidator!({}, ajvOptions)({ schema: schemaOf(6), method: 'POST', url: '/a', httpPart: 'body' });
    const again = compilersFactory.buildValidator!({}, ajvOptions)({ schema: schemaOf(6), method: 'POST', url: '/b', httpPart: 'body' });
    expect(again).toBe(first);
    expect(first({ code: '123456' })).toBe(true);
    expect(first({ code: '1234567' })).toBe(false);
    expect(first({})).toBe(false);
  });

  it('compiles again for another schema or other options', () => {
    const six = compilersFactory.buildValidator!({}, ajvOptions)({ schema: schemaOf(6), method: 'POST', url: '/a', httpPart: 'body' });
    const eight = compilersFactory.buildValidator!({}, ajvOptions)({ schema: schemaOf(8), method: 'POST', url: '/a', httpPart: 'body' });
    const coercing = compilersFactory.buildValidator!(
      {},
      { customOptions: { coerceTypes: true } },
    )({ schema: schemaOf(6), method: 'POST', url: '/a', httpPart: 'body' });
    expect(eight).not.toBe(six);
    expect(eight({ code: '1234567' })).toBe(true);
    expect(coercing).not.toBe(six);
    expect(coercing({ code: 123456 })).toBe(true);
    expect(six({ code: 123456 })).toBe(false);
  });

  it('compiles an answer schema once, and serializes only its properties', () => {
    const schema = () => ({ type: 'object', properties: { status: { type: 'string' } } });
    const first = compilersFactory.buildSerializer!({}, {})({ schema: schema(), method: 'GET', url: '/a', httpStatus: '200' });
    const again = compilersFactory.buildSerializer!({}, {})({ schema: schema(), method: 'GET', url: '/b', httpStatus: '200' });
    expect(again).toBe(first);
    expect(first({ status: 'ok', secret: 'never' })).toBe('{"status":"ok"}');
  });
});

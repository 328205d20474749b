import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { systemRandom } from '../../src/adapters/system.js';
import { generateToken } from '../../src/adapters/tokens.js';
import { joinOptionValues } from '../../src/cli/index.js';
import type { Random } from '../../src/domain/ports.js';
import { newId } from '../../src/services/deps.js';

/** A Random whose every answer starts with `first` (the rest zero). */
function startingWith(first: number): Random {
  return { bytes: (length) => Uint8Array.from({ length }, (_, i) => (i === 0 ? first : 0)) };
}

describe('ids and tokens the product makes', () => {
  it('never start with "-", whatever the first random byte', () => {
    for (let first = 0; first < 256; first += 1) {
      const id = newId({ random: startingWith(first) });
      expect(id, `first byte ${first}`).toMatch(/^[A-Za-f][A-Za-z0-9_-]{21}$/);
      expect(generateToken(startingWith(first))).toMatch(/^[A-Za-f][A-Za-z0-9_-]{42}$/);
    }
  });

  it('keep 127 random bits: 20,000 ids from the system random source are distinct and none starts with "-"', () => {
    const ids = Array.from({ length: 20_000 }, () => newId({ random: systemRandom }));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    // The first character still varies over its 32 possible values.
    expect(new Set(ids.map((id) => id[0])).size).toBe(32);
  });

  it('are read back as option values by the CLI, also ids of older rows that start with "-"', () => {
    const options = { workspace: { type: 'string' as const }, email: { type: 'string' as const }, json: { type: 'boolean' as const } };
    const flags = ['workspace', 'email'];
    const ids = [...Array.from({ length: 2_000 }, () => newId({ random: systemRandom })), '-H9c50j4f3IH0KuJxI098w', '--x', '-'];
    for (const id of ids) {
      const args = joinOptionValues(['--workspace', id, '--email', 'a@example.com', '--json'], flags, Object.keys(options));
      const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
      expect(values, id).toEqual({ workspace: id, email: 'a@example.com', json: true });
    }
  });

  it("still report a missing value when the next word is one of the command's options", () => {
    const options = { name: { type: 'string' as const }, json: { type: 'boolean' as const } };
    const args = joinOptionValues(['--name', '--json'], ['name'], Object.keys(options));
    expect(args).toEqual(['--name', '--json']);
    expect(() => parseArgs({ args, options, strict: true, allowPositionals: false })).toThrow();
  });
});

/** The languages the product writes in (issue 14): its emails, and the console's catalogues. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'zh-CN';
}

/** Longest `Accept-Language` header read; a longer one is ignored rather than parsed. */
const MAX_HEADER_LENGTH = 1024;
const MAX_ENTRIES = 32;
const TAG = /^(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$/;
const QUALITY = /^q=(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

/**
 * The language an `Accept-Language` header (RFC 9110 §12.5.4) asks for: `zh-CN` when its
 * most preferred tag is Chinese (`zh`, `zh-CN`, `zh-Hans`, `zh-SG`, …; q-values honoured,
 * ties keep header order), `en` for anything else it prefers; undefined when there is no
 * header or it does not parse (then nothing is decided from it).
 */
export function localeFromAcceptLanguage(header: string | undefined | null): Locale | undefined {
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_HEADER_LENGTH) return undefined;
  const parts = header.split(',');
  if (parts.length > MAX_ENTRIES) return undefined;
  let best: { tag: string; q: number } | undefined;
  for (const part of parts) {
    const [rawTag, ...params] = part.split(';').map((p) => p.trim());
    if (rawTag === undefined || rawTag === '') {
      if (params.length === 0) continue; // "en, , zh": an empty list element is allowed
      return undefined;
    }
    if (!TAG.test(rawTag)) return undefined;
    let q = 1;
    for (const param of params) {
      if (!QUALITY.test(param)) return undefined;
      q = Number(param.slice(2));
    }
    if (q > 0 && (best === undefined || q > best.q)) best = { tag: rawTag.toLowerCase(), q };
  }
  if (!best) return undefined;
  return best.tag === 'zh' || best.tag.startsWith('zh-') ? 'zh-CN' : 'en';
}

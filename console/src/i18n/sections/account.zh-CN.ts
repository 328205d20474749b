import type { Catalogue } from '../en.js';
import type { accountEn } from './account.en.js';

/** account 页面的简体中文文本（键与 account.en.ts 相同）。 */
export const accountZhCN: Catalogue<typeof accountEn> = {};

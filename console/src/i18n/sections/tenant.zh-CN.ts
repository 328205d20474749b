import type { Catalogue } from '../en.js';
import type { tenantEn } from './tenant.en.js';

/** tenant 页面的简体中文文本（键与 tenant.en.ts 相同）。 */
export const tenantZhCN: Catalogue<typeof tenantEn> = {};

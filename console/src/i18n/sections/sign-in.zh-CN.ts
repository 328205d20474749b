import type { Catalogue } from '../en.js';
import type { signInEn } from './sign-in.en.js';

/** sign-in 页面的简体中文文本（键与 sign-in.en.ts 相同）。 */
export const signInZhCN: Catalogue<typeof signInEn> = {};

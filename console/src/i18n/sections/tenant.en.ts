/** English texts of the tenant screens (a section of en.ts; see en.ts for the conventions). */
export const tenantEn = {} as const;

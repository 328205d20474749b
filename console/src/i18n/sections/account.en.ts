/** English texts of the account screens (a section of en.ts; see en.ts for the conventions). */
export const accountEn = {} as const;

/** English texts of the sign-in screens (a section of en.ts; see en.ts for the conventions). */
export const signInEn = {} as const;

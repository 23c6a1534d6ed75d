/** How many cases run at once unless told otherwise (a light module: the CLI reads it at startup). */
export const DEFAULT_CONCURRENCY = 8;

// Output order must not depend on the machine: String.prototype.localeCompare follows the
// process locale (LANG/LC_ALL; Danish sorts "aa" after "z"), so everything the library emits or
// reports is sorted by UTF-16 code units instead.

/** Compare two strings by code units: the same order on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

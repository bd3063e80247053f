// Types of lock-check.mjs for the unit tests.
export interface Lock {
  packages?: Record<string, { optional?: boolean; optionalDependencies?: Record<string, string> }>;
}
export function missingOptional(lock: Lock): string[];
export function realDifferences(oldLock: Lock, newLock: Lock): string[];

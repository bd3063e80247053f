import { onBeforeUnmount } from "vue";

/** A debounced call that is cancelled with the component. */
export function useDebouncedFn<A extends unknown[]>(fn: (...args: A) => void, ms = 300) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  onBeforeUnmount(cancel);
  const run = (...args: A) => {
    cancel();
    timer = setTimeout(() => {
      timer = null;
      fn(...args);
    }, ms);
  };
  return Object.assign(run, { cancel });
}

/** Tickets for async loads: only the latest load may write its answer (older ones are dropped). */
export function latestOnly() {
  let seq = 0;
  return {
    next: () => ++seq,
    isCurrent: (n: number) => n === seq,
  };
}

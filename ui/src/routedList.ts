// A list paged with Previous/Next whose query (tab, page…) lives in the URL, so Back from an
// item returns to the same place (the customer's requests, the professional's jobs). It loads
// when the query changes while the list's own page is shown, ignores answers to superseded
// queries, and steps back a page when the current one has emptied meanwhile (e.g. requests
// were closed) instead of showing nothing. `refresh` reloads the shown page in place (a live
// update): no dimming, and a failure keeps what is shown.
import { computed, ref, watch, type Ref } from "vue";
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from "vue-router";
import { latestOnly } from "./debounce";

export interface RoutedListOptions<Q, R> {
  /** The list page's path: other routes (e.g. an item's detail) do not reload it. */
  path: string;
  fromRoute: (query: LocationQuery) => Q;
  toRoute: (query: Q) => LocationQueryRaw;
  /** Runs the Rust command for one page. */
  fetch: (query: Q) => Promise<R>;
}

export function useRoutedList<Q extends { page: number }, R extends { items: unknown[] }>(opts: RoutedListOptions<Q, R>) {
  const route = useRoute();
  const router = useRouter();
  const query = computed(() => opts.fromRoute(route.query));
  const queryKey = computed(() => JSON.stringify(query.value));

  const result = ref(null) as Ref<R | null>;
  const loading = ref(true);
  const loadError = ref<string | null>(null);
  const latest = latestOnly();

  /** Changes part of the query (the page, a tab) in the URL; the watcher then loads it. */
  function go(patch: Partial<Q>) {
    void router.replace({ path: opts.path, query: opts.toRoute({ ...query.value, ...patch }) });
  }

  async function fetchPage(quiet: boolean) {
    const q = query.value;
    const ticket = latest.next();
    if (!quiet) {
      loading.value = true;
      loadError.value = null;
    }
    try {
      const page = await opts.fetch(q);
      if (!latest.isCurrent(ticket)) return;
      if (page.items.length === 0 && q.page > 1) return go({ page: q.page - 1 } as Partial<Q>);
      result.value = page;
      loadError.value = null;
    } catch (err) {
      // A background refresh that fails keeps what is shown (there is something to show).
      if (latest.isCurrent(ticket) && !(quiet && result.value)) loadError.value = err instanceof Error ? err.message : String(err);
    } finally {
      if (latest.isCurrent(ticket)) loading.value = false;
    }
  }

  const load = () => fetchPage(false);
  /** Reloads the shown page in place; nothing once the list's own page is left. */
  const refresh = () => (route.path === opts.path ? fetchPage(true) : undefined);

  watch(
    queryKey,
    () => {
      if (route.path === opts.path) void load();
    },
    { immediate: true },
  );

  return { query, result, loading, loadError, load, refresh, go };
}

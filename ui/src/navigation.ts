// What happens to the scroll position and the keyboard focus when another page opens.
//
// - Scroll: a new page starts at the top (Back/Forward return to where that page was left);
//   a change of query on the same page (filters, tabs, paging in the URL) keeps the position.
// - Focus: moves to the new page's heading (its h1, made focusable with tabindex="-1"), so
//   keyboard and screen-reader users start at the top of the new page instead of on a link
//   of the old one. Pages that load their data first render the heading later: it gets the
//   focus when it appears. Unless, meanwhile, the page put the focus in a form field itself
//   (the sign-in and registration forms start in their first field) or the person moved it.
import { nextTick } from "vue";
import type { RouteLocationNormalized, RouterScrollBehavior } from "vue-router";

/** How long a page may take to render its heading (it loads its data first). */
export const HEADING_WAIT_MS = 5000;

export const scrollBehavior: RouterScrollBehavior = (to, from, savedPosition) => {
  if (from.matched.length > 0 && to.path === from.path) return false;
  // "instant": Bootstrap turns on smooth scrolling for the whole document.
  return savedPosition ?? { top: 0, left: 0, behavior: "instant" };
};

/** Whether a navigation opens another page (not only another query of the same one). */
export function isPageChange(to: RouteLocationNormalized, from: RouteLocationNormalized): boolean {
  return from.matched.length === 0 || to.path !== from.path;
}

let generation = 0;

function isField(el: Element | null): boolean {
  return !!el && el.matches("input, select, textarea, [contenteditable=''], [contenteditable='true']");
}

function pageHeading(root: ParentNode): HTMLElement | null {
  return root.querySelector<HTMLElement>("h1");
}

/**
 * Focuses the page heading once it is rendered (now, or when it appears within `waitMs`).
 * Resolves true when it did; false when a later navigation, a field the page focused or the
 * person's own focus change came first, or no heading appeared in time.
 */
export function focusPageHeading(root: ParentNode = document, waitMs = HEADING_WAIT_MS): Promise<boolean> {
  const mine = ++generation;
  const focusedBefore = document.activeElement;
  return new Promise((resolve) => {
    let observer: MutationObserver | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const finish = (done: boolean) => {
      observer?.disconnect();
      if (timer !== null) clearTimeout(timer);
      resolve(done);
    };
    /** Focuses the heading if it is there; true when there is nothing more to wait for. */
    const attempt = (): boolean => {
      // A later navigation took over (or the document is gone: tests tear it down).
      if (mine !== generation || typeof document === "undefined") {
        finish(false);
        return true;
      }
      const active = document.activeElement;
      // The new page focused one of its fields (autofocus), or the person moved on.
      if (isField(active) || (active !== focusedBefore && active !== document.body && active !== null)) {
        finish(false);
        return true;
      }
      const heading = pageHeading(root);
      if (!heading) return false;
      if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
      finish(true);
      return true;
    };
    void nextTick(() => {
      if (attempt()) return;
      observer = new MutationObserver(() => void attempt());
      observer.observe(root instanceof Document ? root.body : (root as Node), { childList: true, subtree: true });
      timer = setTimeout(() => finish(false), waitMs);
    });
  });
}

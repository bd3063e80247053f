// Bootstrap 5.3 colour modes: `data-bs-theme` on <html>; "system" follows the OS live.
import { ref } from "vue";
import type { Theme } from "./bindings";

export const currentTheme = ref<Theme>("system");

let media: MediaQueryList | null = null;
let mediaListener: ((e: MediaQueryListEvent) => void) | null = null;

function darkQuery(): MediaQueryList | null {
  return typeof window !== "undefined" && typeof window.matchMedia === "function"
    ? window.matchMedia("(prefers-color-scheme: dark)")
    : null;
}

export function resolveTheme(theme: Theme, systemDark: boolean): "light" | "dark" {
  if (theme === "system") return systemDark ? "dark" : "light";
  return theme;
}

function setAttribute(mode: "light" | "dark") {
  document.documentElement.setAttribute("data-bs-theme", mode);
}

export function applyTheme(theme: Theme): void {
  currentTheme.value = theme;
  if (media && mediaListener) media.removeEventListener("change", mediaListener);
  media = null;
  mediaListener = null;
  const query = darkQuery();
  setAttribute(resolveTheme(theme, query?.matches ?? false));
  if (theme === "system" && query) {
    mediaListener = (e) => setAttribute(e.matches ? "dark" : "light");
    query.addEventListener("change", mediaListener);
    media = query;
  }
}

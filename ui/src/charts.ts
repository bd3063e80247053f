// Chart.js, tree-shaken: only the controllers, elements and plugins the dashboard uses.
// Colours come from Bootstrap's CSS variables so the charts follow light/dark mode.
import {
  ArcElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { LOCALE, type BsColor } from "./format";

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  Filler,
  DoughnutController,
  ArcElement,
  Tooltip,
  Legend,
);

// Tick and tooltip numbers in the UI's one locale (format.ts), not the webview's default.
Chart.defaults.locale = LOCALE;

export { Chart };

export interface ThemeColors {
  text: string;
  muted: string;
  grid: string;
  surface: string;
  color: (name: BsColor) => string;
  /** `name` at the given opacity, for fills. */
  translucent: (name: BsColor, alpha: number) => string;
}

const FALLBACK: Record<string, string> = {
  "--bs-body-color": "#212529",
  "--bs-secondary-color": "rgba(33, 37, 41, 0.75)",
  "--bs-border-color-translucent": "rgba(0, 0, 0, 0.175)",
  "--bs-body-bg": "#fff",
};

/** Reads the current Bootstrap palette (re-read after the theme changes). */
export function themeColors(el: Element = document.documentElement): ThemeColors {
  const style = getComputedStyle(el);
  const v = (name: string) => style.getPropertyValue(name).trim() || FALLBACK[name] || "#6c757d";
  return {
    text: v("--bs-body-color"),
    muted: v("--bs-secondary-color"),
    grid: v("--bs-border-color-translucent"),
    surface: v("--bs-body-bg"),
    // "dark" (expired requests) is the page's own background in dark mode: drawn in the
    // emphasis colour instead (near-black in light mode, near-white in dark mode).
    color: (name) => (name === "dark" ? v("--bs-emphasis-color") : v(`--bs-${name}`)),
    translucent: (name, alpha) => {
      const rgb = style.getPropertyValue(name === "dark" ? "--bs-emphasis-color-rgb" : `--bs-${name}-rgb`).trim();
      return rgb ? `rgba(${rgb}, ${alpha})` : v(`--bs-${name}`);
    },
  };
}

/** Calls `onChange` whenever `data-bs-theme` on <html> changes; returns the disconnect. */
export function watchTheme(onChange: () => void): () => void {
  if (typeof MutationObserver === "undefined") return () => undefined;
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-bs-theme"] });
  return () => observer.disconnect();
}

export function prefersReducedMotion(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

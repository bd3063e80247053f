// jsdom has no layout: window.scrollTo only logs "Not implemented". The router resets the
// scroll position on every page change (navigation.ts), so give it a quiet stand-in that
// tests can spy on.
if (typeof window !== "undefined") window.scrollTo = (() => {}) as typeof window.scrollTo;

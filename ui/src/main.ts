import "bootstrap/dist/css/bootstrap.min.css";
import "bootstrap-icons/font/bootstrap-icons.min.css";
import "./styles.css";
// Registers Bootstrap's data API (dropdowns, navbar collapse).
import "bootstrap";

import { createApp } from "vue";
import App from "./App.vue";
import { commands } from "./bindings";
import { call, setFailureHandler } from "./api";
import { createActivityTracker, installActivityListeners } from "./activity";
import { listenForConnection, loadConnection } from "./connection";
import { listenForExportFinished } from "./exports";
import { startCounterIdle } from "./idleCountdown";
import { followKiosk, listenForKiosk, loadKiosk } from "./kiosk";
import { listenForLiveUpdates } from "./live";
import { startNotificationCentre } from "./notifications";
import { createAppRouter } from "./router";
import { session, setUser } from "./session";
import { handleFailure, listenForSessionEnd, loadTheme, loadStatus, useRouterForShell } from "./shell";
import { applyTheme } from "./theme";

async function start() {
  applyTheme("system");
  setFailureHandler(handleFailure);

  const router = createAppRouter();
  useRouterForShell(router);

  await Promise.all([loadTheme(), loadStatus(), loadConnection(), loadKiosk(), listenForKiosk()]);
  // A counter terminal (kiosk) is re-read after enrolling, signing in and out.
  followKiosk();
  void listenForConnection();
  void listenForSessionEnd();
  // Admins get a toast when a background export ends, whichever page they are on.
  void listenForExportFinished();
  // Pages (and the bell) reload what they show when another machine changes it.
  void listenForLiveUpdates();
  // The navbar bell: refreshed on sign-in, on live `notifications` updates and every minute.
  startNotificationCentre();

  // Real input (pointer, key, wheel) is the only activity the idle sign-out counts.
  const tracker = createActivityTracker({
    isSignedIn: () => session.user !== null,
    touch: async () => {
      // The idle countdown counts from what the server has heard.
      idle.touched();
      const user = await call(commands.touchSession(), { toast: false });
      if (session.user) setUser(user);
    },
  });
  installActivityListeners(() => tracker.onActivity());
  // Counter terminals: a visible countdown before the idle sign-out.
  const idle = startCounterIdle(router, () => tracker.touchNow());

  const app = createApp(App);
  app.use(router);
  await router.isReady();
  app.mount("#app");
}

void start();

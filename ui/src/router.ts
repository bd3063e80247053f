import {
  createRouter,
  createWebHashHistory,
  type RouteRecordRaw,
  type Router,
  type RouterHistory,
} from "vue-router";
import { decide, type RouteAccess } from "./guard";
import { withHistoryWall } from "./historyWall";
import { focusPageHeading, isPageChange, scrollBehavior } from "./navigation";
import { session } from "./session";
import SetupPage from "./pages/SetupPage.vue";
import LoginPage from "./pages/LoginPage.vue";
import ResetPasswordPage from "./pages/ResetPasswordPage.vue";
import EnrolPage from "./pages/EnrolPage.vue";
import RegisterCustomerPage from "./pages/RegisterCustomerPage.vue";
import RegisterProfessionalPage from "./pages/RegisterProfessionalPage.vue";
import HomePage from "./pages/HomePage.vue";
import SettingsPage from "./pages/SettingsPage.vue";
import ServicesPage from "./pages/admin/ServicesPage.vue";
import PeoplePage from "./pages/admin/PeoplePage.vue";
import PersonDetailPage from "./pages/admin/PersonDetailPage.vue";
import RequestsPage from "./pages/admin/RequestsPage.vue";
import RequestDetailPage from "./pages/admin/RequestDetailPage.vue";
import ExportsPage from "./pages/admin/ExportsPage.vue";
import BackgroundJobsPage from "./pages/admin/BackgroundJobsPage.vue";
import BackupsPage from "./pages/admin/BackupsPage.vue";
import TerminalsPage from "./pages/admin/TerminalsPage.vue";
import DispatchPage from "./pages/admin/DispatchPage.vue";
import ComplaintsPage from "./pages/admin/ComplaintsPage.vue";
import ComplaintDetailPage from "./pages/admin/ComplaintDetailPage.vue";
import FindServicesPage from "./pages/customer/FindServicesPage.vue";
import MyRequestsPage from "./pages/customer/MyRequestsPage.vue";
import CustomerRequestDetailPage from "./pages/customer/RequestDetailPage.vue";
import CustomerProfilePage from "./pages/customer/ProfilePage.vue";
import FeedPage from "./pages/professional/FeedPage.vue";
import JobsPage from "./pages/professional/JobsPage.vue";
import ProfessionalProfilePage from "./pages/professional/ProfilePage.vue";
import AvailabilityPage from "./pages/professional/AvailabilityPage.vue";
import WeekPage from "./pages/professional/WeekPage.vue";

declare module "vue-router" {
  interface RouteMeta {
    access?: RouteAccess;
    /** "app": inside the navbar layout (signed-in pages). */
    layout?: "app";
    title?: string;
  }
}

const Empty = { render: () => null };

export const routes: RouteRecordRaw[] = [
  { path: "/", component: Empty },
  { path: "/setup", component: SetupPage, meta: { access: { kind: "setup" }, title: "Set up" } },
  { path: "/enrol", component: EnrolPage, meta: { access: { kind: "enrol" }, title: "Enrol this computer" } },
  { path: "/login", component: LoginPage, meta: { access: { kind: "guest" }, title: "Sign in" } },
  {
    path: "/reset-password",
    component: ResetPasswordPage,
    meta: { access: { kind: "guest" }, title: "Reset your password" },
  },
  {
    path: "/register/customer",
    component: RegisterCustomerPage,
    meta: { access: { kind: "guest" }, title: "Create a customer account" },
  },
  {
    path: "/register/professional",
    component: RegisterProfessionalPage,
    meta: { access: { kind: "guest" }, title: "Join as a professional" },
  },
  {
    path: "/admin",
    component: HomePage,
    meta: { access: { role: "admin" }, layout: "app", title: "Admin dashboard" },
  },
  {
    path: "/admin/services",
    component: ServicesPage,
    meta: { access: { role: "admin" }, layout: "app", title: "Services" },
  },
  {
    path: "/admin/people",
    component: PeoplePage,
    meta: { access: { role: "admin" }, layout: "app", title: "People" },
  },
  {
    path: "/admin/people/:id(\\d+)",
    component: PersonDetailPage,
    meta: { access: { role: "admin" }, layout: "app", title: "Person" },
  },
  {
    path: "/admin/requests",
    component: RequestsPage,
    meta: { access: { role: "admin" }, layout: "app", title: "Requests" },
  },
  {
    path: "/admin/requests/:id(\\d+)",
    component: RequestDetailPage,
    meta: { access: { role: "admin" }, layout: "app", title: "Request" },
  },
  {
    path: "/admin/dispatch",
    component: DispatchPage,
    meta: { access: { role: "admin" }, layout: "app", title: "Dispatch" },
  },
  {
    path: "/admin/complaints",
    component: ComplaintsPage,
    meta: { access: { role: "admin" }, layout: "app", title: "Complaints" },
  },
  {
    path: "/admin/complaints/:id(\\d+)",
    component: ComplaintDetailPage,
    meta: { access: { role: "admin" }, layout: "app", title: "Complaint" },
  },
  {
    path: "/admin/exports",
    component: ExportsPage,
    meta: { access: { role: "admin" }, layout: "app", title: "Exports" },
  },
  {
    path: "/admin/backups",
    component: BackupsPage,
    meta: { access: { role: "admin" }, layout: "app", title: "Backups" },
  },
  {
    path: "/admin/jobs",
    component: BackgroundJobsPage,
    meta: { access: { role: "admin" }, layout: "app", title: "Background jobs" },
  },
  {
    path: "/admin/terminals",
    component: TerminalsPage,
    meta: { access: { role: "admin" }, layout: "app", title: "Terminals" },
  },
  {
    path: "/professional",
    component: HomePage,
    meta: { access: { role: "professional" }, layout: "app", title: "Professional home" },
  },
  {
    path: "/professional/feed",
    component: FeedPage,
    meta: { access: { role: "professional" }, layout: "app", title: "Feed" },
  },
  {
    path: "/professional/jobs",
    component: JobsPage,
    meta: { access: { role: "professional" }, layout: "app", title: "My jobs" },
  },
  {
    path: "/professional/week",
    component: WeekPage,
    meta: { access: { role: "professional" }, layout: "app", title: "My week" },
  },
  {
    path: "/professional/availability",
    component: AvailabilityPage,
    meta: { access: { role: "professional" }, layout: "app", title: "Availability" },
  },
  {
    path: "/professional/profile",
    component: ProfessionalProfilePage,
    meta: { access: { role: "professional" }, layout: "app", title: "Profile" },
  },
  {
    path: "/customer",
    component: HomePage,
    meta: { access: { role: "customer" }, layout: "app", title: "Customer home" },
  },
  {
    path: "/customer/services",
    component: FindServicesPage,
    meta: { access: { role: "customer" }, layout: "app", title: "Find services" },
  },
  {
    path: "/customer/requests",
    component: MyRequestsPage,
    meta: { access: { role: "customer" }, layout: "app", title: "My requests" },
  },
  {
    path: "/customer/requests/:id(\\d+)",
    component: CustomerRequestDetailPage,
    meta: { access: { role: "customer" }, layout: "app", title: "Request" },
  },
  {
    path: "/customer/profile",
    component: CustomerProfilePage,
    meta: { access: { role: "customer" }, layout: "app", title: "Profile" },
  },
  {
    path: "/settings",
    component: SettingsPage,
    meta: { access: { role: "admin" }, layout: "app", title: "Settings" },
  },
  { path: "/:pathMatch(.*)*", redirect: "/" },
];

export function createAppRouter(history: RouterHistory = createWebHashHistory()): Router {
  // A counter terminal's sign-out walls off the previous customer's pages (shell.ts).
  withHistoryWall(history);
  const router = createRouter({ history, routes, scrollBehavior });
  router.beforeEach((to) => {
    // Start-up failed: App.vue shows the error screen, routing is moot.
    if (!session.ready) return true;
    const verdict = decide(to.path, to.meta.access ?? {}, session);
    return verdict === true || verdict === to.path ? true : verdict;
  });
  router.afterEach((to, from, failure) => {
    document.title = to.meta.title ? `${to.meta.title} · Household Services` : "Household Services";
    // A new page: the focus goes to its heading (navigation.ts); the scroll is reset by
    // scrollBehavior.
    if (!failure && isPageChange(to, from)) void focusPageHeading();
  });
  return router;
}

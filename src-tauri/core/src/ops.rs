//! Every operation of the app, defined once.
//!
//! [`household_operations!`] is the table: for each operation its name, who may call it, its
//! arguments, its result and its handler. The core expands it here into one async function
//! per operation (checking the caller's session and role before the handler runs), the
//! [`OPERATIONS`] list and a JSON [`dispatch`]. The desktop expands the same table into its
//! Tauri commands (and so the TypeScript bindings) and the server into its HTTP routes, so no
//! layer keeps a hand-written copy of the list.
//!
//! Kinds (who may call, and what happens to the session):
//! - `open`: anyone, even from a machine a server has not enrolled (start-up status);
//! - `enrol`: the same, and counted against the server's per-address sign-in limit;
//! - `public`: anyone, signed in or not (from an enrolled machine, where the server requires
//!   enrolment: see `terminals`);
//! - `recover`: the same, and counted against the server's per-address sign-in limit
//!   (account recovery: guessing reset codes is guessing passwords);
//! - `sign_in`: anyone; starts a session, whose token goes to the caller's desktop (the
//!   webview only sees the [`SessionView`]);
//! - `sign_out`: ends the caller's session;
//! - `session`: any signed-in user (counts as activity); `passive`: the same, not counted
//!   (background refreshes must not keep an idle session alive);
//! - `admin`, `customer`, `professional`: a signed-in user of that role.
//!
//! Visibility: `ui` operations are the UI's API; `host` ones are used by the desktop's own
//! Rust side (notification delivery, the session watcher) and are not given to the webview.

pub use crate::api::*;
use crate::error::{ApiError, AppError, AppResult};
use crate::session::{Actor, SessionToken};
use crate::terminals::{Terminal, TerminalKey};
use crate::App;
use chrono::FixedOffset;
use serde::{Deserialize, Serialize};

/// Who is calling: their session token (if they have one) and where they are.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The bearer token the caller's desktop holds, if it signed in.
    pub token: Option<SessionToken>,
    /// A label for where the caller is (the desktop's name and address), kept with sessions.
    pub client: String,
    /// The caller's terminal's UTC offset: its "today" and date filters are local days.
    pub offset: FixedOffset,
    /// Sent with a write the caller may retry after a lost reply: every attempt carries the
    /// same key, and the write is applied once.
    pub idempotency_key: Option<String>,
    /// The key of the caller's enrolled terminal, if it has one.
    pub terminal: Option<TerminalKey>,
    /// The call is not the person's doing (a refresh after a live update): it does not count
    /// as activity for the idle sign-out. The desktop reports activity itself
    /// (`touch_session`), so it marks its other calls so.
    pub passive: bool,
    /// The version of the app the caller runs (a connected desktop sends it; the admin sees
    /// it with the terminal).
    pub app_version: Option<String>,
}

impl Caller {
    /// The caller's token, or `unauthorized`.
    pub fn token(&self) -> AppResult<&SessionToken> {
        self.token
            .as_ref()
            .ok_or_else(|| AppError::Unauthorized("Please sign in to continue.".into()))
    }
}

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Open,
    Enrol,
    Public,
    Recover,
    SignIn,
    SignOut,
    Session,
    Passive,
    Admin,
    Customer,
    Professional,
}

impl Access {
    /// The role the operation is limited to, if any.
    pub fn role(self) -> Option<Role> {
        match self {
            Access::Admin => Some(Role::Admin),
            Access::Customer => Some(Role::Customer),
            Access::Professional => Some(Role::Professional),
            _ => None,
        }
    }

    /// Whether the caller must be signed in.
    pub fn needs_session(self) -> bool {
        !matches!(
            self,
            Access::Open | Access::Enrol | Access::Public | Access::Recover | Access::SignIn
        )
    }

    /// Whether a machine the server has not enrolled may call it.
    pub fn before_enrolment(self) -> bool {
        matches!(self, Access::Open | Access::Enrol)
    }

    /// Whether the server counts calls against its per-address sign-in limit.
    pub fn throttled(self) -> bool {
        matches!(self, Access::SignIn | Access::Enrol | Access::Recover)
    }
}

/// One row of the table, for tests, the server's route list and its API document.
#[derive(Debug, Clone, Copy)]
pub struct OpInfo {
    pub name: &'static str,
    pub access: Access,
    /// Whether the UI may call it (`false`: the desktop's own Rust side only).
    pub ui: bool,
    /// The argument names, in order.
    pub args: &'static [&'static str],
    /// The first line of its documentation.
    pub doc: &'static str,
}

/// What a `sign_in` operation gives the caller's desktop: the token and the session view.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewSession {
    /// The bearer token; the desktop keeps it and never hands it to its webview.
    pub token: String,
    pub session: SessionView,
    /// This machine's new terminal key, when the sign-in enrolled it (the first admin's
    /// desktop on a server that enrols its machines); kept like the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolment: Option<crate::terminals::Enrolment>,
}

impl From<crate::session::SignedIn> for NewSession {
    fn from(s: crate::session::SignedIn) -> Self {
        NewSession {
            token: s.token.expose().to_string(),
            session: s.view,
            enrolment: s.enrolment,
        }
    }
}

/// What the checks of an operation's kind established about its caller.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// The signed-in caller (kinds with a session).
    pub actor: Option<Actor>,
    /// The caller's enrolled terminal, if it has one.
    pub terminal: Option<Terminal>,
}

/// The table. Each row:
/// `/// doc` `name(kind, visibility) |app, caller, actor| (arg: Type, ...) -> Output { body }`
/// where the body is an expression of type `AppResult<Output>` (it may `.await`), run after
/// the kind's checks; `actor` is the signed-in caller (`()` for `public` and `sign_in`), and
/// a `sign_in` body returns the `SignedIn` whose view is the output.
#[macro_export]
macro_rules! household_operations {
    ($callback:ident) => {
        $callback! {
            // ---- first run, accounts and sessions ----------------------------------------
            /// Start-up status: first run or not, the caller's session, whether demo data can be loaded.
            app_status(open, ui) |app, caller, actor| () -> AppStatus {
                accounts::status(app, caller.token.as_ref(), caller.terminal.as_ref()).await
            }
            /// Checks an administrator's credentials (no session) to unlock a counter terminal's kiosk for maintenance.
            kiosk_unlock(public, host) |app, caller, actor| (input: LoginInput) -> () {
                accounts::verify_admin(app, input).await
            }
            /// Enrols this machine with the one-time code an administrator gave (the key stays with the desktop).
            enrol_terminal(enrol, host) |app, caller, actor| (code: String, app_version: String) -> Enrolment {
                terminals::enrol(app, &code, &app_version).await
            }
            /// Creates the one-time administrator account and signs it in.
            create_first_admin(sign_in, ui) |app, caller, actor| (input: NewAdmin) -> SessionView {
                accounts::create_first_admin(app, input, &caller.client).await
            }
            /// Loads the demo data set into an empty database.
            load_demo_data(admin, ui) |app, caller, actor| () -> DemoSummary {
                demo::load_for_admin(app, &actor).await
            }
            /// Signs in by username or email.
            login(sign_in, ui) |app, caller, actor| (input: LoginInput) -> SessionView {
                accounts::login(app, input, &caller.client).await
            }
            /// Ends the session.
            logout(sign_out, ui) |app, caller, actor| () -> () {
                accounts::logout(app, caller.token()?).await
            }
            /// Records activity and returns the live session (fails once it has ended).
            touch_session(session, ui) |app, caller, actor| () -> SessionView {
                app.session_view(caller.token()?, true).await
            }
            /// Registers a customer and signs them in.
            register_customer(sign_in, ui) |app, caller, actor| (input: CustomerRegistration) -> SessionView {
                accounts::register_customer(app, input, &caller.client).await
            }
            /// Registers a professional (awaiting approval).
            register_professional(public, ui) |app, caller, actor| (input: ProfessionalRegistration) -> () {
                terminals::allow_staff_registration(app, caller.terminal.as_ref()).await?;
                accounts::register_professional(app, input).await
            }
            /// Active services, for the professional registration form (no session needed).
            list_public_services(public, ui) |app, caller, actor| () -> Vec<ServiceSummary> {
                accounts::public_services(app).await
            }
            /// Changes the signed-in user's password; their other sessions end.
            change_password(session, ui) |app, caller, actor| (input: PasswordChange) -> () {
                accounts::change_password(app, &actor, caller.token()?, input).await
            }
            /// "Forgot password": emails a one-time reset code when outgoing mail is set up (the same answer whether or not the account exists).
            request_password_reset(recover, ui) |app, caller, actor| (login: String) -> String {
                password_reset::request_by_email(app, &login).await
            }
            /// Sets a new password with a one-time reset code; every session of the user ends.
            reset_password(recover, ui) |app, caller, actor| (input: PasswordReset) -> () {
                password_reset::reset(app, input).await
            }
            /// The figures of the signed-in user's home page.
            home_summary(session, ui) |app, caller, actor| () -> HomeSummary {
                home::summary(app, &actor).await
            }
            /// Why the caller's session ended, if it has (the desktop's session watcher).
            session_end(public, host) |app, caller, actor| () -> Option<SessionEnded> {
                match &caller.token {
                    Some(token) => app.session_end(token).await,
                    None => Ok(None),
                }
            }

            // ---- business settings (admins) ---------------------------------------------
            /// The business settings: idle sign-out, reminder time, outgoing mail.
            admin_business_settings(admin, host) |app, caller, actor| () -> BusinessSettings {
                settings::get(app, &actor).await
            }
            /// Saves the business settings (every bad field reported at once).
            admin_save_business_settings(admin, host) |app, caller, actor| (input: BusinessSettings) -> BusinessSettings {
                settings::save(app, &actor, input).await
            }
            /// Remembers the SMTP password while the app (or server) runs; never stored.
            admin_set_smtp_password(admin, ui) |app, caller, actor| (password: Option<String>) -> () {
                settings::set_smtp_password(app, &actor, password)
            }
            /// Sends a test email now through the configured transport.
            admin_send_test_email(admin, ui) |app, caller, actor| (to: String) -> () {
                let mailer = email::Mailer::for_business(app).await?;
                email::send_test(app, &actor, &mailer, &to).await
            }

            // ---- admin: catalogue, people, requests, dashboard ------------------------
            /// Every service with usage figures.
            admin_list_services(admin, ui) |app, caller, actor| () -> Vec<ServiceAdminRow> {
                catalog::list(app, &actor).await
            }
            /// Creates a service; returns its id.
            admin_create_service(admin, ui) |app, caller, actor| (input: ServiceInput) -> i64 {
                catalog::create(app, &actor, input).await
            }
            /// Edits a service.
            admin_update_service(admin, ui) |app, caller, actor| (id: i64, input: ServiceInput) -> () {
                catalog::update(app, &actor, id, input).await
            }
            /// Deactivates (hides from customers) or reactivates a service.
            admin_set_service_active(admin, ui) |app, caller, actor| (id: i64, active: bool) -> () {
                catalog::set_active(app, &actor, id, active).await
            }
            /// Deletes a service that has no history.
            admin_delete_service(admin, ui) |app, caller, actor| (id: i64) -> () {
                catalog::delete(app, &actor, id).await
            }
            /// The searchable, paginated people list.
            admin_list_people(admin, ui) |app, caller, actor| (query: PeopleQuery) -> PeoplePage {
                people::list(app, &actor, query).await
            }
            /// One person's profile, figures and audit trail.
            admin_person_detail(admin, ui) |app, caller, actor| (user_id: i64) -> PersonDetail {
                people::detail(app, &actor, user_id).await
            }
            /// A professional's uploaded document, to view in the app.
            admin_professional_document(admin, ui) |app, caller, actor| (user_id: i64) -> DocumentView {
                people::document(app, &actor, user_id).await
            }
            /// Approves a pending professional.
            admin_approve_professional(admin, ui) |app, caller, actor| (user_id: i64) -> () {
                people::approve(app, &actor, user_id).await
            }
            /// Rejects a professional with a reason.
            admin_reject_professional(admin, ui) |app, caller, actor| (user_id: i64, reason: String) -> BlockOutcome {
                people::reject(app, &actor, user_id, &reason).await
            }
            /// Blocks a user with a reason; their sessions end at once.
            admin_block_user(admin, ui) |app, caller, actor| (user_id: i64, reason: String) -> BlockOutcome {
                people::block(app, &actor, user_id, &reason).await
            }
            /// Lifts a block.
            admin_unblock_user(admin, ui) |app, caller, actor| (user_id: i64) -> () {
                people::unblock(app, &actor, user_id).await
            }
            /// Issues a one-time password-reset code for a user (valid 15 minutes, shown once).
            admin_issue_password_reset(admin, ui) |app, caller, actor| (user_id: i64) -> ResetCode {
                password_reset::issue(app, &actor, user_id).await
            }
            /// Signs a user out on every computer; returns how many sessions ended.
            admin_end_sessions(admin, ui) |app, caller, actor| (user_id: i64) -> u64 {
                people::end_sessions(app, &actor, user_id).await
            }
            /// The Backups page: schedule, folder and the backups in it.
            admin_backups(admin, ui) |app, caller, actor| () -> BackupsOverview {
                backups::overview(app, &actor).await
            }
            /// Makes a verified backup now, in the backups folder.
            admin_back_up_now(admin, ui) |app, caller, actor| () -> BackupSummary {
                backups::back_up_now(app, &actor).await
            }
            /// Saves the daily backup schedule, folder and how many to keep.
            admin_save_backup_settings(admin, ui) |app, caller, actor| (input: BackupSettings) -> BackupsOverview {
                backups::save_settings(app, &actor, input).await
            }
            /// Every terminal: profile, last seen, app version, who is signed in there.
            admin_list_terminals(admin, ui) |app, caller, actor| () -> Vec<TerminalRow> {
                terminals::list(app, &actor).await
            }
            /// Adds a terminal and returns its one-time enrolment code.
            admin_create_terminal(admin, ui) |app, caller, actor| (input: NewTerminal) -> EnrolmentCode {
                terminals::create(app, &actor, input).await
            }
            /// Disconnects a terminal: its key stops working, its sessions end at once; returns how many.
            admin_revoke_terminal(admin, ui) |app, caller, actor| (id: i64) -> u64 {
                terminals::revoke(app, &actor, id).await
            }
            /// The filtered, sorted, paginated request list.
            admin_list_requests(admin, ui) |app, caller, actor| (query: RequestQuery) -> RequestPage {
                requests::list(app, &actor, query, caller.offset).await
            }
            /// One request with its history.
            admin_request_detail(admin, ui) |app, caller, actor| (id: i64) -> RequestDetail {
                requests::detail(app, &actor, id).await
            }
            /// The dashboard figures.
            admin_dashboard(admin, ui) |app, caller, actor| () -> Dashboard {
                dashboard::get(app, &actor, caller.offset).await
            }
            /// Rejects an open request that nobody can serve.
            admin_reject_request(admin, ui) |app, caller, actor| (id: i64, reason: String) -> () {
                requests::reject(app, &actor, id, &reason).await
            }
            /// Cancels an open or assigned request on the customer's behalf, with a reason.
            admin_cancel_request(admin, ui) |app, caller, actor| (id: i64, reason: String) -> () {
                requests::cancel(app, &actor, id, &reason).await
            }
            /// The dispatch board of a day: a column per professional of a service (and area), open requests beside them.
            admin_dispatch_board(admin, ui) |app, caller, actor| (query: BoardQuery) -> DispatchBoard {
                dispatch::board(app, &actor, query).await
            }
            /// Assigns an open request to a free professional (one winner when several try at once).
            admin_assign_request(admin, ui) |app, caller, actor| (id: i64, professional_id: i64) -> () {
                dispatch::assign(app, &actor, id, professional_id).await
            }
            /// Marks an assigned job completed without the customer's code, with a reason (audited).
            admin_complete_request(admin, ui) |app, caller, actor| (id: i64, reason: String) -> () {
                dispatch::complete_without_code(app, &actor, id, &reason).await
            }
            /// A professional's weekly hours and days off.
            admin_professional_availability(admin, ui) |app, caller, actor| (user_id: i64) -> Availability {
                availability::of_professional(app, &actor, user_id).await
            }
            /// Sets a professional's weekly hours and days off (audited).
            admin_save_professional_availability(admin, ui) |app, caller, actor| (user_id: i64, input: AvailabilityInput) -> Availability {
                availability::save_for_professional(app, &actor, user_id, input).await
            }
            /// A request's receipt (once it is closed).
            admin_receipt(admin, ui) |app, caller, actor| (id: i64) -> Receipt {
                receipts::get(app, &actor, id).await
            }
            /// Complaints, newest first: the open ones, or all.
            admin_list_complaints(admin, ui) |app, caller, actor| (open_only: bool) -> Vec<ComplaintRow> {
                complaints::list(app, &actor, open_only).await
            }
            /// One complaint with its request's history.
            admin_complaint_detail(admin, ui) |app, caller, actor| (id: i64) -> ComplaintDetail {
                complaints::detail(app, &actor, id).await
            }
            /// A complaint's photo, to view in the app.
            admin_complaint_photo(admin, ui) |app, caller, actor| (id: i64) -> DocumentView {
                complaints::photo(app, &actor, id).await
            }
            /// Resolves a complaint with a note; the customer is told.
            admin_resolve_complaint(admin, ui) |app, caller, actor| (id: i64, note: String) -> () {
                complaints::resolve(app, &actor, id, &note).await
            }

            // ---- admin: background work ------------------------------------------------
            /// Scheduled job runs, newest first.
            admin_job_runs(admin, ui) |app, caller, actor| () -> Vec<JobRunRow> {
                scheduler::runs(app, &actor).await
            }
            /// Runs a job now for its due period (refused if it already ran for that period).
            admin_run_job_now(admin, ui) |app, caller, actor| (job: Job) -> JobRunRow {
                let schedule = scheduler::business_schedule(app).await?;
                scheduler::run_now(app, &actor, job, &schedule).await
            }
            /// The email queue with statuses and errors, newest first.
            admin_email_queue(admin, ui) |app, caller, actor| () -> Vec<EmailRow> {
                email::queue(app, &actor).await
            }
            /// One export job (progress while it runs).
            admin_export_job(admin, host) |app, caller, actor| (id: i64) -> ExportJobRow {
                exports::get(app, &actor, id).await
            }
            /// Export history, newest first.
            admin_list_exports(admin, host) |app, caller, actor| (page: u32, per_page: u32) -> Vec<ExportJobRow> {
                exports::list(app, &actor, page, per_page).await
            }
            /// Starts an export into the server's own folder, for a connected desktop to download.
            admin_start_server_export(admin, host) |app, caller, actor| (kind: ExportKind, filters: ExportFilters) -> i64 {
                exports::start_on_server(app, &actor, kind, filters, caller.offset, caller.idempotency_key.as_deref()).await
            }
            /// Asks a running export to stop (no file is left behind).
            admin_cancel_export(admin, ui) |app, caller, actor| (id: i64) -> () {
                exports::cancel(app, &actor, id).await
            }

            // ---- notifications --------------------------------------------------------
            /// The signed-in user's notification centre (a background refresh: not activity).
            notifications_centre(passive, ui) |app, caller, actor| () -> NotificationCentre {
                notifications::centre(app, &actor).await
            }
            /// Marks one notification (or, with no id, all) as read.
            notifications_mark_read(session, ui) |app, caller, actor| (id: Option<i64>) -> () {
                notifications::mark_read(app, &actor, id).await
            }
            /// New notifications to show as OS notifications, each once (summarised when many); none on a counter terminal.
            notifications_take_for_os(passive, host) |app, caller, actor| () -> Vec<OsNotification> {
                if terminals::is_counter(app, caller.terminal.as_ref()).await? {
                    return Ok(Vec::new());
                }
                notifications::take_for_os(app, &actor).await
            }

            // ---- customers ------------------------------------------------------------
            /// The customer's profile.
            customer_profile(customer, ui) |app, caller, actor| () -> CustomerProfile {
                customer::profile(app, &actor).await
            }
            /// Updates phone, address and pincode.
            customer_update_profile(customer, ui) |app, caller, actor| (input: CustomerProfileInput) -> CustomerProfile {
                customer::update_profile(app, &actor, input).await
            }
            /// Searches services (by area when a pincode is given).
            customer_search_services(customer, ui) |app, caller, actor| (query: ServiceSearch) -> Vec<ServiceSearchRow> {
                customer::search(app, &actor, query).await
            }
            /// Books a service; returns the new request's id.
            customer_book(customer, ui) |app, caller, actor| (input: BookingInput) -> i64 {
                customer::book_once(app, &actor, input, caller.idempotency_key.as_deref()).await
            }
            /// Edits an open request.
            customer_edit_request(customer, ui) |app, caller, actor| (id: i64, input: RequestEdit) -> () {
                customer::edit(app, &actor, id, input).await
            }
            /// Cancels a request that is not yet completed.
            customer_cancel_request(customer, ui) |app, caller, actor| (id: i64) -> () {
                customer::cancel(app, &actor, id).await
            }
            /// Closes a completed request: accepts its total, records the payment, optionally reviews; returns the receipt number.
            customer_close_request(customer, ui) |app, caller, actor| (id: i64, review: Option<ReviewInput>, payment: Payment) -> i64 {
                customer::close(app, &actor, id, review, payment).await
            }
            /// The visit times offered for a service: when a professional of that service and area works and is free.
            customer_available_slots(customer, ui) |app, caller, actor| (query: SlotQuery) -> Vec<DaySlots> {
                availability::slots_for_customer(app, &actor, query).await
            }
            /// What a completed request costs: the booked price and the professional's extra items.
            customer_bill(customer, ui) |app, caller, actor| (id: i64) -> Bill {
                receipts::bill_for(app, &actor, id).await
            }
            /// The receipt of one of the customer's closed requests.
            customer_receipt(customer, ui) |app, caller, actor| (id: i64) -> Receipt {
                receipts::get(app, &actor, id).await
            }
            /// Raises a complaint about a closed request; returns its id.
            customer_raise_complaint(customer, ui) |app, caller, actor| (id: i64, input: ComplaintInput) -> i64 {
                complaints::raise(app, &actor, id, input).await
            }
            /// The customer's complaints about one of their requests.
            customer_complaints(customer, ui) |app, caller, actor| (id: i64) -> Vec<ComplaintRow> {
                complaints::for_customer(app, &actor, id).await
            }
            /// Reviews a closed request (once).
            customer_review_request(customer, ui) |app, caller, actor| (id: i64, review: ReviewInput) -> () {
                customer::review(app, &actor, id, review).await
            }
            /// The customer's requests.
            customer_my_requests(customer, ui) |app, caller, actor| (query: MyRequestsQuery) -> MyRequestsPage {
                customer::my_requests(app, &actor, query).await
            }
            /// One of the customer's requests with its timeline.
            customer_request_detail(customer, ui) |app, caller, actor| (id: i64) -> RequestDetail {
                customer::request_detail(app, &actor, id).await
            }

            // ---- professionals ----------------------------------------------------------
            /// The professional's profile.
            professional_profile(professional, ui) |app, caller, actor| () -> ProfessionalOwnProfile {
                professional::profile(app, &actor).await
            }
            /// Updates phone, service area, experience and description.
            professional_update_profile(professional, ui) |app, caller, actor| (input: ProfessionalProfileInput) -> ProfessionalOwnProfile {
                professional::update_profile(app, &actor, input).await
            }
            /// Open requests for the professional's service in their area.
            professional_feed(professional, ui) |app, caller, actor| (query: FeedQuery) -> FeedPage {
                professional::feed(app, &actor, query).await
            }
            /// Accepts an open request (the first of racing professionals wins).
            professional_accept(professional, ui) |app, caller, actor| (id: i64) -> () {
                professional::accept(app, &actor, id).await
            }
            /// Declines an open request (hidden from this professional's feed).
            professional_decline(professional, ui) |app, caller, actor| (id: i64) -> () {
                professional::decline(app, &actor, id).await
            }
            /// Marks an assigned job completed with the customer's code, a note and extra items (not before its visit time).
            professional_complete(professional, ui) |app, caller, actor| (id: i64, input: Completion) -> () {
                professional::complete(app, &actor, id, input, caller.offset).await
            }
            /// Replaces the extra items of a completed job until its customer closes it.
            professional_set_extras(professional, ui) |app, caller, actor| (id: i64, extras: Vec<ReceiptLine>) -> Bill {
                receipts::set_extras(app, &actor, id, extras).await
            }
            /// The professional's weekly hours and days off.
            professional_availability(professional, ui) |app, caller, actor| () -> Availability {
                availability::own(app, &actor).await
            }
            /// Saves the professional's weekly hours and days off.
            professional_save_availability(professional, ui) |app, caller, actor| (input: AvailabilityInput) -> Availability {
                availability::save_own(app, &actor, input).await
            }
            /// The professional's week: hours, assigned jobs and free times, from a day.
            professional_week(professional, ui) |app, caller, actor| (first_day: String) -> WeekView {
                availability::week(app, &actor, &first_day).await
            }
            /// A receipt of one of the professional's jobs.
            professional_receipt(professional, ui) |app, caller, actor| (id: i64) -> Receipt {
                receipts::get(app, &actor, id).await
            }
            /// Rates the customer of a completed or closed job (once).
            professional_rate_customer(professional, ui) |app, caller, actor| (id: i64, review: ReviewInput) -> () {
                professional::rate_customer(app, &actor, id, review).await
            }
            /// The professional's jobs by visit time.
            professional_jobs(professional, ui) |app, caller, actor| (query: JobsQuery) -> JobsPage {
                professional::jobs(app, &actor, query).await
            }
        }
    };
}

/// The checks of `access`: the caller's terminal (where the server requires enrolment),
/// then their session and role.
async fn check(app: &App, caller: &Caller, access: Access) -> AppResult<Checked> {
    if access.before_enrolment() {
        return Ok(Checked::default());
    }
    let terminal =
        crate::terminals::of_caller(app, caller.terminal.as_ref(), caller.app_version.as_deref())
            .await?;
    let actor = match access {
        Access::Open
        | Access::Enrol
        | Access::Public
        | Access::Recover
        | Access::SignIn
        | Access::SignOut => {
            return Ok(Checked {
                actor: None,
                terminal,
            })
        }
        _ => {
            let activity = !(access == Access::Passive || caller.passive);
            let at = terminal.as_ref().map(|t| t.id);
            app.actor_at(caller.token()?, activity, at).await?
        }
    };
    if let Some(role) = access.role() {
        actor.require(role)?;
    }
    Ok(Checked {
        actor: Some(actor),
        terminal,
    })
}

macro_rules! access_of {
    (open) => {
        Access::Open
    };
    (enrol) => {
        Access::Enrol
    };
    (public) => {
        Access::Public
    };
    (recover) => {
        Access::Recover
    };
    (sign_in) => {
        Access::SignIn
    };
    (sign_out) => {
        Access::SignOut
    };
    (session) => {
        Access::Session
    };
    (passive) => {
        Access::Passive
    };
    (admin) => {
        Access::Admin
    };
    (customer) => {
        Access::Customer
    };
    (professional) => {
        Access::Professional
    };
}

macro_rules! is_ui {
    (ui) => {
        true
    };
    (host) => {
        false
    };
}

/// Binds the handler's `actor`: the checked caller, or `()` for kinds without one (so a
/// public handler cannot act as anybody).
macro_rules! bind_actor {
    (open, $actor:ident, $checked:ident) => {
        let $actor = ();
        let _ = $checked;
    };
    (enrol, $actor:ident, $checked:ident) => {
        let $actor = ();
        let _ = $checked;
    };
    (public, $actor:ident, $checked:ident) => {
        let $actor = ();
        let _ = $checked;
    };
    (recover, $actor:ident, $checked:ident) => {
        let $actor = ();
        let _ = $checked;
    };
    (sign_in, $actor:ident, $checked:ident) => {
        let $actor = ();
        let _ = $checked;
    };
    (sign_out, $actor:ident, $checked:ident) => {
        let $actor = ();
        let _ = $checked;
    };
    ($kind:ident, $actor:ident, $checked:ident) => {
        let $actor: Actor = $checked
            .actor
            .ok_or_else(|| AppError::Unauthorized("Please sign in to continue.".into()))?;
    };
}

/// A `sign_in`'s new session passes the terminal's checks before its token leaves.
macro_rules! admitted {
    (sign_in, $app:ident, $terminal:ident, $result:ident) => {
        crate::terminals::admit($app, $terminal, $result?).await
    };
    ($kind:ident, $app:ident, $terminal:ident, $result:ident) => {{
        let _ = $terminal;
        $result
    }};
}

/// What the core function of an operation returns: a `sign_in` gives the new session.
macro_rules! core_output {
    (sign_in, $out:ty) => {
        $crate::session::SignedIn
    };
    ($kind:ident, $out:ty) => {
        $out
    };
}

/// The type `dispatch` replies with: a `sign_in`'s new session, or the output.
macro_rules! wire_type {
    (sign_in, $out:ty) => {
        NewSession
    };
    ($kind:ident, $out:ty) => {
        $out
    };
}

/// What `dispatch` sends back for an operation: a `sign_in` sends the token too.
macro_rules! wire_output {
    (sign_in, $value:expr) => {
        NewSession::from($value)
    };
    ($kind:ident, $value:expr) => {
        $value
    };
}

macro_rules! define_core_ops {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident($kind:ident, $vis:ident) |$app:ident, $caller:ident, $actor:ident|
            ($($arg:ident : $ty:ty),* $(,)?) -> $out:ty $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[allow(unused_variables, clippy::unused_unit)]
            pub async fn $name(
                $app: &App,
                $caller: &Caller,
                $($arg: $ty),*
            ) -> AppResult<core_output!($kind, $out)> {
                let checked = check($app, $caller, access_of!($kind)).await?;
                checked::$name($app, $caller, checked, $($arg),*).await
            }
        )*

        /// The operations' bodies after `check`, so `dispatch` looks the session up once.
        mod checked {
            use super::*;
            $(
                #[allow(unused_variables, clippy::unused_unit)]
                pub(super) async fn $name(
                    $app: &App,
                    $caller: &Caller,
                    checked: Checked,
                    $($arg: $ty),*
                ) -> AppResult<core_output!($kind, $out)> {
                    let terminal = checked.terminal.clone();
                    let checked_terminal = terminal.as_ref();
                    bind_actor!($kind, $actor, checked);
                    let result: AppResult<core_output!($kind, $out)> = async { $body }.await;
                    admitted!($kind, $app, checked_terminal, result)
                }
            )*
        }

        /// Every operation, in table order.
        pub const OPERATIONS: &[OpInfo] = &[
            $(OpInfo {
                name: stringify!($name),
                access: access_of!($kind),
                ui: is_ui!($vis),
                args: &[$(stringify!($arg)),*],
                doc: first_doc(&[$($doc),*]),
            }),*
        ];

        /// The named arguments of each operation, as sent over the wire.
        #[allow(non_camel_case_types)]
        pub mod args {
            use super::*;
            $(
                #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
                pub struct $name {
                    $(pub $arg: $ty,)*
                }
            )*
        }

        /// The JSON Schemas of every operation's arguments and reply (for the server's API
        /// document): `(name, arguments, reply)`, with shared types in `generator`'s definitions.
        pub fn schemas(generator: &mut schemars::SchemaGenerator) -> Vec<(&'static str, schemars::Schema, schemars::Schema)> {
            vec![$(
                (
                    stringify!($name),
                    generator.subschema_for::<args::$name>(),
                    generator.subschema_for::<wire_type!($kind, $out)>(),
                ),
            )*]
        }

        /// Runs the operation `name` with its arguments as a JSON object (the server's routes):
        /// checks who may call it first, then parses the arguments (a bad one is a
        /// `validation` error naming its field), then runs it; the result as JSON.
        pub async fn dispatch(
            app: &App,
            caller: &Caller,
            name: &str,
            body: serde_json::Value,
        ) -> Result<serde_json::Value, ApiError> {
            match name {
                $(stringify!($name) => {
                    let actor = check(app, caller, access_of!($kind)).await?;
                    let replay = Replay::of(caller, actor.actor.as_ref(), stringify!($name));
                    if let Some(reply) = replay.earlier(app).await? {
                        return Ok(reply);
                    }
                    let a: args::$name = parse_args(body)?;
                    #[allow(unused_variables)]
                    let args::$name { $($arg),* } = a;
                    let value = checked::$name(app, caller, actor, $($arg),*).await?;
                    let reply = to_json(&wire_output!($kind, value))?;
                    replay.keep(app, &reply).await;
                    Ok(reply)
                })*
                other => Err(AppError::NotFound(format!("There is no operation called {other:?}.")).into()),
            }
        }
    };
}

/// A keyed request of a signed-in caller: its first reply is kept and given to retries.
struct Replay<'a> {
    keyed: Option<(i64, &'a str)>,
    op: &'static str,
}

impl<'a> Replay<'a> {
    fn of(caller: &'a Caller, actor: Option<&Actor>, op: &'static str) -> Self {
        let keyed = match (caller.idempotency_key.as_deref(), actor) {
            (Some(key), Some(actor)) if (8..=100).contains(&key.len()) => {
                Some((actor.user_id, key))
            }
            _ => None,
        };
        Replay { keyed, op }
    }

    /// The reply an earlier attempt got, if this is a retry.
    async fn earlier(&self, app: &App) -> Result<Option<serde_json::Value>, ApiError> {
        let Some((user, key)) = self.keyed else {
            return Ok(None);
        };
        match crate::store::idempotency::get(&app.pool, user, key)
            .await
            .map_err(AppError::from)?
        {
            Some((op, reply)) if op == self.op => Ok(serde_json::from_str(&reply).ok()),
            Some(_) => Err(AppError::validation(
                "idempotency_key",
                "This request key was already used for another action.",
            )
            .into()),
            None => Ok(None),
        }
    }

    /// Keeps a reply for retries (best effort: the writes that matter are guarded in their
    /// own transactions too).
    async fn keep(&self, app: &App, reply: &serde_json::Value) {
        let Some((user, key)) = self.keyed else {
            return;
        };
        let text = reply.to_string();
        if let Err(e) =
            crate::store::idempotency::put(&app.pool, user, key, self.op, &text, app.now()).await
        {
            tracing::warn!(error = %e, op = self.op, "could not keep a reply for retries");
        }
    }
}

const fn first_doc(lines: &[&'static str]) -> &'static str {
    match lines.first() {
        Some(line) => line,
        None => "",
    }
}

/// Parses an operation's arguments, naming the field that is wrong.
fn parse_args<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> Result<T, ApiError> {
    let body = match body {
        serde_json::Value::Null => serde_json::Value::Object(Default::default()),
        other => other,
    };
    serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        ApiError::from(crate::error::invalid_argument(
            &path,
            &e.into_inner().to_string(),
        ))
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::from(AppError::internal(e)))
}

household_operations!(define_core_ops);

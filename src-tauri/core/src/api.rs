//! Everything the operation table names, in one place: the workflow modules its handlers call
//! and the types its operations take and return. The table's expansions (here, in the desktop
//! and in the server) import this module instead of keeping their own lists.

pub use crate::accounts::{
    self, AppStatus, CustomerRegistration, LoginInput, NewAdmin, PasswordChange,
    ProfessionalRegistration,
};
pub use crate::admin::backups::{self, BackupsOverview, RestoreOutcome};
pub use crate::admin::catalog::{self, ServiceInput};
pub use crate::admin::dashboard::{self, Dashboard};
pub use crate::admin::people::{
    self, BlockOutcome, DocumentView, PeoplePage, PeopleQuery, PersonDetail,
};
pub use crate::admin::requests::{self, RequestDetail, RequestPage, RequestQuery};
pub use crate::availability::{
    self, Availability, AvailabilityInput, DaySlots, SlotQuery, WeekView,
};
pub use crate::backup::BackupSummary;
pub use crate::complaints::{self, ComplaintDetail, ComplaintInput};
pub use crate::customer::{
    self, BookingInput, CustomerProfileInput, MyRequestsPage, MyRequestsQuery, RequestEdit,
    ReviewInput, ServiceSearch,
};
pub use crate::demo::{self, DemoSummary};
pub use crate::dispatch::{self, BoardQuery, DispatchBoard};
pub use crate::domain::Role;
pub use crate::email::{self};
pub use crate::exports::{self, ExportFilters, ExportKind};
pub use crate::home::{self, HomeSummary};
pub use crate::notifications::{self, NotificationCentre, OsNotification};
pub use crate::password_reset::{self, PasswordReset, ResetCode};
pub use crate::professional::{
    self, Completion, FeedPage, FeedQuery, JobsPage, JobsQuery, ProfessionalProfileInput,
};
pub use crate::receipts::{self, Bill, Payment, Receipt};
pub use crate::scheduler::{self, Job};
pub use crate::session::{EndReason, SessionEnded, SessionView};
pub use crate::settings::{self, BackupSettings, BusinessSettings};
pub use crate::store::complaints::ComplaintRow;
pub use crate::store::customers::CustomerProfile;
pub use crate::store::email::EmailRow;
pub use crate::store::exports::ExportJobRow;
pub use crate::store::jobs::JobRunRow;
pub use crate::store::professionals::ProfessionalOwnProfile;
pub use crate::store::receipts::ReceiptLine;
pub use crate::store::services::{ServiceAdminRow, ServiceSearchRow, ServiceSummary};
pub use crate::store::terminals::TerminalRow;
pub use crate::terminals::{self, Enrolment, EnrolmentCode, NewTerminal, TerminalState};

//! The core's integration tests, as one binary: every test binary links the whole core and
//! its dependencies again, so the suites are modules of this one (run one with
//! `cargo test -p household-core --test core -- lifecycle::`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

mod common;

mod access;
mod accounts;
mod admin;
mod backups;
mod email;
mod exports;
mod generator;
mod lifecycle;
mod live;
mod migrate;
mod migrations;
mod notifications;
mod password_resets;
mod query_plans;
mod running_the_day;
mod scheduler;
mod schema_engines;
mod sessions;
mod storage;
mod terminals;
mod throttling;

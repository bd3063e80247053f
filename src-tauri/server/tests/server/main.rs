//! The server over real TLS on 127.0.0.1, started by each test in a temp folder: the API's
//! shape, the access matrix of every operation, certificate pinning, bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

mod access;
mod api;
mod common;
mod instances;
mod live;
mod terminals;

//! Per-address limits. The core already throttles failed sign-ins per login name; this adds a
//! cap per network address, so one machine cannot try many names quickly.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most `max` sign-in attempts per address in any `window`.
#[derive(Debug)]
pub struct SignInLimiter {
    max: usize,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl Default for SignInLimiter {
    /// 30 attempts a minute: plenty for a busy counter terminal, little for a guesser.
    fn default() -> Self {
        SignInLimiter::new(30, Duration::from_secs(60))
    }
}

impl SignInLimiter {
    /// A limiter of `max` attempts per `window`.
    pub fn new(max: usize, window: Duration) -> Self {
        SignInLimiter {
            max,
            window,
            seen: Mutex::default(),
        }
    }

    /// Counts an attempt from `ip`; `Err(seconds to wait)` when over the limit (not counted).
    pub fn check(&self, ip: IpAddr) -> Result<(), u32> {
        self.check_at(ip, Instant::now())
    }

    fn check_at(&self, ip: IpAddr, now: Instant) -> Result<(), u32> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        // Forget addresses whose attempts are all old, so the map stays small.
        if seen.len() > 10_000 {
            let window = self.window;
            seen.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let q = seen.entry(ip).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        if q.len() >= self.max {
            let oldest = q.front().copied().unwrap_or(now);
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            return Err(u32::try_from(wait.as_secs().max(1)).unwrap_or(u32::MAX));
        }
        q.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_over_its_limit_waits_for_the_window() {
        let l = SignInLimiter::new(3, Duration::from_secs(60));
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.check_at(a, t0).is_ok());
        }
        assert_eq!(l.check_at(a, t0 + Duration::from_secs(20)), Err(40));
        assert!(
            l.check_at(b, t0).is_ok(),
            "other addresses are not affected"
        );
        assert!(l.check_at(a, t0 + Duration::from_secs(61)).is_ok());
    }
}

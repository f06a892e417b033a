//! The time source. Injected everywhere a record is stamped, so tests can fix it.

use chrono::{Local, NaiveDate, NaiveDateTime};
use std::sync::Arc;

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    /// The local wall-clock time of the office.
    fn now(&self) -> NaiveDateTime;
    /// Today's date in the office.
    fn today(&self) -> NaiveDate {
        self.now().date()
    }
}

/// The real clock of the office PC.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        Local::now().naive_local()
    }
}

/// A clock that always says the same time (tests, demo generation).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub NaiveDateTime);

impl Clock for FixedClock {
    fn now(&self) -> NaiveDateTime {
        self.0
    }
}

/// A shared clock handle.
pub type SharedClock = Arc<dyn Clock>;

/// The system clock as a shared handle.
#[must_use]
pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// Formats a timestamp the way every record stores it: `2026-11-27 09:05:00`.
#[must_use]
pub fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A clock that is set by hand: the demo generator walks it through months of history.
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<NaiveDateTime>);

impl ManualClock {
    /// A clock showing `t`.
    #[must_use]
    pub fn new(t: NaiveDateTime) -> Self {
        Self(std::sync::Mutex::new(t))
    }

    /// Sets the time.
    pub fn set(&self, t: NaiveDateTime) {
        match self.0.lock() {
            Ok(mut guard) => *guard = t,
            Err(poisoned) => *poisoned.into_inner() = t,
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> NaiveDateTime {
        match self.0.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

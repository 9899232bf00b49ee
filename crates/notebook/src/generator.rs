//! A reproducible generator of Apache-error-log-style lines.
//!
//! This is the line source shared by the `send-messages` TCP server (crate `dstream-relay`) and the browser's
//! built-in simulated source, so both produce the same kind of stream at the same pace. It is synchronous, uses no
//! operating-system randomness or clock (the caller passes a seed), and so builds for `wasm32-unknown-unknown`.
//!
//! ```
//! use dstream_notebook::generator::LogGenerator;
//! let mut g = LogGenerator::new(42);
//! let line = g.next_line();
//! assert!(line.starts_with('[') && !line.contains('\n'));
//! // Same seed, same stream.
//! assert_eq!(LogGenerator::new(42).next_line(), line);
//! ```
//!
//! The mix of levels is about 35 % `[notice]`, 30 % `[error]`, 20 % `[info]`, 6 % `[warn]`, 4 % `[debug]`,
//! 1 % `[crit]` and 4 % lines without a level tag, like the Apache logs used in the course notebook, e.g.
//!
//! ```text
//! [Sun Dec 04 04:47:44 2005] [notice] jk2_init() Found child 6725 in scoreboard slot 10
//! [Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6
//! ```

use core::fmt::Write as _;
use core::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// The first timestamp of every generated stream: Sun Dec 04 04:47:44 2005 (UTC), in seconds since 1970.
pub const START_UNIX_SECONDS: i64 = 1_133_671_664;

/// The level tag of a generated line, as it appears between brackets after the timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// `[notice]`, about 35 % of the lines.
    Notice,
    /// `[error]`, about 30 % of the lines.
    Error,
    /// `[info]`, about 20 % of the lines.
    Info,
    /// `[warn]`, about 6 % of the lines.
    Warn,
    /// `[debug]`, about 4 % of the lines.
    Debug,
    /// `[crit]`, about 1 % of the lines.
    Crit,
    /// No level tag at all (a timestamp and a message), about 4 % of the lines.
    Untagged,
}

impl Level {
    /// The tag as written in the line (`"notice"`, `"error"`, ...), or `None` for [`Level::Untagged`].
    pub fn tag(self) -> Option<&'static str> {
        match self {
            Level::Notice => Some("notice"),
            Level::Error => Some("error"),
            Level::Info => Some("info"),
            Level::Warn => Some("warn"),
            Level::Debug => Some("debug"),
            Level::Crit => Some("crit"),
            Level::Untagged => None,
        }
    }

    /// Picks a level from a number in `0..100` following the documented mix.
    fn from_percent(p: u32) -> Level {
        match p {
            0..35 => Level::Notice,
            35..65 => Level::Error,
            65..85 => Level::Info,
            85..91 => Level::Warn,
            91..95 => Level::Debug,
            95..96 => Level::Crit,
            _ => Level::Untagged,
        }
    }
}

/// Generates an endless, reproducible stream of Apache-error-log-style lines.
///
/// Create it with [`LogGenerator::new`] from a seed; the same seed always gives the same lines and the same delays.
/// Timestamps start at Sun Dec 04 04:47:44 2005 and advance by 0 to 2 seconds per line.
#[derive(Debug, Clone)]
pub struct LogGenerator {
    rng: SmallRng,
    unix_seconds: i64,
    lines: u64,
}

const CLIENT_IPS: [&str; 8] = [
    "202.133.98.6",
    "218.76.139.20",
    "61.138.216.82",
    "24.147.151.74",
    "210.245.233.251",
    "83.138.189.227",
    "64.6.73.199",
    "81.199.21.119",
];

const MISSING_FILES: [&str; 6] = [
    "/var/www/html/favicon.ico",
    "/var/www/html/robots.txt",
    "/var/www/html/scripts/setup.php",
    "/var/www/html/admin/index.php",
    "/var/www/html/phpMyAdmin/main.php",
    "/var/www/html/cgi-bin/awstats.pl",
];

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl LogGenerator {
    /// A generator whose whole stream is determined by `seed`.
    pub fn new(seed: u64) -> LogGenerator {
        LogGenerator {
            rng: SmallRng::seed_from_u64(seed),
            unix_seconds: START_UNIX_SECONDS,
            lines: 0,
        }
    }

    /// How many lines this generator has produced so far.
    pub fn lines_generated(&self) -> u64 {
        self.lines
    }

    /// The next line, without a line terminator (it never contains `\n` or `\r`).
    pub fn next_line(&mut self) -> String {
        let mut line = String::with_capacity(96);
        self.write_line(&mut line);
        line
    }

    /// Appends the next line to `out`, without a line terminator, and returns its [`Level`].
    ///
    /// This is [`LogGenerator::next_line`] without an allocation per line: reuse one buffer (clear it or append
    /// `'\n'` after each line).
    pub fn write_line(&mut self, out: &mut String) -> Level {
        self.lines += 1;
        // Most lines share their second with the previous one, as in a busy server log.
        self.unix_seconds += match self.rng.random_range(0..10u32) {
            0..6 => 0,
            6..9 => 1,
            _ => 2,
        };
        let level = Level::from_percent(self.rng.random_range(0..100u32));
        out.push('[');
        write_timestamp(out, self.unix_seconds);
        out.push_str("] ");
        if let Some(tag) = level.tag() {
            out.push('[');
            out.push_str(tag);
            out.push_str("] ");
        }
        self.write_message(out, level);
        level
    }

    /// The pause before the next line for a stream of `rate` lines per second, with jitter.
    ///
    /// The pause is uniformly distributed between 0.5 and 1.5 times `1 / rate` seconds, so the average rate is
    /// `rate`. A `rate` that is zero, negative or not a number means "as fast as possible" and gives
    /// [`Duration::ZERO`].
    pub fn next_delay(&mut self, rate: f64) -> Duration {
        if !(rate.is_finite() && rate > 0.0) {
            return Duration::ZERO;
        }
        let jitter: f64 = self.rng.random_range(0.5..1.5);
        let seconds = (jitter / rate).min(3600.0);
        Duration::from_secs_f64(seconds)
    }

    /// [`LogGenerator::next_delay`] in milliseconds (with a fraction), handy for a browser's `setTimeout`.
    pub fn next_delay_ms(&mut self, rate: f64) -> f64 {
        self.next_delay(rate).as_secs_f64() * 1000.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.random_range(0..items.len())]
    }

    fn write_message(&mut self, out: &mut String, level: Level) {
        let r = self.rng.random_range(0..100u32);
        // `write!` into a String cannot fail.
        let _ = match level {
            Level::Notice => match r {
                0..55 => {
                    let child = self.rng.random_range(1000..9999u32);
                    let slot = self.rng.random_range(6..12u32);
                    write!(out, "jk2_init() Found child {child} in scoreboard slot {slot}")
                }
                55..85 => write!(out, "workerEnv.init() ok /etc/httpd/conf/workers2.properties"),
                85..93 => write!(out, "Digest: generating secret for digest authentication ..."),
                93..97 => write!(out, "Digest: done"),
                _ => write!(out, "Apache/2.0.49 (Fedora) configured -- resuming normal operations"),
            },
            Level::Error => match r {
                0..45 => {
                    let state = self.rng.random_range(6..11u32);
                    write!(out, "mod_jk child workerEnv in error state {state}")
                }
                45..65 => {
                    let ip = self.pick(&CLIENT_IPS);
                    write!(out, "[client {ip}] Directory index forbidden by rule: /var/www/html/")
                }
                65..85 => {
                    let ip = self.pick(&CLIENT_IPS);
                    let file = self.pick(&MISSING_FILES);
                    write!(out, "[client {ip}] File does not exist: {file}")
                }
                85..95 => {
                    let child = self.rng.random_range(1000..9999u32);
                    write!(out, "jk2_init() Can't find child {child} in scoreboard")
                }
                _ => write!(out, "mod_jk child init 1 -2"),
            },
            Level::Info => match r {
                0..40 => {
                    let ip = self.pick(&CLIENT_IPS);
                    write!(
                        out,
                        "[client {ip}] (104)Connection reset by peer: client stopped connection before send body completed"
                    )
                }
                40..70 => {
                    let child = self.rng.random_range(1000..9999u32);
                    write!(out, "server seems busy, (you may need to increase StartServers, or Min/MaxSpareServers), spawning 8 children, there are 0 idle, and {child} total children")
                }
                _ => {
                    let ip = self.pick(&CLIENT_IPS);
                    write!(out, "[client {ip}] request failed: error reading the headers")
                }
            },
            Level::Warn => match r {
                0..60 => {
                    let child = self.rng.random_range(1000..9999u32);
                    write!(out, "child process {child} still did not exit, sending a SIGTERM")
                }
                _ => write!(out, "RSA server certificate CommonName (CN) `localhost' does NOT match server name!?"),
            },
            Level::Debug => {
                let child = self.rng.random_range(1000..9999u32);
                let slot = self.rng.random_range(0..256u32);
                write!(out, "proxy: grabbed scoreboard slot {slot} in child {child} for worker proxy:reverse")
            }
            Level::Crit => {
                let ip = self.pick(&CLIENT_IPS);
                write!(out, "[client {ip}] (13)Permission denied: /var/www/html/.htaccess pcfg_openfile: unable to check htaccess file, ensure it is readable")
            }
            Level::Untagged => match r {
                0..50 => write!(out, "suEXEC mechanism enabled (wrapper: /usr/sbin/suexec)"),
                _ => write!(out, "Server built: Aug 29 2005 10:47:26"),
            },
        };
    }
}

/// Writes `Sun Dec 04 04:47:44 2005` for a Unix time in seconds (UTC).
fn write_timestamp(out: &mut String, unix_seconds: i64) {
    let days = unix_seconds.div_euclid(86_400);
    let secs_of_day = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let weekday = DAYS[days.rem_euclid(7) as usize];
    let month_name = MONTHS[(month - 1) as usize];
    let _ = write!(
        out,
        "{weekday} {month_name} {day:02} {:02}:{:02}:{:02} {year}",
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60
    );
}

/// Year, month (1..=12) and day (1..=31) of a day number counted from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level_of(line: &str) -> Option<&str> {
        // "[Sun Dec 04 04:47:44 2005] [notice] ..." -> "notice"
        let rest = &line[line.find("] ")? + 2..];
        let rest = rest.strip_prefix('[')?;
        let end = rest.find(']')?;
        let tag = &rest[..end];
        tag.chars().all(|c| c.is_ascii_lowercase()).then_some(tag)
    }

    #[test]
    fn first_line_starts_at_the_notebook_timestamp() {
        let mut g = LogGenerator::new(0);
        let line = g.next_line();
        assert!(
            line.starts_with("[Sun Dec 04 04:47:4"),
            "unexpected first line {line:?}"
        );
    }

    #[test]
    fn same_seed_same_lines_and_delays() {
        let mut a = LogGenerator::new(7);
        let mut b = LogGenerator::new(7);
        for _ in 0..1000 {
            assert_eq!(a.next_line(), b.next_line());
            assert_eq!(a.next_delay(5.0), b.next_delay(5.0));
        }
    }

    #[test]
    fn different_seeds_differ() {
        let a: Vec<String> = {
            let mut g = LogGenerator::new(1);
            (0..50).map(|_| g.next_line()).collect()
        };
        let b: Vec<String> = {
            let mut g = LogGenerator::new(2);
            (0..50).map(|_| g.next_line()).collect()
        };
        assert_ne!(a, b);
    }

    #[test]
    fn every_line_is_one_line_of_ascii() {
        let mut g = LogGenerator::new(3);
        for _ in 0..10_000 {
            let line = g.next_line();
            assert!(!line.is_empty());
            assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
            assert!(line.is_ascii(), "{line:?}");
            assert!(line.starts_with('['), "{line:?}");
        }
    }

    #[test]
    fn level_mix_is_within_bounds() {
        let mut g = LogGenerator::new(11);
        let n = 20_000;
        let mut counts = std::collections::HashMap::new();
        for _ in 0..n {
            let line = g.next_line();
            *counts
                .entry(level_of(&line).map(str::to_owned))
                .or_insert(0u32) += 1;
        }
        let share = |tag: Option<&str>| {
            f64::from(*counts.get(&tag.map(str::to_owned)).unwrap_or(&0)) / f64::from(n)
        };
        let within = |tag: Option<&str>, lo: f64, hi: f64| {
            let s = share(tag);
            assert!(
                (lo..=hi).contains(&s),
                "{tag:?} share {s} not in {lo}..={hi}"
            );
        };
        within(Some("notice"), 0.32, 0.38);
        within(Some("error"), 0.27, 0.33);
        within(Some("info"), 0.17, 0.23);
        within(Some("warn"), 0.04, 0.08);
        within(Some("debug"), 0.02, 0.06);
        within(Some("crit"), 0.003, 0.02);
        within(None, 0.02, 0.06);
        assert_eq!(counts.len(), 7, "unexpected tags: {counts:?}");
    }

    #[test]
    fn write_line_reports_the_level_it_wrote() {
        let mut g = LogGenerator::new(5);
        let mut buf = String::new();
        for _ in 0..500 {
            buf.clear();
            let level = g.write_line(&mut buf);
            assert_eq!(level_of(&buf), level.tag(), "{buf:?}");
        }
        assert_eq!(g.lines_generated(), 500);
    }

    #[test]
    fn timestamps_advance_and_are_well_formed() {
        let mut g = LogGenerator::new(9);
        let mut previous = START_UNIX_SECONDS;
        for _ in 0..5000 {
            let line = g.next_line();
            assert_eq!(&line[25..27], "] ", "{line:?}");
            assert!(g.unix_seconds >= previous && g.unix_seconds <= previous + 2);
            previous = g.unix_seconds;
        }
        assert!(previous > START_UNIX_SECONDS);
        let mut s = String::new();
        write_timestamp(&mut s, 951_782_400); // 2000-02-29 00:00:00, a Tuesday
        assert_eq!(s, "Tue Feb 29 00:00:00 2000");
    }

    #[test]
    fn delays_average_to_the_rate() {
        let mut g = LogGenerator::new(4);
        let total: f64 = (0..10_000).map(|_| g.next_delay(10.0).as_secs_f64()).sum();
        let mean = total / 10_000.0;
        assert!((0.095..0.105).contains(&mean), "mean delay {mean}");
        for _ in 0..1000 {
            let d = g.next_delay_ms(10.0);
            assert!((50.0..=150.0).contains(&d), "{d}");
        }
        assert_eq!(g.next_delay(0.0), Duration::ZERO);
        assert_eq!(g.next_delay(-1.0), Duration::ZERO);
        assert_eq!(g.next_delay(f64::NAN), Duration::ZERO);
        assert_eq!(g.next_delay(f64::INFINITY), Duration::ZERO);
    }
}

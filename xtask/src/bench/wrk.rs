//! Driving wrk: the requests of a run go to a file (one per line), a Lua script turns them
//! into pre-formatted requests and prints the run's figures as JSON in `done()`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};

/// One request of a run.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: &'static str,
    pub path: String,
    /// Access token, sent as `Authorization: Bearer …`.
    pub token: Option<String>,
    pub if_none_match: Option<String>,
    /// `Accept-Encoding`, as a browser sends it for the static files.
    pub accept_encoding: Option<String>,
    /// JSON body, on one line.
    pub body: Option<String>,
}

impl Request {
    pub fn get(path: String, token: Option<&str>) -> Self {
        Self {
            method: "GET",
            path,
            token: token.map(str::to_owned),
            if_none_match: None,
            accept_encoding: None,
            body: None,
        }
    }

    pub fn post(path: String, token: Option<&str>, body: String) -> Self {
        Self {
            method: "POST",
            path,
            token: token.map(str::to_owned),
            if_none_match: None,
            accept_encoding: None,
            body: Some(body),
        }
    }
}

/// How a run cycles through its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cycle {
    /// Round and round for the whole duration, each thread from another start.
    Repeat,
    /// Each request once (split between the threads); a thread stops when its share is
    /// answered. For requests that cannot be repeated, such as approving a proposal.
    Once,
}

/// What wrk measured.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub requests: u64,
    pub seconds: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Socket errors, timeouts and answers with a status above 399.
    pub errors: u64,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.requests as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// Fails with a clear message when wrk is not installed.
pub fn ensure_installed() -> anyhow::Result<()> {
    let found = Command::new("wrk")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wrk"))
        .unwrap_or(false);
    if !found {
        bail!(
            "wrk is not installed: `cargo xtask bench` drives the server with it \
             (Debian: `apt-get install wrk`; `cargo xtask bench` installs it when run as root)"
        );
    }
    Ok(())
}

/// The `wrk --version` line.
pub fn version() -> String {
    Command::new("wrk")
        .arg("--version")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .split(" Copyright")
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .unwrap_or_default()
}

const SCRIPT: &str = r#"
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local reqs = {}
local idx = 0
local answered = 0
function init(args)
  local n = 0
  for line in io.lines(DATA) do
    if not ONCE or n % THREADS == tid then
      local m, p, auth, inm, ae, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {}
      if auth ~= "" then headers["Authorization"] = "Bearer " .. auth end
      if inm ~= "" then headers["If-None-Match"] = inm end
      if ae ~= "" then headers["Accept-Encoding"] = ae end
      if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
      reqs[#reqs + 1] = wrk.format(m, p, headers, body)
    end
    n = n + 1
  end
  if not ONCE then idx = (tid * 7919) % #reqs end
end

function request()
  idx = idx + 1
  if idx > #reqs then
    if ONCE then
      wrk.thread:stop()
      idx = #reqs
    else
      idx = 1
    end
  end
  return reqs[idx]
end

if ONCE then
  function response(status, headers, body)
    answered = answered + 1
    if answered >= #reqs then wrk.thread:stop() end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"#;

/// A run: `connections` connections on 2 threads against loopback `port`.
pub struct Run<'a> {
    pub dir: &'a Path,
    pub port: u16,
    pub connections: u32,
    pub duration: Duration,
    pub cycle: Cycle,
}

impl Run<'_> {
    pub fn go(&self, name: &str, requests: &[Request]) -> anyhow::Result<Outcome> {
        if requests.is_empty() {
            bail!("{name}: no request to send");
        }
        let threads = 2.min(self.connections).max(1);
        let slug: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let data: PathBuf = self.dir.join(format!("{slug}.tsv"));
        let mut lines = String::new();
        for r in requests {
            for field in [
                r.method,
                r.path.as_str(),
                r.token.as_deref().unwrap_or(""),
                r.if_none_match.as_deref().unwrap_or(""),
                r.accept_encoding.as_deref().unwrap_or(""),
            ] {
                lines.push_str(field);
                lines.push('\t');
            }
            lines.push_str(r.body.as_deref().unwrap_or(""));
            lines.push('\n');
        }
        std::fs::write(&data, lines)?;
        let script = self.dir.join(format!("{slug}.lua"));
        std::fs::write(
            &script,
            format!(
                "local DATA = \"{}\"\nlocal ONCE = {}\nlocal THREADS = {threads}\n{SCRIPT}",
                data.display(),
                self.cycle == Cycle::Once
            ),
        )?;
        let out = Command::new("wrk")
            .arg(format!("-t{threads}"))
            .arg(format!("-c{}", self.connections))
            .arg(format!("-d{}s", self.duration.as_secs().max(1)))
            .args(["--timeout", "10s", "-s"])
            .arg(&script)
            .arg(format!("http://127.0.0.1:{}", self.port))
            .output()
            .context("cannot run wrk")?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("WRK_RESULT "))
            .with_context(|| {
                format!(
                    "{name}: wrk gave no result ({}): {stdout}{}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                )
            })?;
        let v: serde_json::Value = serde_json::from_str(line)?;
        let n = |key: &str| v[key].as_u64().unwrap_or(0);
        Ok(Outcome {
            requests: n("requests"),
            seconds: n("duration_us") as f64 / 1e6,
            p50_ms: n("p50_us") as f64 / 1000.0,
            p99_ms: n("p99_us") as f64 / 1000.0,
            errors: n("connect") + n("read") + n("write") + n("status") + n("timeout"),
        })
    }
}

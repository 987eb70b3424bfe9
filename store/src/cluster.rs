//! A throw-away PostgreSQL server: made with `initdb` in a temporary directory, listening on
//! a free local port, stopped and removed when dropped. The store's tests, benchmarks and
//! example run against one, so "it works on PostgreSQL" means a real server every time
//! (no mocks). Useful to a host's own integration tests too.
//!
//! The server binaries are taken from `FENGQIAO_PG_BIN` if set, else the newest
//! `/usr/lib/postgresql/*/bin` (Debian's layout), else `PATH`. Run as root, the server runs
//! as the `postgres` user (PostgreSQL refuses to run as root).

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A running throw-away server. See the module docs.
#[derive(Debug)]
pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
    running: bool,
    /// The `-c` settings the server starts with (again, after [`Cluster::crash_and_restart`]).
    settings: String,
}

impl Cluster {
    /// Makes and starts a server with the given settings (`("fsync", "off")` …) on top of
    /// PostgreSQL's defaults.
    pub fn start(settings: &[(&str, &str)]) -> io::Result<Cluster> {
        let bin = binaries()?;
        let as_postgres = std::fs::metadata("/proc/self")?.uid() == 0;
        // Process, time and a counter: tests start servers on several threads at once, and two
        // of them read the same nanosecond on a loaded machine (seen in CI: "File exists").
        static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("fengqiao-pg-{}-{stamp:x}-{n}", std::process::id()));
        std::fs::create_dir(&dir)?;
        if as_postgres {
            let (uid, gid) = postgres_user()?;
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))?;
        }
        let mut cluster = Cluster {
            dir,
            bin,
            port: free_port()?,
            as_postgres,
            running: false,
            settings: settings
                .iter()
                .map(|(k, v)| format!(" -c {k}={v}"))
                .collect(),
        };
        let data = cluster.dir.join("data");
        cluster.run(
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-A".as_ref(),
                "trust".as_ref(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "-E".as_ref(),
                "UTF8".as_ref(),
                "--locale=C".as_ref(),
                "--no-sync".as_ref(),
            ],
        )?;
        // A port found free may be taken before the server binds it (another test's server,
        // or a client connection's ephemeral port): try again on another, a few times.
        let mut attempt = 0;
        loop {
            match cluster.pg_start() {
                Ok(()) => break,
                Err(_) if attempt < 4 => {
                    attempt += 1;
                    cluster.port = free_port()?;
                }
                Err(e) => return Err(e),
            }
        }
        cluster.running = true;
        Ok(cluster)
    }

    /// Connection parameters for the superuser `postgres` (trust authentication, local
    /// only), in the form `postgres::Client::connect` and [`crate::Store::connect`] take.
    pub fn params(&self) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname=postgres",
            self.port
        )
    }

    /// The same parameters for another role.
    pub fn params_as(&self, role: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user={role} dbname=postgres",
            self.port
        )
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server (fast shutdown: open transactions are rolled back).
    pub fn stop(&mut self) -> io::Result<()> {
        if self.running {
            self.running = false;
            let data = self.dir.join("data");
            self.run(
                "pg_ctl",
                &[
                    "-D".as_ref(),
                    data.as_os_str(),
                    "-m".as_ref(),
                    "fast".as_ref(),
                    "-w".as_ref(),
                    "stop".as_ref(),
                ],
            )?;
        }
        Ok(())
    }

    /// Stops the server as a crash would (`pg_ctl -m immediate`: no checkpoint, open
    /// transactions cut off, crash recovery at the next start) and starts it again on the
    /// same port: what a host's reconnecting writers see when the database restarts.
    pub fn crash_and_restart(&mut self) -> io::Result<()> {
        let data = self.dir.join("data");
        if self.running {
            self.run(
                "pg_ctl",
                &[
                    "-D".as_ref(),
                    data.as_os_str(),
                    "-m".as_ref(),
                    "immediate".as_ref(),
                    "-w".as_ref(),
                    "stop".as_ref(),
                ],
            )?;
            self.running = false;
        }
        self.pg_start()?;
        self.running = true;
        Ok(())
    }

    /// Starts the server on its data directory with its port, socket directory and
    /// settings, waiting until it accepts connections.
    fn pg_start(&self) -> io::Result<()> {
        let data = self.dir.join("data");
        let log = self.dir.join("server.log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=60{}",
            self.port,
            self.dir.display(),
            self.settings
        );
        self.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
                "-w".as_ref(),
                "-o".as_ref(),
                options.as_ref(),
                "start".as_ref(),
            ],
        )
    }

    fn run(&self, tool: &str, args: &[&std::ffi::OsStr]) -> io::Result<()> {
        let path = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let out = cmd.args(args).current_dir(&self.dir).output()?;
        if out.status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "{} failed ({}): {}{}",
                path.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr),
                std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
            )))
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Where `initdb` and `pg_ctl` are.
fn binaries() -> io::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("FENGQIAO_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .find(|d| d.join("initdb").exists())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "no PostgreSQL server binaries (initdb): install Debian's `postgresql` package or set FENGQIAO_PG_BIN",
            )
        })
}

/// The `postgres` user's uid and gid, from /etc/passwd.
fn postgres_user() -> io::Result<(u32, u32)> {
    let passwd = std::fs::read_to_string(Path::new("/etc/passwd"))?;
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&"postgres") && f.len() > 3)
        .and_then(|f| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "running as root needs a `postgres` user to run the server (Debian's package makes it)",
            )
        })
}

fn free_port() -> io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

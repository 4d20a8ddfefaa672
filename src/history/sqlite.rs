//! The SQLite history store: one file, made when missing, brought to the current schema by
//! numbered migrations (`PRAGMA user_version` says which ran), written in WAL mode with one
//! write transaction per run so that many processes on one file lose none. Owns the SQL; must
//! not shape what is shown.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{check_rows, Change, CheckRow, Context, Keep, Pick, RunRow};
use crate::report::json::JsonReport;

/// How long a write waits by default for another process's transaction on the same file.
pub(super) const BUSY: Duration = Duration::from_secs(60);

/// The schema, one migration per version: a store made by an earlier smokegate is brought up
/// by the ones it has not run, in order, each in its own transaction. Never edit one that has
/// shipped: add the next.
const MIGRATIONS: &[&str] = &[
    // 1: runs, their labels and checks, and each check's changes of state.
    "CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        duration_s REAL NOT NULL,
        passed INTEGER NOT NULL,
        state TEXT NOT NULL,
        exit_code INTEGER NOT NULL,
        command TEXT NOT NULL,
        version TEXT NOT NULL,
        suite TEXT NOT NULL,
        selection TEXT NOT NULL,
        baseline TEXT,
        os_user TEXT NOT NULL,
        host TEXT NOT NULL,
        ci TEXT,
        ci_actor TEXT,
        ci_job_url TEXT,
        total INTEGER NOT NULL,
        failing TEXT NOT NULL,
        problems TEXT NOT NULL,
        cancelled TEXT,
        soak TEXT
    );
    CREATE INDEX runs_by_suite ON runs (suite, selection, id);
    CREATE INDEX runs_by_start ON runs (started_at);
    CREATE TABLE run_labels (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
    );
    CREATE INDEX labels_by_value ON run_labels (key, value, run_id);
    CREATE TABLE run_checks (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        host TEXT NOT NULL,
        state TEXT NOT NULL,
        disposition TEXT NOT NULL,
        fails_gate INTEGER NOT NULL,
        flaky INTEGER NOT NULL,
        optional INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        duration_s REAL NOT NULL,
        summary TEXT NOT NULL,
        perfdata TEXT NOT NULL,
        fingerprint TEXT,
        baseline TEXT,
        soak TEXT,
        PRIMARY KEY (run_id, position)
    );
    CREATE TABLE check_states (
        suite TEXT NOT NULL,
        name TEXT NOT NULL,
        host TEXT NOT NULL,
        state TEXT NOT NULL,
        since_run INTEGER NOT NULL,
        last_run INTEGER NOT NULL,
        PRIMARY KEY (suite, name, host)
    );
    CREATE TABLE transitions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        suite TEXT NOT NULL,
        name TEXT NOT NULL,
        host TEXT NOT NULL,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        from_state TEXT,
        to_state TEXT NOT NULL,
        summary TEXT NOT NULL
    );
    CREATE INDEX transitions_by_check ON transitions (name, suite, host, run_id);",
];

/// An open SQLite history store.
pub struct Store {
    db: Connection,
    path: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.path)
    }
}

fn sql(e: rusqlite::Error) -> String {
    e.to_string()
}

impl Store {
    /// Opens (making it when missing) the store at `path`, brought to the current schema.
    pub fn open(path: &Path, wait: Duration) -> Result<Store, String> {
        let shown = path.display().to_string();
        let db = Connection::open(path).map_err(sql)?;
        let at = sql;
        db.busy_timeout(wait).map_err(at)?;
        // WAL: readers never wait for the writer, and one writer at a time appends.
        let _: String = db
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(at)?;
        db.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .map_err(at)?;
        let mut store = Store { db, path: shown };
        store.migrate()?;
        Ok(store)
    }

    /// The schema version the store is at.
    pub fn version(&self) -> Result<usize, String> {
        let v: i64 = self
            .db
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql)?;
        Ok(usize::try_from(v).unwrap_or(0))
    }

    fn migrate(&mut self) -> Result<(), String> {
        let at = sql;
        // Another process may be migrating too: the version is read inside the write lock.
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(at)?;
        let current: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(at)?;
        let current = usize::try_from(current).unwrap_or(0);
        if current > MIGRATIONS.len() {
            return Err(format!(
                "the store has history schema {current}, newer than this smokegate knows ({}): record with the smokegate that made it, or a newer one",
                MIGRATIONS.len()
            ));
        }
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(current) {
            tx.execute_batch(migration).map_err(at)?;
            tx.pragma_update(None, "user_version", i64::try_from(i + 1).unwrap_or(0))
                .map_err(at)?;
        }
        tx.commit().map_err(at)
    }

    /// Records one run: its JSON report (already masked) and where and by whom it was made.
    /// Returns the run's id.
    pub fn record(
        &mut self,
        report: &JsonReport,
        state: &str,
        ctx: &Context,
    ) -> Result<i64, String> {
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let v = &report.verdict;
        tx.execute(
            "INSERT INTO runs (started_at, duration_s, passed, state, exit_code, command, version,
                suite, selection, baseline, os_user, host, ci, ci_actor, ci_job_url, total,
                failing, problems, cancelled, soak)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20)",
            params![
                report.started_at,
                report.duration_s,
                v.passed,
                state,
                v.exit_code,
                ctx.command,
                report.smokegate_version,
                ctx.suite,
                ctx.selection,
                report.baseline.as_ref().map(|b| b.file.clone()),
                ctx.who.user,
                ctx.who.host,
                ctx.who.ci,
                ctx.who.actor,
                ctx.who.job_url,
                i64::try_from(v.total).unwrap_or(i64::MAX),
                to_json(&v.failing),
                to_json(&v.problems),
                v.cancelled,
                report.soak.as_ref().map(to_json),
            ],
        )
        .map_err(sql)?;
        let id = tx.last_insert_rowid();
        for (key, value) in &report.labels {
            tx.execute(
                "INSERT INTO run_labels (run_id, key, value) VALUES (?1, ?2, ?3)",
                params![id, key, value],
            )
            .map_err(sql)?;
        }
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO run_checks (run_id, position, name, host, state, disposition,
                        fails_gate, flaky, optional, attempts, duration_s, summary, perfdata,
                        fingerprint, baseline, soak)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                )
                .map_err(sql)?;
            let mut last = tx
                .prepare_cached(
                    "SELECT state FROM check_states WHERE suite = ?1 AND name = ?2 AND host = ?3",
                )
                .map_err(sql)?;
            let mut changed = tx
                .prepare_cached(
                    "INSERT INTO transitions (suite, name, host, run_id, from_state, to_state,
                        summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(sql)?;
            let mut now = tx
                .prepare_cached(
                    "INSERT INTO check_states (suite, name, host, state, since_run, last_run)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                     ON CONFLICT (suite, name, host) DO UPDATE SET
                        since_run = CASE WHEN state = excluded.state THEN since_run
                            ELSE excluded.since_run END,
                        state = excluded.state,
                        last_run = excluded.last_run",
                )
                .map_err(sql)?;
            for (position, c) in check_rows(report, &ctx.who.host).iter().enumerate() {
                insert
                    .execute(params![
                        id,
                        i64::try_from(position).unwrap_or(i64::MAX),
                        c.name,
                        c.host,
                        c.state,
                        c.disposition,
                        c.fails_gate,
                        c.flaky,
                        c.optional,
                        c.attempts,
                        c.duration_s,
                        c.summary,
                        c.perfdata,
                        c.fingerprint,
                        c.baseline,
                        c.soak.as_ref().map(|s| s.to_string()),
                    ])
                    .map_err(sql)?;
                let before: Option<String> = last
                    .query_row(params![ctx.suite, c.name, c.host], |r| r.get(0))
                    .optional()
                    .map_err(sql)?;
                if before.as_deref() != Some(c.state.as_str()) {
                    changed
                        .execute(params![
                            ctx.suite, c.name, c.host, id, before, c.state, c.summary
                        ])
                        .map_err(sql)?;
                }
                now.execute(params![ctx.suite, c.name, c.host, c.state, id])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(id)
    }

    /// Replaces run `id`'s verdict by the report's: its checks and their states stand.
    pub fn amend(&mut self, id: i64, report: &JsonReport, state: &str) -> Result<(), String> {
        let v = &report.verdict;
        let changed = self
            .db
            .execute(
                "UPDATE runs SET passed = ?2, state = ?3, exit_code = ?4, failing = ?5,
                    problems = ?6 WHERE id = ?1",
                params![
                    id,
                    v.passed,
                    state,
                    v.exit_code,
                    to_json(&v.failing),
                    to_json(&v.problems)
                ],
            )
            .map_err(sql)?;
        if changed == 1 {
            Ok(())
        } else {
            Err(format!("run {id} is not in {}", self.path))
        }
    }

    fn run_rows(&self, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<RunRow>, String> {
        let query = format!(
            "SELECT id, started_at, duration_s, passed, state, exit_code, command, version, suite,
                selection, baseline, os_user, host, ci, ci_actor, ci_job_url, total, failing,
                problems, cancelled
             FROM runs {filter}"
        );
        let mut statement = self.db.prepare(&query).map_err(sql)?;
        let rows = statement
            .query_map(args, |r| {
                let list = |text: String| serde_json::from_str(&text).unwrap_or_default();
                Ok(RunRow {
                    id: r.get(0)?,
                    started_at: r.get(1)?,
                    duration_s: r.get(2)?,
                    passed: r.get(3)?,
                    state: r.get(4)?,
                    exit_code: r.get(5)?,
                    command: r.get(6)?,
                    version: r.get(7)?,
                    suite: r.get(8)?,
                    selection: r.get(9)?,
                    baseline: r.get(10)?,
                    user: r.get(11)?,
                    host: r.get(12)?,
                    ci: r.get(13)?,
                    ci_actor: r.get(14)?,
                    ci_job_url: r.get(15)?,
                    total: r.get(16)?,
                    failing: list(r.get(17)?),
                    problems: list(r.get(18)?),
                    cancelled: r.get(19)?,
                    labels: Vec::new(),
                })
            })
            .map_err(sql)?;
        let mut runs = rows.collect::<Result<Vec<_>, _>>().map_err(sql)?;
        let mut labels = self
            .db
            .prepare_cached("SELECT key, value FROM run_labels WHERE run_id = ?1 ORDER BY key")
            .map_err(sql)?;
        for run in &mut runs {
            run.labels = labels
                .query_map([run.id], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(sql)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(sql)?;
        }
        Ok(runs)
    }

    /// The latest runs, newest first, having every label asked for; `last` of them at most.
    pub fn runs(&self, labels: &[(String, String)], last: usize) -> Result<Vec<RunRow>, String> {
        let (filter, args) = label_filter(labels);
        let limit = i64::try_from(last).unwrap_or(i64::MAX);
        let mut all: Vec<&dyn rusqlite::ToSql> = args.iter().map(|a| a as _).collect();
        all.push(&limit);
        let where_ = if filter.is_empty() {
            String::new()
        } else {
            format!("WHERE {filter}")
        };
        self.run_rows(
            &format!("{where_} ORDER BY id DESC LIMIT ?{}", args.len() + 1),
            &all,
        )
    }

    /// One run and its checks, in suite order.
    pub fn show(&self, id: i64) -> Result<Option<(RunRow, Vec<CheckRow>)>, String> {
        let Some(run) = self.run_rows("WHERE id = ?1", &[&id])?.into_iter().next() else {
            return Ok(None);
        };
        let mut statement = self
            .db
            .prepare(
                "SELECT name, host, state, disposition, fails_gate, flaky, optional, attempts,
                    duration_s, summary, perfdata, fingerprint, baseline, soak
                 FROM run_checks WHERE run_id = ?1 ORDER BY position",
            )
            .map_err(sql)?;
        let checks = statement
            .query_map([id], |r| {
                Ok(CheckRow {
                    name: r.get(0)?,
                    host: r.get(1)?,
                    state: r.get(2)?,
                    disposition: r.get(3)?,
                    fails_gate: r.get(4)?,
                    flaky: r.get(5)?,
                    optional: r.get(6)?,
                    attempts: r.get(7)?,
                    duration_s: r.get(8)?,
                    summary: r.get(9)?,
                    perfdata: r.get(10)?,
                    fingerprint: r.get(11)?,
                    baseline: r.get(12)?,
                    soak: r
                        .get::<_, Option<String>>(13)?
                        .and_then(|s| serde_json::from_str(&s).ok()),
                })
            })
            .map_err(sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql)?;
        Ok(Some((run, checks)))
    }

    /// Each change of state of the checks named `name`, oldest first, with the run that saw it.
    pub fn check(&self, name: &str) -> Result<Vec<Change>, String> {
        let mut statement = self
            .db
            .prepare(
                "SELECT run_id, host, from_state, to_state, summary FROM transitions
                 WHERE name = ?1 ORDER BY run_id, id",
            )
            .map_err(sql)?;
        let found = statement
            .query_map([name], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql)?;
        let mut changes = Vec::new();
        for (run_id, host, from, to, summary) in found {
            if let Some(run) = self
                .run_rows("WHERE id = ?1", &[&run_id])?
                .into_iter()
                .next()
            {
                changes.push(Change {
                    run,
                    host,
                    from,
                    to,
                    summary,
                });
            }
        }
        Ok(changes)
    }

    /// The run a `--baseline` names: for `last-pass` and `last`, of the same suite and
    /// selection, having the labels it asks for.
    pub fn pick(
        &self,
        pick: &Pick,
        suite: &str,
        selection: &str,
    ) -> Result<Option<(RunRow, Vec<CheckRow>)>, String> {
        let (labels, passed) = match pick {
            Pick::Run(id) => return self.show(*id),
            Pick::Last(labels) => (labels, false),
            Pick::LastPass(labels) => (labels, true),
        };
        let (filter, args) = label_filter(labels);
        let n = args.len();
        let mut query = format!(
            "SELECT id FROM runs WHERE suite = ?{} AND selection = ?{}",
            n + 1,
            n + 2
        );
        if passed {
            query.push_str(" AND passed = 1");
        }
        if !filter.is_empty() {
            query.push_str(&format!(" AND {filter}"));
        }
        query.push_str(" ORDER BY id DESC LIMIT 1");
        let mut all: Vec<&dyn rusqlite::ToSql> = args.iter().map(|a| a as _).collect();
        all.push(&suite);
        all.push(&selection);
        let id: Option<i64> = self
            .db
            .query_row(&query, all.as_slice(), |r| r.get(0))
            .optional()
            .map_err(sql)?;
        match id {
            Some(id) => self.show(id),
            None => Ok(None),
        }
    }

    /// Deletes the runs `keep` does not keep (and their checks and changes); returns how many.
    pub fn prune(&mut self, keep: Keep) -> Result<usize, String> {
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let deleted = match keep {
            Keep::Last(n) => tx
                .execute(
                    "DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?1)",
                    [i64::try_from(n).unwrap_or(i64::MAX)],
                )
                .map_err(sql)?,
            Keep::Newer(age) => {
                let cutoff = std::time::SystemTime::now()
                    .checked_sub(age)
                    .unwrap_or(std::time::UNIX_EPOCH);
                let cutoff = humantime::format_rfc3339_millis(cutoff).to_string();
                tx.execute("DELETE FROM runs WHERE started_at < ?1", [cutoff])
                    .map_err(sql)?
            }
        };
        tx.commit().map_err(sql)?;
        Ok(deleted)
    }
}

/// `run_labels` conditions for `K=V` pairs, and their values in order.
fn label_filter(labels: &[(String, String)]) -> (String, Vec<String>) {
    let mut conditions = Vec::new();
    let mut args = Vec::new();
    for (key, value) in labels {
        conditions.push(format!(
            "id IN (SELECT run_id FROM run_labels WHERE key = ?{} AND value = ?{})",
            args.len() + 1,
            args.len() + 2
        ));
        args.push(key.clone());
        args.push(value.clone());
    }
    (conditions.join(" AND "), args)
}

/// A report's part as the JSON the store keeps.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_store_is_made_at_the_latest_schema_and_reopening_runs_nothing_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("h.db");
        let store = Store::open(&path, BUSY).expect("store");
        assert_eq!(store.version(), Ok(MIGRATIONS.len()));
        drop(store);
        let again = Store::open(&path, BUSY).expect("store again");
        assert_eq!(again.version(), Ok(MIGRATIONS.len()));
    }

    #[test]
    fn a_store_from_a_newer_smokegate_is_refused_untouched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("h.db");
        let db = Connection::open(&path).expect("db");
        db.pragma_update(None, "user_version", 99).expect("version");
        drop(db);
        let err = Store::open(&path, BUSY).expect_err("newer schema");
        assert!(
            err.contains("the store has history schema 99, newer than this smokegate knows (1)"),
            "{err}"
        );
        let db = Connection::open(&path).expect("db");
        let tables: i64 = db
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(tables, 0);
    }
}

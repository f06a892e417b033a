//! 月末结账: checking what is still open in a month, and closing it (supervisor). Records
//! dated in a closed month can no longer be changed: the schema's triggers refuse it, and
//! corrections go into the current month.

use super::audit::{self, Change};
use super::operators::require_supervisor;
use super::{Actor, Store, StoreError, StoreResult, date_str};
use crate::domain::fees::Period;
use rusqlite::{OptionalExtension, params};
use serde_json::json;

/// What stands between a month and its closing, and what is still open in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthCheck {
    /// The month (`2026-11`).
    pub month: String,
    /// Closed already: (when, by whom).
    pub closed: Option<(String, String)>,
    /// Why the month cannot be closed now (not over yet, days not closed …).
    pub blocking: Vec<String>,
    /// What is still open, for the supervisor to see before closing: (area, what).
    pub open: Vec<(String, String)>,
}

impl MonthCheck {
    /// Whether the month can be closed now.
    #[must_use]
    pub fn can_close(&self) -> bool {
        self.closed.is_none() && self.blocking.is_empty()
    }
}

impl Store {
    /// Checks a month for closing: every day with receipts must be closed (日结) and the month
    /// over; meters not read, readings to re-read, keys out, open complaints and repairs,
    /// unfinished reception items and an unsigned stock-take are listed.
    pub fn check_month(&self, month: &Period) -> StoreResult<MonthCheck> {
        if month.is_quarter() {
            return Err(StoreError::invalid("月份", "请写成 2026-10 这样的月份"));
        }
        let m = month.to_string();
        let first = date_str(month.first_day());
        let last = date_str(month.last_day());
        let closed: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT c.closed_at, o.name FROM month_close c JOIN operator o ON o.id = c.closed_by
                 WHERE c.month = ?1",
                params![m],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let mut blocking = Vec::new();
        if month.last_day() >= self.today() {
            blocking.push(format!("{} 还没有过完", month.label()));
        }
        let open_days: Vec<String> = self
            .unclosed_days()?
            .into_iter()
            .filter(|d| d.starts_with(&m))
            .collect();
        if !open_days.is_empty() {
            blocking.push(format!("这些日子还没有日结：{}", open_days.join("、")));
        }
        let count = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> StoreResult<i64> {
            Ok(self.conn.query_row(sql, p, |r| r.get(0))?)
        };
        let end = format!("{last} 23:59:59");
        let mut open = Vec::new();
        let unread = self.unread_meters(month)?;
        push_open(
            &mut open,
            "抄表",
            unread,
            format!("{unread} 块表没有本月读数"),
        );
        let recheck = count(
            "SELECT count(*) FROM meter_reading WHERE month = ?1 AND state = '待复核'",
            &[&m],
        )?;
        push_open(
            &mut open,
            "抄表",
            recheck,
            format!("{recheck} 条读数待复核"),
        );
        let keys = count(
            "SELECT count(*) FROM key_loan WHERE out_at <= ?1 AND (returned_at IS NULL OR returned_at > ?1)",
            &[&end],
        )?;
        push_open(
            &mut open,
            "钥匙",
            keys,
            format!("月末有 {keys} 把钥匙借出未还"),
        );
        let stocktake: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT signed_at FROM stocktake WHERE month = ?1",
                params![m],
                |r| r.get(0),
            )
            .optional()?;
        match stocktake {
            None => open.push(("钥匙".into(), "本月没有盘点".into())),
            Some(None) => open.push(("钥匙".into(), "本月盘点主管还没有签字".into())),
            Some(Some(_)) => {}
        }
        let repairs = count(
            "SELECT count(*) FROM repair_order WHERE reported_at <= ?1 AND (closed_at IS NULL OR closed_at > ?1)",
            &[&end],
        )?;
        push_open(
            &mut open,
            "维修单",
            repairs,
            format!("{repairs} 张维修单未关闭，结转下月跟进"),
        );
        let complaints = count(
            "SELECT count(*) FROM complaint WHERE received_at <= ?1 AND (closed_at IS NULL OR closed_at > ?1)",
            &[&end],
        )?;
        push_open(
            &mut open,
            "投诉",
            complaints,
            format!("{complaints} 件投诉未关闭，结转下月跟进"),
        );
        let reception = count(
            "SELECT count(*) FROM reception WHERE at >= ?1 AND at <= ?2 AND (finished_at IS NULL OR finished_at > ?2)",
            &[&first, &end],
        )?;
        push_open(
            &mut open,
            "前台接待",
            reception,
            format!("{reception} 条接待事项月末未办结"),
        );
        let previous = month.previous().to_string();
        let earlier_receipts = count(
            "SELECT count(*) FROM receipt WHERE business_date < ?1",
            &[&first],
        )?;
        if earlier_receipts > 0 && !self.is_month_closed(&previous)? {
            open.push(("月末结账".into(), format!("上月 {previous} 还没有结账")));
        }
        Ok(MonthCheck {
            month: m,
            closed,
            blocking,
            open,
        })
    }

    /// Closes a month (supervisor only): from now on records dated in it cannot be changed.
    /// Refused while it is not over or a day with receipts in it is not closed.
    pub fn close_month(&mut self, actor: &Actor, month: &Period, note: &str) -> StoreResult<()> {
        require_supervisor(actor, "月末结账")?;
        let check = self.check_month(month)?;
        if let Some((at, by)) = &check.closed {
            return Err(StoreError::Conflict(format!(
                "{} 已于 {at} 由 {by} 结账",
                month.label()
            )));
        }
        if let Some(reason) = check.blocking.first() {
            return Err(StoreError::Conflict(format!(
                "{} 不能结账：{reason}",
                month.label()
            )));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO month_close (month, closed_at, closed_by, note) VALUES (?1, ?2, ?3, ?4)",
            params![check.month, now, actor.id, note.trim()],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "月末归档",
                action: "月末结账",
                entity: "month_close",
                entity_id: 0,
                before: None,
                after: Some(json!({"month": check.month, "note": note.trim(),
                    "open": check.open.iter().map(|(a, t)| format!("{a}：{t}")).collect::<Vec<_>>()})),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Closed months, newest first: (month, closed at, by whom).
    pub fn closed_months(&self) -> StoreResult<Vec<(String, String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.month, c.closed_at, o.name FROM month_close c JOIN operator o ON o.id = c.closed_by
             ORDER BY c.month DESC",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}

/// Adds `text` under `area` to the open list when `n` is not zero.
fn push_open(open: &mut Vec<(String, String)>, area: &str, n: i64, text: String) {
    if n > 0 {
        open.push((area.to_string(), text));
    }
}

//! 前台接待 (《客服接待记录表》): every visit or call recorded in seconds. A record is fixed once
//! written; it may later be finished (办结) once, and may become a complaint or a repair order
//! (linked in the same transaction that creates them).

use super::audit::{self, Change};
use super::{Actor, Store, StoreError, StoreResult, date_str};
use crate::clock::stamp;
use crate::domain::forms::check_name;
use crate::domain::phone::validate_phone;
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

/// How people reach the desk.
pub const RECEPTION_CHANNELS: [&str; 3] = ["来访", "来电", "其他"];

/// What they came for.
pub const RECEPTION_CATEGORIES: [&str; 6] = ["咨询", "报修", "投诉", "求助", "建议", "办理业务"];

/// A visit or call as typed at the desk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceptionForm {
    /// When (now by default; never in the future).
    pub at: NaiveDateTime,
    /// One of [`RECEPTION_CHANNELS`].
    pub channel: String,
    /// The unit's code (may be empty).
    pub unit_code: String,
    /// Who came or called.
    pub person: String,
    /// Their phone (may be empty).
    pub phone: String,
    /// One of [`RECEPTION_CATEGORIES`].
    pub category: String,
    /// What they said.
    pub matter: String,
    /// What the desk did.
    pub result: String,
    /// Finished on the spot.
    pub finished: bool,
}

/// A reception record as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceptionRow {
    /// Id.
    pub id: i64,
    /// When.
    pub at: String,
    /// Channel.
    pub channel: String,
    /// Unit code, or empty.
    pub unit_code: String,
    /// Person.
    pub person: String,
    /// Phone.
    pub phone: String,
    /// Category.
    pub category: String,
    /// What they said.
    pub matter: String,
    /// What the desk did.
    pub result: String,
    /// When it was finished, if it is.
    pub finished_at: Option<String>,
    /// The complaint it became.
    pub complaint_id: Option<i64>,
    /// The repair order it became.
    pub repair_id: Option<i64>,
    /// Operator who handled it.
    pub handled_by: String,
}

const SELECT: &str = "SELECT r.id, r.at, r.channel, coalesce(u.code, ''), r.person, r.phone,
        r.category, r.matter, r.result, r.finished_at, r.complaint_id, r.repair_id, o.name
     FROM reception r LEFT JOIN unit u ON u.id = r.unit_id JOIN operator o ON o.id = r.handled_by";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReceptionRow> {
    Ok(ReceptionRow {
        id: r.get(0)?,
        at: r.get(1)?,
        channel: r.get(2)?,
        unit_code: r.get(3)?,
        person: r.get(4)?,
        phone: r.get(5)?,
        category: r.get(6)?,
        matter: r.get(7)?,
        result: r.get(8)?,
        finished_at: r.get(9)?,
        complaint_id: r.get(10)?,
        repair_id: r.get(11)?,
        handled_by: r.get(12)?,
    })
}

/// Links a reception record to the complaint or repair order it became, inside the caller's
/// transaction; refused when it already became one.
pub(crate) fn link_reception(
    conn: &Connection,
    reception_id: i64,
    complaint_id: Option<i64>,
    repair_id: Option<i64>,
) -> StoreResult<()> {
    let linked: Option<(Option<i64>, Option<i64>)> = conn
        .query_row(
            "SELECT complaint_id, repair_id FROM reception WHERE id = ?1",
            params![reception_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match linked {
        None => Err(StoreError::NotFound("没有这条接待记录".into())),
        Some((Some(_), _)) | Some((_, Some(_))) => Err(StoreError::Conflict(
            "这条接待记录已转为投诉或维修单".into(),
        )),
        Some(_) => {
            conn.execute(
                "UPDATE reception SET complaint_id = coalesce(?2, complaint_id),
                        repair_id = coalesce(?3, repair_id) WHERE id = ?1",
                params![reception_id, complaint_id, repair_id],
            )?;
            Ok(())
        }
    }
}

impl Store {
    /// Records a visit or call; returns its id.
    pub fn add_reception(&mut self, actor: &Actor, form: &ReceptionForm) -> StoreResult<i64> {
        let channel = form.channel.trim();
        if !RECEPTION_CHANNELS.contains(&channel) {
            return Err(StoreError::invalid("方式", "请选择来访、来电或其他"));
        }
        let code = form.unit_code.trim();
        let unit_id = if code.is_empty() {
            None
        } else {
            Some(
                self.unit_id_by_code(code)?
                    .ok_or_else(|| StoreError::invalid("房号", format!("没有房号 {code}")))?,
            )
        };
        let person = check_name(&form.person).map_err(|e| StoreError::invalid("来访人", e))?;
        let phone = if form.phone.trim().is_empty() {
            String::new()
        } else {
            validate_phone(&form.phone).map_err(|e| StoreError::invalid("电话", e))?
        };
        let category = form.category.trim();
        if !RECEPTION_CATEGORIES.contains(&category) {
            return Err(StoreError::invalid("类别", "请选择类别"));
        }
        let matter = form.matter.trim();
        if matter.is_empty() {
            return Err(StoreError::invalid("来意", "请填写来访/来电事由"));
        }
        if form.at > self.now() {
            return Err(StoreError::invalid("接待时间", "接待时间不能晚于现在"));
        }
        let result = form.result.trim();
        let now = self.now_stamp();
        let at = stamp(form.at);
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO reception (at, channel, unit_id, person, phone, category, matter, result,
                                    finished_at, handled_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                at,
                channel,
                unit_id,
                person,
                phone,
                category,
                matter,
                result,
                form.finished.then_some(&now),
                actor.id,
                now
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "前台接待",
                action: "接待登记",
                entity: "reception",
                entity_id: id,
                before: None,
                after: Some(json!({"at": at, "channel": channel, "unit_id": unit_id,
                    "person": person, "category": category, "matter": matter,
                    "result": result, "finished": form.finished})),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The records of one day, newest first.
    pub fn reception_of_day(&self, day: NaiveDate) -> StoreResult<Vec<ReceptionRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE r.at >= ?1 AND r.at < ?2 ORDER BY r.at DESC, r.id DESC"
        ))?;
        let next = day.succ_opt().unwrap_or(day);
        let rows = stmt
            .query_map(params![date_str(day), date_str(next)], from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The records from `first` to `last` (whole days), oldest first: the month's register.
    pub fn reception_between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<Vec<ReceptionRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE r.at >= ?1 AND r.at < ?2 ORDER BY r.at, r.id"
        ))?;
        let next = last.succ_opt().unwrap_or(last);
        let rows = stmt
            .query_map(params![date_str(first), date_str(next)], from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Records not finished from days before `day` (yesterday's unfinished work), oldest first.
    pub fn unfinished_reception_before(
        &self,
        day: NaiveDate,
        limit: usize,
    ) -> StoreResult<Vec<ReceptionRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE r.finished_at IS NULL AND r.at < ?1
               AND r.complaint_id IS NULL AND r.repair_id IS NULL
             ORDER BY r.at LIMIT ?2"
        ))?;
        let rows = stmt
            .query_map(params![date_str(day), limit], from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// One record.
    pub fn reception(&self, id: i64) -> StoreResult<ReceptionRow> {
        self.conn
            .prepare_cached(&format!("{SELECT} WHERE r.id = ?1"))?
            .query_row(params![id], from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这条接待记录".into()))
    }

    /// Finishes (办结) a record, once, with a note.
    pub fn finish_reception(&mut self, actor: &Actor, id: i64, note: &str) -> StoreResult<()> {
        let now = self.now_stamp();
        let tx = self.begin()?;
        let done: Option<Option<String>> = tx
            .query_row(
                "SELECT finished_at FROM reception WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        match done {
            None => return Err(StoreError::NotFound("没有这条接待记录".into())),
            Some(Some(_)) => return Err(StoreError::Conflict("这条接待记录已办结".into())),
            Some(None) => {}
        }
        tx.execute(
            "UPDATE reception SET finished_at = ?2, finish_note = ?3 WHERE id = ?1",
            params![id, now, note.trim()],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "前台接待",
                action: "办结",
                entity: "reception",
                entity_id: id,
                before: None,
                after: Some(json!({"note": note.trim()})),
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}

//! 投诉 (complaints and service requests, 《业户服务需求/投诉登记表》): registered at the desk,
//! dispatched to a department, handled, resolved, called back (回访) with the resident's
//! satisfaction, then closed. Each category has a due time; an unresolved complaint past it is
//! overdue. A serious one (重大) is marked for the supervisor at once. Every change is a dated
//! entry; nothing is deleted.

use super::audit::{self, Change};
use super::{Actor, Store, StoreError, StoreResult, archive, date_str};
use crate::clock::stamp;
use crate::domain::forms::check_name;
use crate::domain::phone::validate_phone;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

/// Complaint categories with the hours the office gives itself to resolve each.
pub const COMPLAINT_CATEGORIES: [(&str, i64); 8] = [
    ("保洁", 24),
    ("绿化", 72),
    ("秩序", 12),
    ("工程", 48),
    ("收费", 72),
    ("噪音", 24),
    ("邻里", 72),
    ("其他", 72),
];

/// Departments a complaint goes to.
pub const DEPARTMENTS: [&str; 6] = ["工程", "保洁", "绿化", "秩序", "客服", "其他"];

/// The states of a complaint, in the order it moves through them.
pub const COMPLAINT_STATES: [&str; 6] = ["登记", "已派单", "处理中", "已解决", "已回访", "关闭"];

/// The hours allowed to resolve a complaint of `category` (72 for an unknown one).
#[must_use]
pub fn due_hours(category: &str) -> i64 {
    COMPLAINT_CATEGORIES
        .iter()
        .find(|(c, _)| *c == category)
        .map_or(72, |(_, h)| *h)
}

/// A complaint as typed at the desk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplaintForm {
    /// The unit's code (may be empty for a passer-by or a public matter).
    pub unit_code: String,
    /// Who complained.
    pub person: String,
    /// Their phone.
    pub phone: String,
    /// One of [`COMPLAINT_CATEGORIES`].
    pub category: String,
    /// What they said.
    pub content: String,
    /// When it was received.
    pub received_at: NaiveDateTime,
    /// Serious (重大): shown to the supervisor at once.
    pub serious: bool,
    /// The reception record it comes from, linked in the same transaction.
    pub from_reception: Option<i64>,
}

/// A complaint as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintRow {
    /// Id.
    pub id: i64,
    /// Number, e.g. TS202611-0001.
    pub number: String,
    /// Unit id, if any.
    pub unit_id: Option<i64>,
    /// Unit code, or empty.
    pub unit_code: String,
    /// Who complained.
    pub person: String,
    /// Phone.
    pub phone: String,
    /// Category.
    pub category: String,
    /// What they said.
    pub content: String,
    /// When received.
    pub received_at: String,
    /// When it should be resolved by.
    pub due_at: String,
    /// Serious (重大).
    pub serious: bool,
    /// One of [`COMPLAINT_STATES`].
    pub state: String,
    /// Department it went to.
    pub department: String,
    /// Person handling it.
    pub handler: String,
    /// When resolved.
    pub resolved_at: Option<String>,
    /// When closed.
    pub closed_at: Option<String>,
}

impl ComplaintRow {
    /// Not yet resolved and past its due time.
    #[must_use]
    pub fn is_overdue(&self, now: NaiveDateTime) -> bool {
        matches!(self.state.as_str(), "登记" | "已派单" | "处理中") && self.due_at < stamp(now)
    }

    /// Whether the desk still has something to do about it.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.state != "关闭"
    }
}

/// One dated entry on a complaint or a repair order: a step of its handling, or a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketEntry {
    /// When.
    pub at: String,
    /// The step: 登记, 派单, 处理中, 已解决, 重大 (complaints); 派工, 完工, 验收 (repairs);
    /// 回访, 关闭 or 备注 (both).
    pub kind: String,
    /// What was recorded.
    pub text: String,
    /// Satisfaction 1–5 on a callback.
    pub satisfaction: Option<i64>,
    /// Operator.
    pub operator: String,
}

/// One dated entry on a complaint.
pub type ComplaintEntryRow = TicketEntry;

/// The entries a query gives (at, kind, text, satisfaction, operator name, for the ticket
/// `?1`), oldest first as the query orders them.
pub(crate) fn ticket_entries(
    conn: &Connection,
    sql: &str,
    id: i64,
) -> StoreResult<Vec<TicketEntry>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(params![id], |r| {
            Ok(TicketEntry {
                at: r.get(0)?,
                kind: r.get(1)?,
                text: r.get(2)?,
                satisfaction: r.get(3)?,
                operator: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Which complaints a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplaintFilter {
    /// Only this state.
    pub state: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Received in this month (`2026-11`), plus every one still open.
    pub month: Option<String>,
    /// Number, unit code, person or content contains this.
    pub text: String,
}

const SELECT: &str = "SELECT c.id, c.number, c.unit_id, coalesce(u.code, ''), c.person, c.phone,
        c.category, c.content, c.received_at, c.due_at, c.serious, c.state, c.department,
        c.handler, c.resolved_at, c.closed_at
     FROM complaint c LEFT JOIN unit u ON u.id = c.unit_id";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ComplaintRow> {
    Ok(ComplaintRow {
        id: r.get(0)?,
        number: r.get(1)?,
        unit_id: r.get(2)?,
        unit_code: r.get(3)?,
        person: r.get(4)?,
        phone: r.get(5)?,
        category: r.get(6)?,
        content: r.get(7)?,
        received_at: r.get(8)?,
        due_at: r.get(9)?,
        serious: r.get(10)?,
        state: r.get(11)?,
        department: r.get(12)?,
        handler: r.get(13)?,
        resolved_at: r.get(14)?,
        closed_at: r.get(15)?,
    })
}

fn required(field: &'static str, text: &str, what: &str) -> StoreResult<String> {
    let t = text.trim();
    if t.is_empty() {
        Err(StoreError::invalid(field, format!("请填写{what}")))
    } else if t.chars().count() > 500 {
        Err(StoreError::invalid(field, "最多500个字"))
    } else {
        Ok(t.to_string())
    }
}

fn complaint_of(conn: &Connection, id: i64) -> StoreResult<ComplaintRow> {
    conn.prepare_cached(&format!("{SELECT} WHERE c.id = ?1"))?
        .query_row(params![id], from_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound("没有这条投诉".into()))
}

/// One step on a complaint: its entry, its audit line and the new state, inside `conn`'s
/// transaction.
struct Step<'a> {
    at: &'a str,
    kind: &'a str,
    text: &'a str,
    satisfaction: Option<i64>,
}

fn record_step(
    conn: &Connection,
    actor: &Actor,
    now: &str,
    before: &ComplaintRow,
    step: &Step<'_>,
) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO complaint_entry (complaint_id, at, kind, text, satisfaction, operator_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![before.id, step.at, step.kind, step.text, step.satisfaction, actor.id, now],
    )?;
    audit::record(
        conn,
        Some(actor),
        now,
        &Change {
            area: "投诉",
            action: step.kind,
            entity: "complaint",
            entity_id: before.id,
            before: Some(json!({"number": before.number, "state": before.state})),
            after: Some(json!({"at": step.at, "text": step.text,
                "satisfaction": step.satisfaction})),
        },
    )
}

fn still_open(c: &ComplaintRow) -> StoreResult<()> {
    if c.is_open() {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "投诉 {} 已关闭，不能再更改",
            c.number
        )))
    }
}

impl Store {
    /// Registers a complaint (state 登记) with its due time from the category; returns its id.
    pub fn add_complaint(&mut self, actor: &Actor, form: &ComplaintForm) -> StoreResult<i64> {
        let code = form.unit_code.trim();
        let unit_id = if code.is_empty() {
            None
        } else {
            Some(
                self.unit_id_by_code(code)?
                    .ok_or_else(|| StoreError::invalid("房号", format!("没有房号 {code}")))?,
            )
        };
        let person = check_name(&form.person).map_err(|e| StoreError::invalid("投诉人", e))?;
        let phone = validate_phone(&form.phone).map_err(|e| StoreError::invalid("联系电话", e))?;
        let category = form.category.trim();
        if !COMPLAINT_CATEGORIES.iter().any(|(c, _)| *c == category) {
            return Err(StoreError::invalid("类别", "请选择投诉类别"));
        }
        let content = required("投诉内容", &form.content, "投诉内容")?;
        if form.received_at > self.now() {
            return Err(StoreError::invalid("受理时间", "受理时间不能晚于现在"));
        }
        let received = stamp(form.received_at);
        let due = stamp(form.received_at + Duration::hours(due_hours(category)));
        let now = self.now_stamp();
        let month = form.received_at.format("%Y%m").to_string();
        let tx = self.begin()?;
        let taken: i64 = tx.query_row(
            "SELECT count(*) FROM complaint WHERE number LIKE ?1",
            params![format!("TS{month}-%")],
            |r| r.get(0),
        )?;
        let number = format!("TS{month}-{:04}", taken + 1);
        tx.execute(
            "INSERT INTO complaint (number, unit_id, person, phone, category, content, received_at,
                                    due_at, serious, state, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '登记', ?10, ?11)",
            params![
                number,
                unit_id,
                person,
                phone,
                category,
                content,
                received,
                due,
                form.serious,
                now,
                actor.id
            ],
        )?;
        let id = tx.last_insert_rowid();
        if let Some(rid) = form.from_reception {
            super::reception::link_reception(&tx, rid, Some(id), None)?;
        }
        let created = complaint_of(&tx, id)?;
        record_step(
            &tx,
            actor,
            &now,
            &created,
            &Step {
                at: &received,
                kind: "登记",
                text: &format!("{person}（{phone}）：{content}"),
                satisfaction: None,
            },
        )?;
        if form.serious {
            record_step(
                &tx,
                actor,
                &now,
                &created,
                &Step {
                    at: &now,
                    kind: "重大",
                    text: "登记为重大投诉，已报主管",
                    satisfaction: None,
                },
            )?;
        }
        if let Some(unit_id) = unit_id {
            archive::add_event(
                &tx,
                actor,
                &now,
                unit_id,
                &date_str(form.received_at.date()),
                "投诉",
                &format!("{number} {category}：{content}"),
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// Complaints for a list: open ones first (overdue first, then by due time), then the
    /// closed ones newest first, at most `limit`.
    pub fn complaints(
        &self,
        filter: &ComplaintFilter,
        limit: usize,
    ) -> StoreResult<Vec<ComplaintRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT}
             WHERE (?1 IS NULL OR c.state = ?1)
               AND (?2 IS NULL OR c.category = ?2)
               AND (?3 IS NULL OR c.state <> '关闭' OR substr(c.received_at, 1, 7) = ?3)
               AND (?4 = '' OR instr(c.number, ?4) > 0 OR instr(coalesce(u.code, ''), ?4) > 0
                    OR instr(c.person, ?4) > 0 OR instr(c.content, ?4) > 0)
             ORDER BY c.state = '关闭',
                      CASE WHEN c.state = '关闭' THEN '' ELSE c.due_at END,
                      c.received_at DESC, c.id DESC
             LIMIT ?5"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    filter.state,
                    filter.category,
                    filter.month,
                    filter.text.trim(),
                    limit
                ],
                from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The complaints received from `first` to `last` (whole days), oldest first, each with
    /// its latest callback (回访) if there was one: the month's register.
    pub fn complaints_between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<Vec<(ComplaintRow, Option<ComplaintEntryRow>)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE c.received_at >= ?1 AND c.received_at < ?2 ORDER BY c.received_at, c.id"
        ))?;
        let next = last.succ_opt().unwrap_or(last);
        let rows = stmt
            .query_map(params![date_str(first), date_str(next)], from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let callback = self
                .complaint_entries(row.id)?
                .into_iter()
                .rev()
                .find(|e| e.kind == "回访");
            out.push((row, callback));
        }
        Ok(out)
    }

    /// One complaint.
    pub fn complaint(&self, id: i64) -> StoreResult<ComplaintRow> {
        complaint_of(&self.conn, id)
    }

    /// The dated entries of a complaint, oldest first.
    pub fn complaint_entries(&self, id: i64) -> StoreResult<Vec<ComplaintEntryRow>> {
        ticket_entries(
            &self.conn,
            "SELECT e.at, e.kind, e.text, e.satisfaction, o.name
             FROM complaint_entry e JOIN operator o ON o.id = e.operator_id
             WHERE e.complaint_id = ?1 ORDER BY e.id",
            id,
        )
    }

    /// Sends (or re-sends) a complaint to a department and a person.
    pub fn dispatch_complaint(
        &mut self,
        actor: &Actor,
        id: i64,
        department: &str,
        handler: &str,
    ) -> StoreResult<()> {
        let department = department.trim();
        if !DEPARTMENTS.contains(&department) {
            return Err(StoreError::invalid("部门", "请选择处理部门"));
        }
        let handler =
            check_name(handler).map_err(|_| StoreError::invalid("处理人", "请填写处理人"))?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let c = complaint_of(&tx, id)?;
        still_open(&c)?;
        if !matches!(c.state.as_str(), "登记" | "已派单" | "处理中") {
            return Err(StoreError::Conflict("已解决的投诉不能再派单".into()));
        }
        tx.execute(
            "UPDATE complaint SET state = '已派单', department = ?2, handler = ?3 WHERE id = ?1",
            params![id, department, handler],
        )?;
        record_step(
            &tx,
            actor,
            &now,
            &c,
            &Step {
                at: &now,
                kind: "派单",
                text: &format!("派给 {department} {handler}"),
                satisfaction: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records that the department has started on it.
    pub fn start_complaint(&mut self, actor: &Actor, id: i64, note: &str) -> StoreResult<()> {
        self.simple_complaint_step(
            actor,
            id,
            &["已派单"],
            "处理中",
            "处理中",
            note.trim(),
            None,
        )
    }

    /// Records the complaint as resolved, with how.
    pub fn resolve_complaint(&mut self, actor: &Actor, id: i64, result: &str) -> StoreResult<()> {
        let result = required("处理结果", result, "处理结果")?;
        self.simple_complaint_step(
            actor,
            id,
            &["已派单", "处理中"],
            "已解决",
            "已解决",
            &result,
            None,
        )
    }

    /// The callback (回访): date, result, satisfaction 1–5 and notes. Only after resolution.
    pub fn callback_complaint(
        &mut self,
        actor: &Actor,
        id: i64,
        date: NaiveDate,
        result: &str,
        satisfaction: i64,
    ) -> StoreResult<()> {
        let result = required("回访结果", result, "回访结果")?;
        if !(1..=5).contains(&satisfaction) {
            return Err(StoreError::invalid("满意度", "满意度为1到5"));
        }
        if date > self.today() {
            return Err(StoreError::invalid("回访日期", "回访日期不能晚于今天"));
        }
        let c = self.complaint(id)?;
        if c.state != "已解决" {
            return Err(StoreError::invalid(
                "回访日期",
                "投诉还没有解决，解决后才能回访",
            ));
        }
        if c.resolved_at
            .as_deref()
            .is_some_and(|r| date_str(date).as_str() < r.get(..10).unwrap_or(r))
        {
            return Err(StoreError::invalid("回访日期", "回访日期不能早于解决日期"));
        }
        self.simple_complaint_step(
            actor,
            id,
            &["已解决"],
            "已回访",
            "回访",
            &format!("{result}（满意度 {satisfaction}）"),
            Some((date_str(date), satisfaction)),
        )
    }

    /// Closes a complaint after its callback.
    pub fn close_complaint(&mut self, actor: &Actor, id: i64, note: &str) -> StoreResult<()> {
        self.simple_complaint_step(actor, id, &["已回访"], "关闭", "关闭", note.trim(), None)
    }

    /// Marks a complaint serious (重大): shown to the supervisor at once.
    pub fn mark_complaint_serious(&mut self, actor: &Actor, id: i64) -> StoreResult<()> {
        let now = self.now_stamp();
        let tx = self.begin()?;
        let c = complaint_of(&tx, id)?;
        still_open(&c)?;
        if c.serious {
            return Err(StoreError::Conflict("已经是重大投诉".into()));
        }
        tx.execute(
            "UPDATE complaint SET serious = 1 WHERE id = ?1",
            params![id],
        )?;
        record_step(
            &tx,
            actor,
            &now,
            &c,
            &Step {
                at: &now,
                kind: "重大",
                text: "标记为重大投诉，已报主管",
                satisfaction: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Adds a note (a correction of an earlier entry is a new note).
    pub fn note_complaint(&mut self, actor: &Actor, id: i64, text: &str) -> StoreResult<()> {
        let text = required("备注", text, "备注内容")?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let c = complaint_of(&tx, id)?;
        record_step(
            &tx,
            actor,
            &now,
            &c,
            &Step {
                at: &now,
                kind: "备注",
                text: &text,
                satisfaction: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Complaints not closed, overdue and serious first, at most `limit`: for the day's to-do.
    pub fn open_complaints(&self, limit: usize) -> StoreResult<Vec<ComplaintRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE c.state <> '关闭'
             ORDER BY c.state IN ('已解决', '已回访'), c.due_at, c.id LIMIT ?1"
        ))?;
        let rows = stmt
            .query_map(params![limit], from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Moves a complaint from one of `from` to `to` with an entry of `kind`.
    #[allow(clippy::too_many_arguments)] // One step's parts; only called from this file.
    fn simple_complaint_step(
        &mut self,
        actor: &Actor,
        id: i64,
        from: &[&str],
        to: &str,
        kind: &str,
        text: &str,
        callback: Option<(String, i64)>,
    ) -> StoreResult<()> {
        let now = self.now_stamp();
        let tx = self.begin()?;
        let c = complaint_of(&tx, id)?;
        still_open(&c)?;
        if !from.contains(&c.state.as_str()) {
            return Err(StoreError::Conflict(format!(
                "投诉 {} 现在是“{}”，不能{}",
                c.number,
                c.state,
                match to {
                    "处理中" => "登记处理中（请先派单）",
                    "已解决" => "登记解决（请先派单）",
                    "已回访" => "回访（请先登记解决）",
                    _ => "关闭（请先回访）",
                }
            )));
        }
        match to {
            "已解决" => tx.execute(
                "UPDATE complaint SET state = ?2, resolved_at = ?3 WHERE id = ?1",
                params![id, to, now],
            )?,
            "关闭" => tx.execute(
                "UPDATE complaint SET state = ?2, closed_at = ?3 WHERE id = ?1",
                params![id, to, now],
            )?,
            _ => tx.execute(
                "UPDATE complaint SET state = ?2 WHERE id = ?1",
                params![id, to],
            )?,
        };
        let (at, satisfaction) = match &callback {
            Some((date, s)) => (date.as_str(), Some(*s)),
            None => (now.as_str(), None),
        };
        record_step(
            &tx,
            actor,
            &now,
            &c,
            &Step {
                at,
                kind,
                text,
                satisfaction,
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}

//! The desk's small registers: goods release passes (《物品放行条》, confirmed with the owner,
//! printed for the gate), mail and parcels (收发信件: logged on arrival, marked when the
//! resident is told and when collected, each once) and the shift handover (《客服部工作交接表》:
//! open items with notes, shown until the next person acknowledges them), and notices for the
//! board (通知/公告, fixed once written).

use super::audit::{self, Change};
use super::{Actor, Store, StoreError, StoreResult, date_str};
use crate::clock::stamp;
use crate::domain::forms::check_name;
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{OptionalExtension, params};
use serde_json::json;

/// How the owner confirmed a goods pass.
pub const PASS_CONFIRM_MEANS: [&str; 2] = ["电话", "本人到场"];

/// Kinds of mail held at the desk.
pub const MAIL_KINDS: [&str; 4] = ["信件", "包裹", "挂号信", "其他"];

/// A goods release pass as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoodsPassForm {
    /// The unit the goods come from.
    pub unit_code: String,
    /// Who carries them out.
    pub bearer: String,
    /// What goes out.
    pub items: String,
    /// The owner who confirmed.
    pub confirmed_by: String,
    /// One of [`PASS_CONFIRM_MEANS`].
    pub confirm_means: String,
    /// The day the pass is valid.
    pub valid_on: NaiveDate,
}

/// A goods release pass as listed and printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoodsPassRow {
    /// Id.
    pub id: i64,
    /// Number, e.g. FX20261127-01.
    pub number: String,
    /// Unit code.
    pub unit_code: String,
    /// Bearer.
    pub bearer: String,
    /// Items.
    pub items: String,
    /// Owner who confirmed.
    pub confirmed_by: String,
    /// How.
    pub confirm_means: String,
    /// Valid on.
    pub valid_on: String,
    /// When written.
    pub created_at: String,
    /// Operator.
    pub operator: String,
}

/// A piece of mail as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRow {
    /// Id.
    pub id: i64,
    /// Unit code.
    pub unit_code: String,
    /// Recipient.
    pub recipient: String,
    /// Kind.
    pub kind: String,
    /// Sender or courier.
    pub sender: String,
    /// When it arrived.
    pub arrived_at: String,
    /// (when, how) the resident was told.
    pub notified: Option<(String, String)>,
    /// (when, by whom) it was collected.
    pub collected: Option<(String, String)>,
}

/// A shift handover note as shown on 今日待办.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverRow {
    /// Id.
    pub id: i64,
    /// When written.
    pub written_at: String,
    /// Who wrote it.
    pub written_by: String,
    /// The open items at the end of the shift, one a line.
    pub open_items: String,
    /// Notes for the next person.
    pub notes: String,
}

/// A notice for the board (通知/公告).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardNoticeRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Body, paragraphs separated by line breaks.
    pub body: String,
    /// The date printed on it.
    pub notice_date: String,
    /// Who it is for (全体业户, 3栋业户 …).
    pub audience: String,
}

const PASS_SELECT: &str = "SELECT g.id, g.number, u.code, g.bearer, g.items, g.confirmed_by,
        g.confirm_means, g.valid_on, g.created_at, o.name
     FROM goods_pass g JOIN unit u ON u.id = g.unit_id JOIN operator o ON o.id = g.created_by";

fn pass_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<GoodsPassRow> {
    Ok(GoodsPassRow {
        id: r.get(0)?,
        number: r.get(1)?,
        unit_code: r.get(2)?,
        bearer: r.get(3)?,
        items: r.get(4)?,
        confirmed_by: r.get(5)?,
        confirm_means: r.get(6)?,
        valid_on: r.get(7)?,
        created_at: r.get(8)?,
        operator: r.get(9)?,
    })
}

const MAIL_SELECT: &str = "SELECT m.id, u.code, m.recipient, m.kind, m.sender, m.arrived_at,
        m.notified_at, m.notified_how, m.collected_at, m.collected_by
     FROM mail_item m JOIN unit u ON u.id = m.unit_id";

fn mail_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MailRow> {
    let notified_at: Option<String> = r.get(6)?;
    let collected_at: Option<String> = r.get(8)?;
    Ok(MailRow {
        id: r.get(0)?,
        unit_code: r.get(1)?,
        recipient: r.get(2)?,
        kind: r.get(3)?,
        sender: r.get(4)?,
        arrived_at: r.get(5)?,
        notified: match notified_at {
            Some(at) => Some((at, r.get(7)?)),
            None => None,
        },
        collected: match collected_at {
            Some(at) => Some((at, r.get(9)?)),
            None => None,
        },
    })
}

fn required(field: &'static str, text: &str, what: &str) -> StoreResult<String> {
    let t = text.trim();
    if t.is_empty() {
        Err(StoreError::invalid(field, format!("请填写{what}")))
    } else if t.chars().count() > 300 {
        Err(StoreError::invalid(field, "最多300个字"))
    } else {
        Ok(t.to_string())
    }
}

impl Store {
    fn unit_for(&self, code: &str) -> StoreResult<i64> {
        let code = code.trim();
        if code.is_empty() {
            return Err(StoreError::invalid("房号", "请填写房号"));
        }
        self.unit_id_by_code(code)?
            .ok_or_else(|| StoreError::invalid("房号", format!("没有房号 {code}")))
    }

    /// Writes a goods release pass; returns its id.
    pub fn add_goods_pass(&mut self, actor: &Actor, form: &GoodsPassForm) -> StoreResult<i64> {
        let unit_id = self.unit_for(&form.unit_code)?;
        let bearer = check_name(&form.bearer).map_err(|e| StoreError::invalid("携物人", e))?;
        let items = required("放行物品", &form.items, "放行物品")?;
        let confirmed_by = check_name(&form.confirmed_by)
            .map_err(|_| StoreError::invalid("确认业主", "请填写确认放行的业主"))?;
        let means = form.confirm_means.trim();
        if !PASS_CONFIRM_MEANS.contains(&means) {
            return Err(StoreError::invalid("确认方式", "请选择电话或本人到场"));
        }
        if form.valid_on < self.today() {
            return Err(StoreError::invalid("有效日期", "有效日期不能早于今天"));
        }
        let now = self.now_stamp();
        let day = self.today().format("%Y%m%d").to_string();
        let tx = self.begin()?;
        let taken: i64 = tx.query_row(
            "SELECT count(*) FROM goods_pass WHERE number LIKE ?1",
            params![format!("FX{day}-%")],
            |r| r.get(0),
        )?;
        let number = format!("FX{day}-{:02}", taken + 1);
        tx.execute(
            "INSERT INTO goods_pass (number, unit_id, bearer, items, confirmed_by, confirm_means,
                                     valid_on, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                number,
                unit_id,
                bearer,
                items,
                confirmed_by,
                means,
                date_str(form.valid_on),
                now,
                actor.id
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "前台接待",
                action: "开具放行条",
                entity: "goods_pass",
                entity_id: id,
                before: None,
                after: Some(
                    json!({"number": number, "unit_id": unit_id, "bearer": bearer,
                    "items": items, "confirmed_by": confirmed_by, "means": means,
                    "valid_on": date_str(form.valid_on)}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The passes written on `day`, newest first.
    pub fn goods_passes_of_day(&self, day: NaiveDate) -> StoreResult<Vec<GoodsPassRow>> {
        let next = day.succ_opt().unwrap_or(day);
        let mut stmt = self.conn.prepare_cached(&format!(
            "{PASS_SELECT} WHERE g.created_at >= ?1 AND g.created_at < ?2 ORDER BY g.id DESC"
        ))?;
        let rows = stmt
            .query_map(params![date_str(day), date_str(next)], pass_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// One pass (for printing).
    pub fn goods_pass(&self, id: i64) -> StoreResult<GoodsPassRow> {
        self.conn
            .prepare_cached(&format!("{PASS_SELECT} WHERE g.id = ?1"))?
            .query_row(params![id], pass_from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这张放行条".into()))
    }

    /// Logs a piece of mail on arrival; returns its id.
    pub fn add_mail(
        &mut self,
        actor: &Actor,
        unit_code: &str,
        recipient: &str,
        kind: &str,
        sender: &str,
    ) -> StoreResult<i64> {
        let unit_id = self.unit_for(unit_code)?;
        let recipient = check_name(recipient).map_err(|e| StoreError::invalid("收件人", e))?;
        let kind = kind.trim();
        if !MAIL_KINDS.contains(&kind) {
            return Err(StoreError::invalid("类型", "请选择信件类型"));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO mail_item (unit_id, recipient, kind, sender, arrived_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![unit_id, recipient, kind, sender.trim(), now, actor.id],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "前台接待",
                action: "登记信件",
                entity: "mail_item",
                entity_id: id,
                before: None,
                after: Some(
                    json!({"unit_id": unit_id, "recipient": recipient, "kind": kind,
                    "sender": sender.trim()}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Mail not yet collected, plus what arrived or was collected on `day`, oldest first.
    pub fn mail_for_desk(&self, day: NaiveDate) -> StoreResult<Vec<MailRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{MAIL_SELECT} WHERE m.collected_at IS NULL OR m.arrived_at >= ?1 OR m.collected_at >= ?1
             ORDER BY m.arrived_at, m.id"
        ))?;
        let rows = stmt
            .query_map(params![date_str(day)], mail_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Marks that the resident was told (电话, 短信…), once.
    pub fn mail_notified(&mut self, actor: &Actor, id: i64, how: &str) -> StoreResult<()> {
        let how = required("通知方式", how, "通知方式")?;
        self.mail_step(actor, id, "通知", "notified_at", "notified_how", &how)
    }

    /// Marks the mail collected, by whom, once.
    pub fn mail_collected(&mut self, actor: &Actor, id: i64, by: &str) -> StoreResult<()> {
        let by = check_name(by).map_err(|_| StoreError::invalid("领取人", "请填写领取人"))?;
        self.mail_step(actor, id, "领取", "collected_at", "collected_by", &by)
    }

    fn mail_step(
        &mut self,
        actor: &Actor,
        id: i64,
        action: &str,
        at_column: &str,
        who_column: &str,
        who: &str,
    ) -> StoreResult<()> {
        let now: NaiveDateTime = self.now();
        let now = stamp(now);
        let tx = self.begin()?;
        let done: Option<Option<String>> = tx
            .query_row(
                &format!("SELECT {at_column} FROM mail_item WHERE id = ?1"),
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        match done {
            None => return Err(StoreError::NotFound("没有这件信件".into())),
            Some(Some(at)) => {
                return Err(StoreError::Conflict(format!(
                    "已于 {} 登记过{action}",
                    at.get(..16).unwrap_or(&at)
                )));
            }
            Some(None) => {}
        }
        tx.execute(
            &format!("UPDATE mail_item SET {at_column} = ?2, {who_column} = ?3 WHERE id = ?1"),
            params![id, now, who],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "前台接待",
                action: &format!("信件{action}"),
                entity: "mail_item",
                entity_id: id,
                before: None,
                after: Some(json!({ "who": who })),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The open items at this moment, one a line (for the handover form to show and keep).
    pub fn handover_open_items(&self) -> StoreResult<String> {
        let today = self.today();
        let mut lines = Vec::new();
        for r in self.unfinished_reception_before(today.succ_opt().unwrap_or(today), 50)? {
            lines.push(format!(
                "接待未办结：{} {} {} {}",
                r.at.get(..16).unwrap_or(&r.at),
                r.unit_code,
                r.person,
                r.matter
            ));
        }
        for c in self.open_complaints(50)? {
            lines.push(format!("投诉{}：{} {}", c.state, c.number, c.content));
        }
        for o in self.open_repairs(50)? {
            lines.push(format!("维修单{}：{} {}", o.state, o.number, o.description));
        }
        Ok(lines.join("\n"))
    }

    /// Writes a shift handover with the open items and notes; returns its id.
    pub fn add_handover(&mut self, actor: &Actor, notes: &str) -> StoreResult<i64> {
        let notes = required("交接说明", notes, "交接说明")?;
        let items = self.handover_open_items()?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO shift_handover (written_at, written_by, open_items, notes)
             VALUES (?1, ?2, ?3, ?4)",
            params![now, actor.id, items, notes],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "前台接待",
                action: "交班",
                entity: "shift_handover",
                entity_id: id,
                before: None,
                after: Some(json!({"notes": notes, "open_items": items})),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Handovers nobody has acknowledged yet, oldest first.
    pub fn unacknowledged_handovers(&self) -> StoreResult<Vec<HandoverRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.id, h.written_at, o.name, h.open_items, h.notes
             FROM shift_handover h JOIN operator o ON o.id = h.written_by
             WHERE h.acknowledged_at IS NULL ORDER BY h.written_at, h.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(HandoverRow {
                    id: r.get(0)?,
                    written_at: r.get(1)?,
                    written_by: r.get(2)?,
                    open_items: r.get(3)?,
                    notes: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Acknowledges a handover (已阅), once.
    pub fn acknowledge_handover(&mut self, actor: &Actor, id: i64) -> StoreResult<()> {
        let now = self.now_stamp();
        let tx = self.begin()?;
        let done: Option<Option<String>> = tx
            .query_row(
                "SELECT acknowledged_at FROM shift_handover WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        match done {
            None => return Err(StoreError::NotFound("没有这条交接记录".into())),
            Some(Some(_)) => return Err(StoreError::Conflict("这条交接已确认".into())),
            Some(None) => {}
        }
        tx.execute(
            "UPDATE shift_handover SET acknowledged_at = ?2, acknowledged_by = ?3 WHERE id = ?1",
            params![id, now, actor.id],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "前台接待",
                action: "确认交接",
                entity: "shift_handover",
                entity_id: id,
                before: None,
                after: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Writes a notice for the board; returns its id.
    pub fn add_board_notice(
        &mut self,
        actor: &Actor,
        title: &str,
        body: &str,
        date: NaiveDate,
        audience: &str,
    ) -> StoreResult<i64> {
        let title = required("标题", title, "标题")?;
        let body = body.trim();
        if body.is_empty() {
            return Err(StoreError::invalid("正文", "请填写正文"));
        }
        let audience = required("对象", audience, "通知对象")?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO board_notice (title, body, notice_date, audience, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![title, body, date_str(date), audience, now, actor.id],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "前台接待",
                action: "发布通知",
                entity: "board_notice",
                entity_id: id,
                before: None,
                after: Some(json!({"title": title, "date": date_str(date), "audience": audience})),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The newest notices first, at most `limit`.
    pub fn board_notices(&self, limit: usize) -> StoreResult<Vec<BoardNoticeRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, title, body, notice_date, audience FROM board_notice
             ORDER BY notice_date DESC, id DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map(params![limit], |r| {
                Ok(BoardNoticeRow {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    body: r.get(2)?,
                    notice_date: r.get(3)?,
                    audience: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

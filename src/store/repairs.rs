//! 工程维修单 (repair orders): registered at the desk for a unit or a public area, dispatched
//! to a technician, completed (with materials and, for paid repairs, a charge that becomes a
//! one-off fee line on the unit), then checked by the desk (public repairs, 验收) or called
//! back (in-unit repairs, 回访) before closing. Every step is a dated entry; nothing is deleted.

use super::audit::{self, Change};
use super::{Actor, Store, StoreError, StoreResult, archive, date_str};
use crate::clock::stamp;
use crate::domain::forms::check_name;
use crate::domain::money::{parse_amount, yuan};
use crate::domain::phone::validate_phone;
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

/// Repair categories (《工程维修单》 类别).
pub const REPAIR_CATEGORIES: [&str; 7] = ["水", "电", "门窗", "管道", "公共设施", "电梯", "其他"];

/// The states of a repair order, in the order it moves through them.
pub const REPAIR_STATES: [&str; 6] = ["登记", "已派工", "已完工", "已验收", "已回访", "关闭"];

/// A repair order as typed at the desk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairForm {
    /// Public area (公共区域) rather than a unit.
    pub public: bool,
    /// The unit's code, for an in-unit repair.
    pub unit_code: String,
    /// The place, for a public repair (e.g. 3栋大堂).
    pub place: String,
    /// Who reported it.
    pub reporter: String,
    /// Their phone.
    pub phone: String,
    /// One of [`REPAIR_CATEGORIES`].
    pub category: String,
    /// What is broken.
    pub description: String,
    /// When it was reported.
    pub reported_at: NaiveDateTime,
    /// The reception record it comes from, linked in the same transaction.
    pub from_reception: Option<i64>,
}

/// What the technician reports when the work is done.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairCompletion {
    /// When the work was finished.
    pub at: NaiveDateTime,
    /// Materials used.
    pub materials: String,
    /// Charge for a paid repair (有偿维修), in 元 as typed; empty for none.
    pub charge: String,
}

/// A repair order as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepairRow {
    /// Id.
    pub id: i64,
    /// Number, e.g. WX202611-0001.
    pub number: String,
    /// The unit, for an in-unit repair.
    pub unit_id: Option<i64>,
    /// The unit's code, or empty.
    pub unit_code: String,
    /// The place of a public repair, or empty.
    pub place: String,
    /// Reporter.
    pub reporter: String,
    /// Reporter's phone.
    pub phone: String,
    /// Category.
    pub category: String,
    /// Description.
    pub description: String,
    /// When reported.
    pub reported_at: String,
    /// One of [`REPAIR_STATES`].
    pub state: String,
    /// Technician, once dispatched.
    pub technician: String,
    /// Appointment, e.g. `2026-11-27 14:00`.
    pub appointment: String,
    /// Materials used.
    pub materials: String,
    /// Charge in fen (0 = free).
    pub charge_fen: i64,
    /// When the work was finished.
    pub completed_at: Option<String>,
    /// When it was closed.
    pub closed_at: Option<String>,
}

impl RepairRow {
    /// A repair of a public area (checked by the desk, not called back).
    #[must_use]
    pub fn is_public(&self) -> bool {
        self.unit_id.is_none()
    }

    /// The unit code, or 公共区域 with the place.
    #[must_use]
    pub fn location(&self) -> String {
        if self.is_public() {
            format!("公共区域：{}", self.place)
        } else {
            self.unit_code.clone()
        }
    }

    /// Whether the desk still has something to do about it.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.state != "关闭"
    }
}

/// One dated entry on a repair order.
pub type RepairEntryRow = super::complaints::TicketEntry;

/// Which repair orders a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairFilter {
    /// Only this state (all when `None`).
    pub state: Option<String>,
    /// Orders reported in this month (`2026-11`), plus every order still open.
    pub month: Option<String>,
    /// Number, unit code, place, reporter, technician or description contains this.
    pub text: String,
}

/// One line of a month's summary: a category or a state with its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepairSummaryLine {
    /// The category or state.
    pub name: String,
    /// Orders reported in the month.
    pub orders: i64,
    /// Of them, completed.
    pub completed: i64,
    /// Average minutes from report to completion of the completed ones.
    pub avg_minutes: Option<i64>,
}

/// A month of repair orders summarised (月初汇总 of last month).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepairMonthSummary {
    /// The month, `2026-10`.
    pub month: String,
    /// By category.
    pub by_category: Vec<RepairSummaryLine>,
    /// By state now.
    pub by_state: Vec<RepairSummaryLine>,
    /// Every order reported in the month.
    pub orders: Vec<RepairRow>,
    /// Orders still open (from this month or earlier): they carry over into the new month.
    pub carried_over: Vec<RepairRow>,
}

fn minutes_between(from: &str, to: &str) -> Option<i64> {
    let f = NaiveDateTime::parse_from_str(from, "%Y-%m-%d %H:%M:%S").ok()?;
    let t = NaiveDateTime::parse_from_str(to, "%Y-%m-%d %H:%M:%S").ok()?;
    Some((t - f).num_minutes())
}

fn summary_line(name: &str, rows: &[&RepairRow]) -> RepairSummaryLine {
    let done: Vec<i64> = rows
        .iter()
        .filter_map(|r| {
            r.completed_at
                .as_deref()
                .and_then(|c| minutes_between(&r.reported_at, c))
        })
        .collect();
    let completed = i64::try_from(done.len()).unwrap_or(0);
    RepairSummaryLine {
        name: name.to_string(),
        orders: i64::try_from(rows.len()).unwrap_or(0),
        completed,
        avg_minutes: (completed > 0).then(|| done.iter().sum::<i64>() / completed),
    }
}

const ORDER_SELECT: &str = "SELECT r.id, r.number, r.unit_id, coalesce(u.code, ''), r.place,
        r.reporter, r.phone, r.category, r.description, r.reported_at, r.state, r.technician,
        r.appointment, r.materials, r.charge_fen, r.completed_at, r.closed_at
     FROM repair_order r LEFT JOIN unit u ON u.id = r.unit_id";

fn order_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RepairRow> {
    Ok(RepairRow {
        id: r.get(0)?,
        number: r.get(1)?,
        unit_id: r.get(2)?,
        unit_code: r.get(3)?,
        place: r.get(4)?,
        reporter: r.get(5)?,
        phone: r.get(6)?,
        category: r.get(7)?,
        description: r.get(8)?,
        reported_at: r.get(9)?,
        state: r.get(10)?,
        technician: r.get(11)?,
        appointment: r.get(12)?,
        materials: r.get(13)?,
        charge_fen: r.get(14)?,
        completed_at: r.get(15)?,
        closed_at: r.get(16)?,
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

fn order_of(conn: &Connection, id: i64) -> StoreResult<RepairRow> {
    conn.prepare_cached(&format!("{ORDER_SELECT} WHERE r.id = ?1"))?
        .query_row(params![id], order_from_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound("没有这张维修单".into()))
}

// One row of the entry table, column by column; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
fn add_entry(
    conn: &Connection,
    actor: &Actor,
    now: &str,
    order_id: i64,
    at: &str,
    kind: &str,
    text: &str,
    satisfaction: Option<i64>,
) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO repair_entry (order_id, at, kind, text, satisfaction, operator_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![order_id, at, kind, text, satisfaction, actor.id, now],
    )?;
    Ok(())
}

fn audit_step(
    conn: &Connection,
    actor: &Actor,
    now: &str,
    before: &RepairRow,
    action: &str,
    after: serde_json::Value,
) -> StoreResult<()> {
    audit::record(
        conn,
        Some(actor),
        now,
        &Change {
            area: "维修单",
            action,
            entity: "repair_order",
            entity_id: before.id,
            before: Some(json!({"number": before.number, "state": before.state})),
            after: Some(after),
        },
    )
}

/// Refuses a closed order.
fn still_open(order: &RepairRow) -> StoreResult<()> {
    if order.is_open() {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "维修单 {} 已关闭，不能再更改",
            order.number
        )))
    }
}

impl Store {
    /// Registers a repair order (state 登记); returns its id. The number is taken inside the
    /// same transaction: `WX` + month + a sequence within the month.
    pub fn add_repair_order(&mut self, actor: &Actor, form: &RepairForm) -> StoreResult<i64> {
        let (unit_id, place) = if form.public {
            (None, required("地点", &form.place, "公共区域的地点")?)
        } else {
            let code = form.unit_code.trim();
            if code.is_empty() {
                return Err(StoreError::invalid(
                    "房号",
                    "请填写房号，公共区域请勾选“公共区域”",
                ));
            }
            let id = self
                .unit_id_by_code(code)?
                .ok_or_else(|| StoreError::invalid("房号", format!("没有房号 {code}")))?;
            (Some(id), String::new())
        };
        let reporter = check_name(&form.reporter).map_err(|e| StoreError::invalid("报修人", e))?;
        let phone = validate_phone(&form.phone).map_err(|e| StoreError::invalid("联系电话", e))?;
        let category = form.category.trim();
        if !REPAIR_CATEGORIES.contains(&category) {
            return Err(StoreError::invalid("类别", "请选择维修类别"));
        }
        let description = required("报修内容", &form.description, "报修内容")?;
        if form.reported_at > self.now() {
            return Err(StoreError::invalid("报修时间", "报修时间不能晚于现在"));
        }
        let reported = stamp(form.reported_at);
        let now = self.now_stamp();
        let month = form.reported_at.format("%Y%m").to_string();
        let tx = self.begin()?;
        let taken: i64 = tx.query_row(
            "SELECT count(*) FROM repair_order WHERE number LIKE ?1",
            params![format!("WX{month}-%")],
            |r| r.get(0),
        )?;
        let number = format!("WX{month}-{:04}", taken + 1);
        tx.execute(
            "INSERT INTO repair_order (number, unit_id, place, reporter, phone, category, description,
                                       reported_at, state, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '登记', ?9, ?10)",
            params![
                number,
                unit_id,
                place,
                reporter,
                phone,
                category,
                description,
                reported,
                now,
                actor.id
            ],
        )?;
        let id = tx.last_insert_rowid();
        if let Some(rid) = form.from_reception {
            super::reception::link_reception(&tx, rid, None, Some(id))?;
        }
        add_entry(
            &tx,
            actor,
            &now,
            id,
            &reported,
            "登记",
            &format!("{reporter}（{phone}）报修：{description}"),
            None,
        )?;
        if let Some(unit_id) = unit_id {
            archive::add_event(
                &tx,
                actor,
                &now,
                unit_id,
                &date_str(form.reported_at.date()),
                "报修",
                &format!("{number} {category}：{description}"),
            )?;
        }
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "维修单",
                action: "登记维修单",
                entity: "repair_order",
                entity_id: id,
                before: None,
                after: Some(json!({"number": number, "unit_id": unit_id, "place": place,
                    "reporter": reporter, "phone": phone, "category": category,
                    "description": description, "reported_at": reported})),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Repair orders for a list: the open ones first (oldest first), then the closed ones
    /// (newest first), at most `limit`.
    pub fn repair_orders(
        &self,
        filter: &RepairFilter,
        limit: usize,
    ) -> StoreResult<Vec<RepairRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let text = filter.text.trim();
        let mut stmt = self.conn.prepare_cached(&format!(
            "{ORDER_SELECT}
             WHERE (?1 IS NULL OR r.state = ?1)
               AND (?2 IS NULL OR r.state <> '关闭' OR substr(r.reported_at, 1, 7) = ?2)
               AND (?3 = '' OR instr(r.number, ?3) > 0 OR instr(coalesce(u.code, ''), ?3) > 0
                    OR instr(r.place, ?3) > 0 OR instr(r.reporter, ?3) > 0
                    OR instr(r.technician, ?3) > 0 OR instr(r.description, ?3) > 0)
             ORDER BY r.state = '关闭',
                      CASE WHEN r.state = '关闭' THEN '' ELSE r.reported_at END,
                      r.reported_at DESC, r.id DESC
             LIMIT ?4"
        ))?;
        let rows = stmt
            .query_map(
                params![filter.state, filter.month, text, limit],
                order_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// One repair order.
    pub fn repair_order(&self, id: i64) -> StoreResult<RepairRow> {
        order_of(&self.conn, id)
    }

    /// The dated entries of a repair order, oldest first.
    pub fn repair_entries(&self, id: i64) -> StoreResult<Vec<RepairEntryRow>> {
        super::complaints::ticket_entries(
            &self.conn,
            "SELECT e.at, e.kind, e.text, e.satisfaction, o.name
             FROM repair_entry e JOIN operator o ON o.id = e.operator_id
             WHERE e.order_id = ?1 ORDER BY e.id",
            id,
        )
    }

    /// Dispatches (or re-dispatches) an order to a technician with an optional appointment.
    pub fn dispatch_repair(
        &mut self,
        actor: &Actor,
        id: i64,
        technician: &str,
        appointment: &str,
    ) -> StoreResult<()> {
        let technician = check_name(technician)
            .map_err(|_| StoreError::invalid("维修人员", "请填写维修人员"))?;
        let appointment = appointment.trim().to_string();
        if !appointment.is_empty()
            && NaiveDateTime::parse_from_str(&appointment, "%Y-%m-%d %H:%M").is_err()
        {
            return Err(StoreError::invalid(
                "预约时间",
                "时间格式应为 2026-11-27 14:00",
            ));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        let order = order_of(&tx, id)?;
        still_open(&order)?;
        if !matches!(order.state.as_str(), "登记" | "已派工") {
            return Err(StoreError::Conflict(format!(
                "维修单 {} 已完工，不能再派工",
                order.number
            )));
        }
        tx.execute(
            "UPDATE repair_order SET state = '已派工', technician = ?2, appointment = ?3 WHERE id = ?1",
            params![id, technician, appointment],
        )?;
        let text = if appointment.is_empty() {
            format!("派工给 {technician}")
        } else {
            format!("派工给 {technician}，预约 {appointment}")
        };
        add_entry(&tx, actor, &now, id, &now, "派工", &text, None)?;
        audit_step(
            &tx,
            actor,
            &now,
            &order,
            "维修派工",
            json!({"state": "已派工", "technician": technician, "appointment": appointment}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records the work as done. A charge (有偿维修, in-unit only) becomes a one-off fee line
    /// on the unit under the 一次性 fee item named 有偿维修 (or the first active 一次性 item).
    pub fn complete_repair(
        &mut self,
        actor: &Actor,
        id: i64,
        done: &RepairCompletion,
    ) -> StoreResult<()> {
        let charge_fen = if done.charge.trim().is_empty() {
            0
        } else {
            parse_amount(&done.charge).map_err(|e| StoreError::invalid("维修费", e))?
        };
        if charge_fen < 0 {
            return Err(StoreError::invalid("维修费", "金额不能为负数"));
        }
        if done.at > self.now() {
            return Err(StoreError::invalid("完工时间", "完工时间不能晚于现在"));
        }
        let materials = done.materials.trim().to_string();
        let now = self.now_stamp();
        let at = stamp(done.at);
        let today = date_str(self.today());
        let tx = self.begin()?;
        let order = order_of(&tx, id)?;
        still_open(&order)?;
        if order.state != "已派工" {
            return Err(StoreError::Conflict(format!(
                "维修单 {} 还没有派工，不能登记完工",
                order.number
            )));
        }
        if at < order.reported_at {
            return Err(StoreError::invalid("完工时间", "完工时间不能早于报修时间"));
        }
        let mut bill_id: Option<i64> = None;
        if charge_fen > 0 {
            let Some(unit_id) = order.unit_id else {
                return Err(StoreError::invalid("维修费", "公共区域维修不向业户收费"));
            };
            let item: Option<(i64, String)> = tx
                .query_row(
                    "SELECT id, name FROM fee_item WHERE kind = '一次性' AND active = 1
                     ORDER BY name <> '有偿维修', id LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((item_id, item_name)) = item else {
                return Err(StoreError::invalid(
                    "维修费",
                    "还没有一次性收费项目：请主管先在 设置 → 收费项目 中添加“有偿维修”（一次性）",
                ));
            };
            let payer: String = tx.query_row(
                "SELECT coalesce(group_concat(p.name, '、'), '') FROM occupancy o JOIN person p ON p.id = o.person_id
                 WHERE o.unit_id = ?1 AND o.role = '业主' AND o.end_date IS NULL",
                params![unit_id],
                |r| r.get(0),
            )?;
            let note = format!("维修单 {}：{}", order.number, order.description);
            tx.execute(
                "INSERT INTO bill (unit_id, fee_item_id, period, part_start, part_end, item_name, detail, quantity, quantity_scale,
                                   price_4dp, gross_fen, amount_fen, payer, due_date, note, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?3, ?5, ?6, 1, 1, ?7, ?8, ?8, ?9, ?3, ?10, ?4, ?11, ?4, ?11)",
                params![unit_id, item_id, today, now, item_name, note, charge_fen * 100, charge_fen, payer, note, actor.id],
            )?;
            bill_id = Some(tx.last_insert_rowid());
        }
        tx.execute(
            "UPDATE repair_order SET state = '已完工', completed_at = ?2, materials = ?3,
                    charge_fen = ?4, bill_id = ?5 WHERE id = ?1",
            params![id, at, materials, charge_fen, bill_id],
        )?;
        let mut text = format!("{} 完工", order.technician);
        if !materials.is_empty() {
            text.push_str(&format!("，材料：{materials}"));
        }
        if charge_fen > 0 {
            text.push_str(&format!("，有偿维修 {} 元已计入应收", yuan(charge_fen)));
        }
        add_entry(&tx, actor, &now, id, &at, "完工", &text, None)?;
        audit_step(
            &tx,
            actor,
            &now,
            &order,
            "维修完工",
            json!({"state": "已完工", "completed_at": at, "materials": materials,
                "charge": yuan(charge_fen), "bill_id": bill_id}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The desk's check (验收) of a finished public repair.
    pub fn check_repair(&mut self, actor: &Actor, id: i64, result: &str) -> StoreResult<()> {
        let result = required("验收结果", result, "验收结果")?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let order = order_of(&tx, id)?;
        still_open(&order)?;
        if !order.is_public() {
            return Err(StoreError::Conflict(
                "业户单元维修由前台回访，不做验收".into(),
            ));
        }
        if order.state != "已完工" {
            return Err(StoreError::Conflict("维修完工后才能验收".into()));
        }
        tx.execute(
            "UPDATE repair_order SET state = '已验收' WHERE id = ?1",
            params![id],
        )?;
        add_entry(&tx, actor, &now, id, &now, "验收", &result, None)?;
        audit_step(
            &tx,
            actor,
            &now,
            &order,
            "维修验收",
            json!({"state": "已验收", "result": result}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The callback (回访) to the resident after an in-unit repair: date, result and
    /// satisfaction 1–5.
    pub fn callback_repair(
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
        let now = self.now_stamp();
        let tx = self.begin()?;
        let order = order_of(&tx, id)?;
        still_open(&order)?;
        if order.is_public() {
            return Err(StoreError::Conflict(
                "公共区域维修由前台验收，不做回访".into(),
            ));
        }
        if order.state != "已完工" {
            return Err(StoreError::invalid(
                "回访日期",
                "维修还没有完工，完工后才能回访",
            ));
        }
        if order
            .completed_at
            .as_deref()
            .is_some_and(|c| date_str(date).as_str() < c.get(..10).unwrap_or(c))
        {
            return Err(StoreError::invalid("回访日期", "回访日期不能早于完工日期"));
        }
        tx.execute(
            "UPDATE repair_order SET state = '已回访' WHERE id = ?1",
            params![id],
        )?;
        add_entry(
            &tx,
            actor,
            &now,
            id,
            &date_str(date),
            "回访",
            &format!("{result}（满意度 {satisfaction}）"),
            Some(satisfaction),
        )?;
        audit_step(
            &tx,
            actor,
            &now,
            &order,
            "维修回访",
            json!({"state": "已回访", "date": date_str(date), "result": result,
                "satisfaction": satisfaction}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Closes an order: a public repair needs the desk's check first, an in-unit repair the
    /// callback.
    pub fn close_repair(&mut self, actor: &Actor, id: i64, note: &str) -> StoreResult<()> {
        let note = note.trim().to_string();
        let now = self.now_stamp();
        let tx = self.begin()?;
        let order = order_of(&tx, id)?;
        still_open(&order)?;
        if order.is_public() && order.state != "已验收" {
            return Err(StoreError::Conflict(
                "公共区域维修须经前台验收后才能关闭".into(),
            ));
        }
        if !order.is_public() && order.state != "已回访" {
            return Err(StoreError::Conflict(
                "业户单元维修须完工并回访后才能关闭".into(),
            ));
        }
        tx.execute(
            "UPDATE repair_order SET state = '关闭', closed_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        add_entry(&tx, actor, &now, id, &now, "关闭", &note, None)?;
        audit_step(
            &tx,
            actor,
            &now,
            &order,
            "关闭维修单",
            json!({"state": "关闭", "note": note}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Adds a note to an order (a correction of an earlier entry is a new note).
    pub fn note_repair(&mut self, actor: &Actor, id: i64, text: &str) -> StoreResult<()> {
        let text = required("备注", text, "备注内容")?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let order = order_of(&tx, id)?;
        add_entry(&tx, actor, &now, id, &now, "备注", &text, None)?;
        audit_step(
            &tx,
            actor,
            &now,
            &order,
            "维修单备注",
            json!({"note": text}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Orders waiting for the desk (not closed), the oldest first, at most `limit`: for the
    /// day's to-do.
    pub fn open_repairs(&self, limit: usize) -> StoreResult<Vec<RepairRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(&format!(
            "{ORDER_SELECT} WHERE r.state <> '关闭' ORDER BY r.reported_at, r.id LIMIT ?1"
        ))?;
        let rows = stmt
            .query_map(params![limit], order_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The summary of the orders reported in `month` (`2026-10`), with every order still open
    /// carried over.
    pub fn repair_month_summary(&self, month: &str) -> StoreResult<RepairMonthSummary> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{ORDER_SELECT} WHERE substr(r.reported_at, 1, 7) = ?1 ORDER BY r.reported_at, r.id"
        ))?;
        let orders = stmt
            .query_map(params![month], order_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        let by_category = REPAIR_CATEGORIES
            .iter()
            .map(|c| {
                let rows: Vec<&RepairRow> = orders.iter().filter(|r| r.category == *c).collect();
                summary_line(c, &rows)
            })
            .filter(|l| l.orders > 0)
            .collect();
        let by_state = REPAIR_STATES
            .iter()
            .map(|s| {
                let rows: Vec<&RepairRow> = orders.iter().filter(|r| r.state == *s).collect();
                summary_line(s, &rows)
            })
            .filter(|l| l.orders > 0)
            .collect();
        let carried_over = self.open_repairs(usize::MAX)?;
        Ok(RepairMonthSummary {
            month: month.to_string(),
            by_category,
            by_state,
            orders,
            carried_over,
        })
    }
}

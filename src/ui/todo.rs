//! 今日待办: the first view after login. Shift handovers not yet acknowledged, yesterday's unfinished reception items, complaints waiting for action or callback (overdue
//! and serious first), repair orders waiting for dispatch, completion, check or callback,
//! keys not returned and days with takings not closed. Each row jumps to its record.

use super::app::DeskCtx;
use super::theme;
use super::widgets::{muted, section};
use crate::domain::fees::Period;
use crate::store::{
    ComplaintRow, HandoverRow, KeyLoanRow, ReceptionRow, RecheckRow, RepairRow, StoreError,
};
use chrono::NaiveDate;

/// How many rows of each kind are shown at most.
const LIMIT: usize = 300;

/// Where a to-do row leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TodoJump {
    /// A day of the reception log.
    Reception(NaiveDate),
    /// A repair order in 维修单.
    Repair(i64),
    /// A complaint in 投诉.
    Complaint(i64),
    /// The 钥匙 tab.
    Keys,
    /// The 收费 tab (days to close).
    Fees,
    /// 抄表 → 待复核.
    Recheck,
    /// 抄表 → the sheet of a month (`2026-11`) not fully read.
    Readings(crate::domain::fees::Period),
}

#[derive(Default)]
struct TodoLists {
    handovers: Vec<HandoverRow>,
    reception: Vec<ReceptionRow>,
    complaints: Vec<ComplaintRow>,
    repairs: Vec<RepairRow>,
    overdue_keys: Vec<KeyLoanRow>,
    unclosed_days: Vec<String>,
    recheck: Vec<RecheckRow>,
    /// Last month, and how many meters in use have no reading for it.
    unread: Option<(Period, i64)>,
}

/// The to-do view's state: loaded when the view opens or on 刷新, never per frame.
#[derive(Default)]
pub struct TodoTab {
    lists: Option<TodoLists>,
}

/// What the desk has to do next about a repair order.
#[must_use]
pub fn repair_next_step(r: &RepairRow) -> &'static str {
    match r.state.as_str() {
        "登记" => "待派工",
        "已派工" => "待完工",
        "已完工" if r.is_public() => "待验收",
        "已完工" => "待回访",
        _ => "待关闭",
    }
}

/// What the desk has to do next about a complaint.
#[must_use]
pub fn complaint_next_step(c: &ComplaintRow) -> &'static str {
    match c.state.as_str() {
        "登记" => "待派单",
        "已派单" | "处理中" => "处理中",
        "已解决" => "待回访",
        _ => "待关闭",
    }
}

impl TodoTab {
    /// Loads again on the next frame (the view was opened or something changed).
    pub fn invalidate(&mut self) {
        self.lists = None;
    }

    fn load(ctx: &DeskCtx<'_>) -> Result<TodoLists, StoreError> {
        let today = ctx.today.format("%Y-%m-%d").to_string();
        Ok(TodoLists {
            handovers: ctx.store.unacknowledged_handovers()?,
            reception: ctx.store.unfinished_reception_before(ctx.today, LIMIT)?,
            complaints: ctx.store.open_complaints(LIMIT)?,
            repairs: ctx.store.open_repairs(LIMIT)?,
            overdue_keys: ctx
                .store
                .open_key_loans()?
                .into_iter()
                .filter(|l| l.is_overdue(ctx.today))
                .collect(),
            unclosed_days: ctx
                .store
                .unclosed_days()?
                .into_iter()
                .filter(|d| *d < today)
                .collect(),
            recheck: ctx.store.recheck_list()?,
            unread: {
                let last = Period::month_of(ctx.today).previous();
                Some((last, ctx.store.unread_meters(&last)?)).filter(|(_, n)| *n > 0)
            },
        })
    }

    /// Draws the view; returns the record a row was clicked for.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) -> Option<TodoJump> {
        if self.lists.is_none() {
            match Self::load(ctx) {
                Ok(l) => self.lists = Some(l),
                Err(e) => {
                    ctx.fail(&e);
                    self.lists = Some(TodoLists::default());
                }
            }
        }
        let lists = self.lists.as_ref()?;
        let now = ctx.store.clock().now();
        let mut jump = None;
        let mut refresh = false;
        let mut acknowledge = None;
        ui.horizontal(|ui| {
            ui.heading(format!("今日待办（{}）", ctx.today.format("%Y-%m-%d")));
            refresh = ui.button("刷新待办").clicked();
        });
        let overdue = lists
            .complaints
            .iter()
            .filter(|c| c.is_overdue(now))
            .count();
        let total = lists.handovers.len()
            + lists.reception.len()
            + lists.complaints.len()
            + lists.repairs.len()
            + lists.overdue_keys.len()
            + lists.unclosed_days.len()
            + lists.recheck.len()
            + usize::from(lists.unread.is_some());
        if total == 0 {
            muted(ui, "没有待办事项。");
        }
        let today = ctx.today.format("%Y-%m-%d").to_string();
        egui::ScrollArea::vertical()
            .id_salt("todo_list")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for hv in &lists.handovers {
                    section(
                        ui,
                        &format!(
                            "交接：{} {}",
                            hv.written_by,
                            hv.written_at.get(..16).unwrap_or(&hv.written_at)
                        ),
                    );
                    ui.label(egui::RichText::new(&hv.notes).strong());
                    for line in hv.open_items.lines() {
                        muted(ui, line);
                    }
                    if ui.button(format!("已阅交接 #{}", hv.id)).clicked() {
                        acknowledge = Some(hv.id);
                    }
                }
                if !lists.reception.is_empty() {
                    section(
                        ui,
                        &format!("往日未完成的接待事项 {} 条", lists.reception.len()),
                    );
                    for r in &lists.reception {
                        let text = format!(
                            "{} {} {} {} — {}",
                            r.at.get(..16).unwrap_or(&r.at),
                            if r.unit_code.is_empty() {
                                "—"
                            } else {
                                &r.unit_code
                            },
                            r.person,
                            r.category,
                            r.matter
                        );
                        if row(ui, &text, false) {
                            jump =
                                r.at.get(..10)
                                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                                    .map(TodoJump::Reception);
                        }
                    }
                }
                if !lists.complaints.is_empty() {
                    section(
                        ui,
                        &format!(
                            "投诉待处理 {} 条（超时 {} 条）",
                            lists.complaints.len(),
                            overdue
                        ),
                    );
                    // Overdue first, then serious, then the rest in due order.
                    let mut rows: Vec<&ComplaintRow> = lists.complaints.iter().collect();
                    rows.sort_by_key(|c| (!c.is_overdue(now), !c.serious));
                    for c in rows {
                        let mut text = format!(
                            "{} {} {} — {}",
                            complaint_next_step(c),
                            c.number,
                            if c.unit_code.is_empty() {
                                "—"
                            } else {
                                &c.unit_code
                            },
                            c.content
                        );
                        if c.serious {
                            text.insert_str(0, "【重大】");
                        }
                        if c.is_overdue(now) {
                            text.insert_str(0, "【超时】");
                        }
                        let red = c.is_overdue(now) || c.serious;
                        if row(ui, &text, red) {
                            jump = Some(TodoJump::Complaint(c.id));
                        }
                    }
                }
                if !lists.repairs.is_empty() {
                    section(ui, &format!("维修单待处理 {} 张", lists.repairs.len()));
                    for r in &lists.repairs {
                        let text = format!(
                            "{} {} {} — {}",
                            repair_next_step(r),
                            r.number,
                            r.location(),
                            r.description
                        );
                        let old = r.reported_at.as_str() < today.as_str();
                        if row(ui, &text, old && r.state == "登记") {
                            jump = Some(TodoJump::Repair(r.id));
                        }
                    }
                }
                if !lists.overdue_keys.is_empty() {
                    section(ui, &format!("钥匙逾期未还 {} 把", lists.overdue_keys.len()));
                    for l in &lists.overdue_keys {
                        let text = format!(
                            "逾期 {} {} — {}（{}），应于 {} 归还",
                            l.unit_code, l.label, l.borrower, l.phone, l.due_on
                        );
                        if row(ui, &text, true) {
                            jump = Some(TodoJump::Keys);
                        }
                    }
                }
                if !lists.recheck.is_empty() || lists.unread.is_some() {
                    section(ui, &format!("抄表待复核 {} 条", lists.recheck.len()));
                    if let Some((month, n)) = lists.unread {
                        let text = format!("{} 还有 {n} 块表没有读数", month.label());
                        if row(ui, &text, true) {
                            jump = Some(TodoJump::Readings(month));
                        }
                    }
                    for r in &lists.recheck {
                        let text = format!(
                            "待复核 {} {} {}（表号 {}，{}）— {}",
                            r.month,
                            r.meter.label(),
                            r.meter.kind.meter_name(),
                            r.meter.number,
                            r.meter.location,
                            r.note
                        );
                        if row(ui, &text, false) {
                            jump = Some(TodoJump::Recheck);
                        }
                    }
                }
                if !lists.unclosed_days.is_empty() {
                    section(ui, "未日结的营业日");
                    for d in &lists.unclosed_days {
                        if row(ui, &format!("{d} 的收款尚未日结"), true) {
                            jump = Some(TodoJump::Fees);
                        }
                    }
                }
            });
        if let Some(id) = acknowledge {
            match ctx.store.acknowledge_handover(ctx.actor, id) {
                Ok(()) => refresh = true,
                Err(e) => ctx.fail(&e),
            }
        }
        if refresh {
            self.lists = None;
        }
        jump
    }
}

/// One clickable to-do row; red when it is late.
fn row(ui: &mut egui::Ui, text: &str, red: bool) -> bool {
    let rich = if red {
        egui::RichText::new(text).color(theme::ERROR)
    } else {
        egui::RichText::new(text)
    };
    ui.link(rich).clicked()
}

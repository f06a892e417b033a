//! 前台接待: the reception log (《客服接待记录表》). A visit or call is recorded in seconds
//! (time now by default); the day's records are listed below; one click turns a record into a
//! complaint or a repair order with its fields carried over, and an unfinished one is finished
//! (办结) when done. Goods release passes and mail have views of their own.

use super::app::DeskCtx;
use super::date_picker::DateField;
use super::desk_registers::{HandoverView, MailView, NoticesView, PassesView};
use super::theme;
use super::widgets::{FieldError, error_for};
use super::widgets::{choice_row, field_row, muted, section};
use crate::documents::short_time;
use crate::store::{
    RECEPTION_CATEGORIES, RECEPTION_CHANNELS, ReceptionForm, ReceptionRow, StoreError,
};
use chrono::NaiveDateTime;

/// Where a reception record leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceptionJump {
    /// Open a new complaint filled in from this record.
    Complaint(ReceptionRow),
    /// Open a new repair order filled in from this record.
    Repair(ReceptionRow),
}

struct Form {
    at: String,
    channel: &'static str,
    unit_code: String,
    person: String,
    phone: String,
    category: &'static str,
    matter: String,
    result: String,
    finished: bool,
    error: FieldError,
}

impl Form {
    fn new(ctx: &DeskCtx<'_>) -> Self {
        Self {
            at: ctx.store.clock().now().format("%Y-%m-%d %H:%M").to_string(),
            channel: RECEPTION_CHANNELS[0],
            unit_code: String::new(),
            person: String::new(),
            phone: String::new(),
            category: RECEPTION_CATEGORIES[0],
            matter: String::new(),
            result: String::new(),
            finished: true,
            error: None,
        }
    }
}

/// Which part of the tab is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReceptionView {
    /// 接待记录表.
    #[default]
    Log,
    /// 物品放行.
    Passes,
    /// 收发信件.
    Mail,
    /// 通知公告.
    Notices,
    /// 交班.
    Handover,
}

/// The reception tab's state: the day's list is loaded when the tab opens, the day changes or
/// a record is saved, never per frame.
#[derive(Default)]
pub struct ReceptionTab {
    view: ReceptionView,
    passes: PassesView,
    mail: MailView,
    handover: HandoverView,
    notices: NoticesView,
    form: Option<Form>,
    day: Option<DateField>,
    rows: Option<Vec<ReceptionRow>>,
}

fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S"))
        .ok()
}

impl ReceptionTab {
    /// Loads the lists again on the next frame (the tab was opened).
    pub fn invalidate(&mut self) {
        self.rows = None;
    }

    /// Shows the records of `day` (a jump from 今日待办).
    pub fn show_day(&mut self, day: chrono::NaiveDate) {
        self.view = ReceptionView::Log;
        self.day = Some(DateField::new(Some(day)));
        self.rows = None;
    }

    /// Draws the tab; returns a record to turn into a complaint or a repair order.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) -> Option<ReceptionJump> {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.view, ReceptionView::Log, "接待记录表");
            ui.selectable_value(&mut self.view, ReceptionView::Passes, "物品放行");
            ui.selectable_value(&mut self.view, ReceptionView::Mail, "收发信件");
            ui.selectable_value(&mut self.view, ReceptionView::Notices, "通知公告");
            if ui
                .selectable_value(&mut self.view, ReceptionView::Handover, "交班")
                .clicked()
            {
                self.handover = HandoverView::default();
            }
        });
        ui.separator();
        match self.view {
            ReceptionView::Log => self.log_ui(ui, ctx),
            ReceptionView::Passes => {
                self.passes.ui(ui, ctx);
                None
            }
            ReceptionView::Mail => {
                self.mail.ui(ui, ctx);
                None
            }
            ReceptionView::Notices => {
                self.notices.ui(ui, ctx);
                None
            }
            ReceptionView::Handover => {
                self.handover.ui(ui, ctx);
                None
            }
        }
    }

    fn log_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) -> Option<ReceptionJump> {
        if self.form.is_none() {
            self.form = Some(Form::new(ctx));
        }
        let day = self
            .day
            .get_or_insert_with(|| DateField::new(Some(ctx.today)));
        if self.rows.is_none() {
            let date = day.parsed().ok().flatten().unwrap_or(ctx.today);
            match ctx.store.reception_of_day(date) {
                Ok(r) => self.rows = Some(r),
                Err(e) => {
                    ctx.fail(&e);
                    self.rows = Some(Vec::new());
                }
            }
        }
        self.form_ui(ui, ctx);
        section(ui, "接待记录");
        let mut reload = false;
        ui.horizontal(|ui| {
            if let Some(day) = &mut self.day
                && day.ui(ui, "查看日期", ctx.today).changed()
            {
                reload = true;
            }
            if ui.button("刷新接待记录").clicked() {
                reload = true;
            }
        });
        let rows = self.rows.as_deref().unwrap_or_default();
        let mut jump = None;
        let mut finish = None;
        muted(
            ui,
            format!(
                "共 {} 条，未办结 {} 条",
                rows.len(),
                rows.iter()
                    .filter(|r| r.finished_at.is_none()
                        && r.complaint_id.is_none()
                        && r.repair_id.is_none())
                    .count()
            ),
        );
        egui::ScrollArea::vertical()
            .id_salt("reception_list")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for r in rows {
                    ui.horizontal(|ui| {
                        ui.label(format!(
                            "{} {} {} {} [{}] {}",
                            short_time(&r.at).get(11..).unwrap_or_default(),
                            r.channel,
                            if r.unit_code.is_empty() {
                                "—"
                            } else {
                                &r.unit_code
                            },
                            r.person,
                            r.category,
                            r.matter
                        ));
                        if !r.result.is_empty() {
                            muted(ui, format!("→ {}", r.result));
                        }
                        if r.complaint_id.is_some() {
                            ui.label(egui::RichText::new("已转投诉").color(theme::OK));
                        } else if r.repair_id.is_some() {
                            ui.label(egui::RichText::new("已转维修单").color(theme::OK));
                        } else if r.finished_at.is_some() {
                            ui.label(egui::RichText::new("已办结").color(theme::OK));
                        } else {
                            ui.label(egui::RichText::new("未办结").color(theme::WARN));
                            if ui.button("转投诉").clicked() {
                                jump = Some(ReceptionJump::Complaint(r.clone()));
                            }
                            if ui.button("转维修单").clicked() {
                                jump = Some(ReceptionJump::Repair(r.clone()));
                            }
                            if ui.button("办结").clicked() {
                                finish = Some(r.id);
                            }
                        }
                    });
                }
            });
        if let Some(id) = finish {
            match ctx.store.finish_reception(ctx.actor, id, "") {
                Ok(()) => reload = true,
                Err(e) => ctx.fail(&e),
            }
        }
        if reload || jump.is_some() {
            self.rows = None;
        }
        jump
    }

    fn form_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let Some(f) = &mut self.form else { return };
        section(ui, "接待登记");
        egui::Grid::new("reception_form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                field_row(ui, "接待时间 *", &mut f.at, error_for(&f.error, "接待时间"));
                choice_row(ui, "方式 *", &mut f.channel, &RECEPTION_CHANNELS);
                field_row(ui, "房号", &mut f.unit_code, error_for(&f.error, "房号"));
                field_row(ui, "来访人 *", &mut f.person, error_for(&f.error, "来访人"));
                field_row(ui, "电话", &mut f.phone, error_for(&f.error, "电话"));
                choice_row(ui, "类别 *", &mut f.category, &RECEPTION_CATEGORIES);
                field_row(ui, "来意 *", &mut f.matter, error_for(&f.error, "来意"));
                field_row(ui, "处理结果", &mut f.result, None);
            });
        ui.horizontal(|ui| {
            ui.checkbox(&mut f.finished, "当场办结");
            muted(ui, "带 * 的为必填项；未办结的记录会出现在次日的今日待办。");
        });
        if !ui.button("保存接待记录").clicked() {
            return;
        }
        let Some(at) = parse_time(&f.at) else {
            f.error = Some(("接待时间", "时间格式应为 2026-11-27 09:30".into()));
            return;
        };
        let form = ReceptionForm {
            at,
            channel: f.channel.to_string(),
            unit_code: f.unit_code.clone(),
            person: f.person.clone(),
            phone: f.phone.clone(),
            category: f.category.to_string(),
            matter: f.matter.clone(),
            result: f.result.clone(),
            finished: f.finished,
        };
        match ctx.store.add_reception(ctx.actor, &form) {
            Ok(_) => {
                ctx.toasts.info("接待记录已保存");
                self.form = Some(Form::new(ctx));
                self.rows = None;
            }
            Err(StoreError::Invalid { field, reason }) => f.error = Some((field, reason)),
            Err(e) => ctx.fail(&e),
        }
    }
}

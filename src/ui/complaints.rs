//! 投诉: complaints and service requests (《业户服务需求/投诉登记表》) from registration through
//! dispatch to a department, handling and resolution to the callback with the resident's
//! satisfaction and closing; each step a dated entry. Overdue ones (unresolved past their
//! category's due time) stand out in red; serious ones (重大) are marked for the supervisor.

use super::app::DeskCtx;
use super::date_picker::DateField;
use super::theme;
use super::ticket::{
    detail_grid, filter_choice, history_ui, month_and_text_filters, note_box, now_text, parse_time,
};
use super::widgets::{FieldError, error_for, place_error};
use super::widgets::{choice_row, field_row, muted, section};
use crate::documents::short_time;
use crate::store::{
    COMPLAINT_CATEGORIES, ComplaintEntryRow, ComplaintFilter, ComplaintForm, ComplaintRow,
    DEPARTMENTS, ReceptionRow, StoreError, due_hours,
};
use chrono::NaiveDateTime;

/// How many complaints a list shows at most.
const LIST_LIMIT: usize = 3000;

/// The state filter's choices: 全部 then every state.
const STATE_CHOICES: [&str; 7] = [
    "全部",
    "登记",
    "已派单",
    "处理中",
    "已解决",
    "已回访",
    "关闭",
];

/// Satisfaction choices at a callback.
const SATISFACTION: [i64; 5] = [5, 4, 3, 2, 1];

/// The category filter's choices.
fn category_choices() -> Vec<&'static str> {
    std::iter::once("全部")
        .chain(COMPLAINT_CATEGORIES.iter().map(|(c, _)| *c))
        .collect()
}

struct NewForm {
    unit_code: String,
    person: String,
    phone: String,
    category: &'static str,
    content: String,
    received_at: String,
    serious: bool,
    from_reception: Option<i64>,
    error: FieldError,
}

struct StepForms {
    department: &'static str,
    handler: String,
    progress: String,
    result: String,
    callback_date: DateField,
    callback_result: String,
    satisfaction: i64,
    close_note: String,
    note: String,
    error: FieldError,
}

impl StepForms {
    fn new(ctx: &DeskCtx<'_>, c: Option<&ComplaintRow>) -> Self {
        // The department it went to, else the one named like its category (保洁 → 保洁).
        let department = c
            .and_then(|c| {
                DEPARTMENTS
                    .iter()
                    .find(|d| **d == c.department)
                    .or_else(|| DEPARTMENTS.iter().find(|d| **d == c.category))
            })
            .copied()
            .unwrap_or(DEPARTMENTS[0]);
        Self {
            department,
            handler: c.map(|c| c.handler.clone()).unwrap_or_default(),
            progress: String::new(),
            result: String::new(),
            callback_date: DateField::new(Some(ctx.today)),
            callback_result: String::new(),
            satisfaction: 5,
            close_note: String::new(),
            note: String::new(),
            error: None,
        }
    }
}

/// The complaint tab's state. Lists are loaded when the tab opens or after an action, never
/// per frame.
#[derive(Default)]
pub struct ComplaintsTab {
    state: &'static str,
    category: &'static str,
    month: String,
    text: String,
    rows: Option<Vec<ComplaintRow>>,
    selected: Option<i64>,
    entries: Vec<ComplaintEntryRow>,
    new: Option<NewForm>,
    steps: Option<StepForms>,
    version: u64,
}

impl ComplaintsTab {
    fn changed(&mut self) {
        self.version += 1;
        self.rows = None;
    }

    /// Loads the list again on the next frame (the tab was opened).
    pub fn invalidate(&mut self) {
        self.changed();
    }

    fn filter(&self) -> ComplaintFilter {
        ComplaintFilter {
            state: (self.state != "全部").then(|| self.state.to_string()),
            category: (self.category != "全部").then(|| self.category.to_string()),
            month: (!self.month.trim().is_empty()).then(|| self.month.trim().to_string()),
            text: self.text.clone(),
        }
    }

    fn load(&mut self, ctx: &mut DeskCtx<'_>) {
        if self.state.is_empty() {
            self.state = STATE_CHOICES[0];
            self.category = "全部";
            self.month = ctx.today.format("%Y-%m").to_string();
        }
        match ctx.store.complaints(&self.filter(), LIST_LIMIT) {
            Ok(rows) => self.rows = Some(rows),
            Err(e) => {
                ctx.fail(&e);
                self.rows = Some(Vec::new());
            }
        }
        self.entries = match self.selected {
            Some(id) => ctx.store.complaint_entries(id).unwrap_or_else(|e| {
                ctx.fail(&e);
                Vec::new()
            }),
            None => Vec::new(),
        };
    }

    /// Shows one complaint (a jump from 今日待办).
    pub fn select_complaint(&mut self, ctx: &mut DeskCtx<'_>, id: i64) {
        self.state = STATE_CHOICES[0];
        self.category = "全部";
        self.text.clear();
        match ctx.store.complaint(id) {
            Ok(c) => {
                self.month = c.received_at.get(..7).unwrap_or_default().to_string();
                self.steps = Some(StepForms::new(ctx, Some(&c)));
                self.selected = Some(id);
                self.new = None;
            }
            Err(e) => ctx.fail(&e),
        }
        self.changed();
    }

    /// Opens the new-complaint form filled in from a reception record.
    pub fn start_from_reception(&mut self, r: &ReceptionRow) {
        self.new = Some(NewForm {
            unit_code: r.unit_code.clone(),
            person: r.person.clone(),
            phone: r.phone.clone(),
            category: COMPLAINT_CATEGORIES[0].0,
            content: r.matter.clone(),
            received_at: short_time(&r.at).to_string(),
            serious: false,
            from_reception: Some(r.id),
            error: None,
        });
        self.selected = None;
        self.steps = None;
    }

    /// Draws the tab.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if self.rows.is_none() {
            self.load(ctx);
        }
        let version = self.version;
        self.filter_ui(ui, ctx);
        let rows = self.rows.take().unwrap_or_default();
        let now = ctx.store.clock().now();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width((ui.available_width() * 0.45).max(420.0));
                self.list_ui(ui, ctx, &rows, now);
            });
            ui.separator();
            ui.vertical(|ui| {
                egui::ScrollArea::vertical()
                    .id_salt("complaint_detail")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        if self.new.is_some() {
                            self.new_ui(ui, ctx);
                        } else {
                            match rows.iter().find(|r| Some(r.id) == self.selected) {
                                Some(c) => self.detail_ui(ui, ctx, c, now),
                                None => muted(
                                    ui,
                                    "在左边选一条投诉，可派单、登记处理结果、回访、关闭。",
                                ),
                            }
                        }
                    });
            });
        });
        if self.version == version {
            self.rows = Some(rows);
        }
    }

    fn filter_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        ui.horizontal(|ui| {
            let mut changed = filter_choice(
                ui,
                "complaint_state_filter",
                "状态",
                &mut self.state,
                &STATE_CHOICES,
            );
            changed |= filter_choice(
                ui,
                "complaint_category_filter",
                "类别筛选",
                &mut self.category,
                &category_choices(),
            );
            changed |= month_and_text_filters(
                ui,
                &mut self.month,
                &mut self.text,
                "单号、房号、投诉人、内容",
            );
            if changed {
                self.changed();
            }
            if ui.button("登记投诉…").clicked() {
                self.new = Some(NewForm {
                    unit_code: String::new(),
                    person: String::new(),
                    phone: String::new(),
                    category: COMPLAINT_CATEGORIES[0].0,
                    content: String::new(),
                    received_at: now_text(ctx),
                    serious: false,
                    from_reception: None,
                    error: None,
                });
            }
        });
        ui.separator();
    }

    fn list_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &mut DeskCtx<'_>,
        rows: &[ComplaintRow],
        now: NaiveDateTime,
    ) {
        let overdue = rows.iter().filter(|r| r.is_overdue(now)).count();
        let open = rows.iter().filter(|r| r.is_open()).count();
        muted(ui, format!("投诉 {} 条，未关闭 {} 条", rows.len(), open));
        if overdue > 0 {
            ui.label(
                egui::RichText::new(format!("超时未解决 {overdue} 条"))
                    .strong()
                    .color(theme::ERROR),
            );
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let mut picked = None;
        egui::ScrollArea::vertical()
            .id_salt("complaint_list")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, rows.len(), |ui, range| {
                for r in rows.get(range).unwrap_or_default() {
                    ui.horizontal(|ui| {
                        let on = self.selected == Some(r.id);
                        let place = if r.unit_code.is_empty() {
                            "—"
                        } else {
                            r.unit_code.as_str()
                        };
                        if ui
                            .selectable_label(on, format!("{} {}", r.number, place))
                            .clicked()
                        {
                            picked = Some(r.id);
                        }
                        if r.serious {
                            ui.label(egui::RichText::new("重大").strong().color(theme::ERROR));
                        }
                        if r.is_overdue(now) {
                            ui.label(egui::RichText::new("超时").strong().color(theme::ERROR));
                        }
                        ui.label(&r.state);
                        muted(ui, format!("{} · {}", r.category, r.person));
                    });
                }
            });
        if let Some(id) = picked {
            self.selected = Some(id);
            self.new = None;
            self.steps = Some(StepForms::new(ctx, rows.iter().find(|r| r.id == id)));
            match ctx.store.complaint_entries(id) {
                Ok(e) => self.entries = e,
                Err(e) => ctx.fail(&e),
            }
        }
    }

    fn new_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let Some(f) = &mut self.new else { return };
        section(ui, "登记投诉 / 服务需求");
        let mut submit = false;
        let mut cancel = false;
        egui::Grid::new("complaint_new")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                field_row(ui, "房号", &mut f.unit_code, error_for(&f.error, "房号"));
                field_row(ui, "投诉人 *", &mut f.person, error_for(&f.error, "投诉人"));
                field_row(
                    ui,
                    "联系电话 *",
                    &mut f.phone,
                    error_for(&f.error, "联系电话"),
                );
                let categories: Vec<&'static str> =
                    COMPLAINT_CATEGORIES.iter().map(|(c, _)| *c).collect();
                choice_row(ui, "类别 *", &mut f.category, &categories);
                field_row(
                    ui,
                    "投诉内容 *",
                    &mut f.content,
                    error_for(&f.error, "投诉内容"),
                );
                field_row(
                    ui,
                    "受理时间 *",
                    &mut f.received_at,
                    error_for(&f.error, "受理时间"),
                );
            });
        muted(
            ui,
            format!(
                "带 * 的为必填项。{}类投诉应在 {} 小时内解决。",
                f.category,
                due_hours(f.category)
            ),
        );
        ui.checkbox(&mut f.serious, "重大投诉（立即报主管）");
        ui.horizontal(|ui| {
            submit = ui.button("登记投诉").clicked();
            cancel = ui.button("取消登记").clicked();
        });
        if cancel {
            self.new = None;
            return;
        }
        if !submit {
            return;
        }
        let Some(received_at) = parse_time(&f.received_at) else {
            f.error = Some(("受理时间", "时间格式应为 2026-11-27 09:30".into()));
            return;
        };
        let form = ComplaintForm {
            unit_code: f.unit_code.clone(),
            person: f.person.clone(),
            phone: f.phone.clone(),
            category: f.category.to_string(),
            content: f.content.clone(),
            received_at,
            serious: f.serious,
            from_reception: f.from_reception,
        };
        match ctx.store.add_complaint(ctx.actor, &form) {
            Ok(id) => {
                self.new = None;
                self.selected = Some(id);
                ctx.toasts.info(if form.serious {
                    "已登记重大投诉，请立即报告主管"
                } else {
                    "已登记投诉"
                });
                self.steps = None;
                self.changed();
            }
            Err(e) => f.error = place_error(ctx, &e),
        }
    }

    fn detail_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &mut DeskCtx<'_>,
        c: &ComplaintRow,
        now: NaiveDateTime,
    ) {
        section(ui, &format!("投诉 {}", c.number));
        if c.serious {
            ui.label(
                egui::RichText::new("重大投诉：已报主管")
                    .strong()
                    .color(theme::ERROR),
            );
        }
        if c.is_overdue(now) {
            ui.label(
                egui::RichText::new(format!("已超时：应于 {} 前解决", short_time(&c.due_at)))
                    .strong()
                    .color(theme::ERROR),
            );
        }
        detail_grid(
            ui,
            "complaint_detail_grid",
            &[
                ("房号", c.unit_code.clone()),
                ("投诉人", format!("{}（{}）", c.person, c.phone)),
                ("类别", c.category.clone()),
                ("投诉内容", c.content.clone()),
                ("受理时间", short_time(&c.received_at).to_string()),
                ("应解决时间", short_time(&c.due_at).to_string()),
                ("处理部门", format!("{} {}", c.department, c.handler)),
            ],
        );
        ui.label(egui::RichText::new(format!("当前状态：{}", c.state)).strong());
        if self.steps.is_none() {
            self.steps = Some(StepForms::new(ctx, Some(c)));
        }
        if c.is_open() {
            self.step_ui(ui, ctx, c);
        }
        history_ui(ui, &self.entries);
        self.note_ui(ui, ctx, c);
    }

    fn step_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, c: &ComplaintRow) {
        let Some(f) = &mut self.steps else { return };
        let mut done: Option<Result<(), StoreError>> = None;
        if matches!(c.state.as_str(), "登记" | "已派单" | "处理中") {
            section(ui, "派单");
            egui::Grid::new("complaint_dispatch")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    choice_row(ui, "部门", &mut f.department, &DEPARTMENTS);
                    field_row(
                        ui,
                        "处理人 *",
                        &mut f.handler,
                        error_for(&f.error, "处理人"),
                    );
                });
            let label = if c.state == "登记" {
                "派单"
            } else {
                "改派"
            };
            if ui.button(label).clicked() {
                done =
                    Some(
                        ctx.store
                            .dispatch_complaint(ctx.actor, c.id, f.department, &f.handler),
                    );
            }
        }
        if matches!(c.state.as_str(), "已派单" | "处理中") {
            section(ui, "处理");
            egui::Grid::new("complaint_handle")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    if c.state == "已派单" {
                        field_row(ui, "处理进展", &mut f.progress, None);
                    }
                    field_row(
                        ui,
                        "处理结果 *",
                        &mut f.result,
                        error_for(&f.error, "处理结果"),
                    );
                });
            ui.horizontal(|ui| {
                if c.state == "已派单" && ui.button("开始处理").clicked() {
                    done = Some(ctx.store.start_complaint(ctx.actor, c.id, &f.progress));
                }
                if ui.button("登记已解决").clicked() {
                    done = Some(ctx.store.resolve_complaint(ctx.actor, c.id, &f.result));
                }
            });
        }
        if c.state == "已解决" {
            section(ui, "回访");
            egui::Grid::new("complaint_callback")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    f.callback_date.ui(ui, "回访日期", ctx.today);
                    ui.end_row();
                    if let Some(e) = error_for(&f.error, "回访日期") {
                        ui.label("");
                        ui.label(egui::RichText::new(e).color(theme::ERROR));
                        ui.end_row();
                    }
                    field_row(
                        ui,
                        "回访结果 *",
                        &mut f.callback_result,
                        error_for(&f.error, "回访结果"),
                    );
                    choice_row(ui, "满意度", &mut f.satisfaction, &SATISFACTION);
                });
            if ui.button("登记回访").clicked() {
                done = Some(match f.callback_date.parsed() {
                    Ok(Some(d)) => ctx.store.callback_complaint(
                        ctx.actor,
                        c.id,
                        d,
                        &f.callback_result,
                        f.satisfaction,
                    ),
                    Ok(None) => Err(StoreError::invalid("回访日期", "请填写回访日期")),
                    Err(e) => Err(StoreError::invalid("回访日期", e)),
                });
            }
        }
        if c.state == "已回访" {
            section(ui, "关闭");
            egui::Grid::new("complaint_close")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    field_row(ui, "关闭说明", &mut f.close_note, None);
                });
            if ui.button("关闭投诉").clicked() {
                done = Some(ctx.store.close_complaint(ctx.actor, c.id, &f.close_note));
            }
        }
        if !c.serious && ui.button("标记为重大投诉").clicked() {
            done = Some(ctx.store.mark_complaint_serious(ctx.actor, c.id));
        }
        if let Some(e) = error_for(&f.error, "操作") {
            ui.label(egui::RichText::new(e).color(theme::ERROR));
        }
        match done {
            Some(Ok(())) => {
                ctx.toasts.info(format!("投诉 {} 已更新", c.number));
                self.steps = None;
                self.changed();
            }
            Some(Err(e)) => {
                let placed = place_error(ctx, &e);
                if let Some(f) = &mut self.steps {
                    f.error = placed;
                }
            }
            None => {}
        }
    }

    fn note_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, c: &ComplaintRow) {
        let Some(f) = &mut self.steps else { return };
        if note_box(ui, "complaint_note", &mut f.note, &f.error) {
            match ctx.store.note_complaint(ctx.actor, c.id, &f.note) {
                Ok(()) => {
                    self.steps = None;
                    self.changed();
                }
                Err(e) => f.error = place_error(ctx, &e),
            }
        }
    }
}

//! 维修单: repair orders (《工程维修单》) from registration through dispatch, completion, the
//! desk's check (public repairs) or callback (in-unit repairs) to closing, each step a dated
//! entry; printed for the technician to take and sign. Open orders stay at the top of the
//! list whatever month is shown.

use super::app::DeskCtx;
use super::date_picker::DateField;
use super::fees::{print_folder, save_and_open};
use super::theme;
use super::ticket::{
    detail_grid, filter_choice, history_ui, month_and_text_filters, note_box, now_text, parse_time,
};
use super::widgets::{FieldError, error_for, place_error};
use super::widgets::{choice_row, field_row, muted, section};
use crate::documents::{short_time, summary_print};
use crate::domain::money::yuan;
use crate::print::repair_order::{RepairOrderPrint, repair_order_pdf};
use crate::print::repair_summary::repair_summary_pdf;
use crate::store::{
    REPAIR_CATEGORIES, ReceptionRow, RepairCompletion, RepairEntryRow, RepairFilter, RepairForm,
    RepairRow, StoreError,
};
use chrono::Datelike;

/// How many orders a list shows at most.
const LIST_LIMIT: usize = 3000;

/// The state filter's choices: 全部 then every state.
const STATE_CHOICES: [&str; 7] = [
    "全部",
    "登记",
    "已派工",
    "已完工",
    "已验收",
    "已回访",
    "关闭",
];

/// Satisfaction choices at a callback.
const SATISFACTION: [i64; 5] = [5, 4, 3, 2, 1];

/// The new-order form.
struct NewForm {
    public: bool,
    unit_code: String,
    place: String,
    reporter: String,
    phone: String,
    category: &'static str,
    description: String,
    reported_at: String,
    print: bool,
    from_reception: Option<i64>,
    error: FieldError,
}

/// The fields of the next step on the selected order.
struct StepForms {
    technician: String,
    appointment: String,
    completed_at: String,
    materials: String,
    charge: String,
    check_result: String,
    callback_date: DateField,
    callback_result: String,
    satisfaction: i64,
    close_note: String,
    note: String,
    error: FieldError,
}

impl StepForms {
    fn new(ctx: &DeskCtx<'_>, order: Option<&RepairRow>) -> Self {
        Self {
            technician: order.map(|o| o.technician.clone()).unwrap_or_default(),
            appointment: order.map(|o| o.appointment.clone()).unwrap_or_default(),
            completed_at: now_text(ctx),
            materials: String::new(),
            charge: String::new(),
            check_result: String::new(),
            callback_date: DateField::new(Some(ctx.today)),
            callback_result: String::new(),
            satisfaction: 5,
            close_note: String::new(),
            note: String::new(),
            error: None,
        }
    }
}

/// The repair tab's state. Lists are loaded when the tab opens or after an action, never per
/// frame.
#[derive(Default)]
pub struct RepairsTab {
    state: &'static str,
    month: String,
    text: String,
    rows: Option<Vec<RepairRow>>,
    selected: Option<i64>,
    entries: Vec<RepairEntryRow>,
    new: Option<NewForm>,
    steps: Option<StepForms>,
    /// Bumped by every change, so a list taken out for drawing is not put back stale.
    version: u64,
}

fn state_color(ui: &egui::Ui, state: &str) -> egui::Color32 {
    match state {
        "登记" => theme::ERROR,
        "已派工" | "已完工" => theme::WARN,
        "关闭" => theme::MUTED,
        _ => ui.visuals().text_color(),
    }
}

impl RepairsTab {
    fn changed(&mut self) {
        self.version += 1;
        self.rows = None;
    }

    /// Loads the list again on the next frame (the tab was opened).
    pub fn invalidate(&mut self) {
        self.changed();
    }

    fn filter(&self) -> RepairFilter {
        RepairFilter {
            state: (self.state != "全部" && !self.state.is_empty()).then(|| self.state.to_string()),
            month: (!self.month.trim().is_empty()).then(|| self.month.trim().to_string()),
            text: self.text.clone(),
        }
    }

    /// Loads what the tab shows (done on the first frame after a change).
    fn load(&mut self, ctx: &mut DeskCtx<'_>) {
        if self.state.is_empty() {
            self.state = STATE_CHOICES[0];
            self.month = ctx.today.format("%Y-%m").to_string();
        }
        match ctx.store.repair_orders(&self.filter(), LIST_LIMIT) {
            Ok(rows) => self.rows = Some(rows),
            Err(e) => {
                ctx.fail(&e);
                self.rows = Some(Vec::new());
            }
        }
        self.entries = match self.selected {
            Some(id) => ctx.store.repair_entries(id).unwrap_or_else(|e| {
                ctx.fail(&e);
                Vec::new()
            }),
            None => Vec::new(),
        };
    }

    /// Shows one order (a jump from 今日待办): its month's list with it selected.
    pub fn select_order(&mut self, ctx: &mut DeskCtx<'_>, order_id: i64) {
        self.state = STATE_CHOICES[0];
        self.text.clear();
        match ctx.store.repair_order(order_id) {
            Ok(order) => {
                self.month = order.reported_at.get(..7).unwrap_or_default().to_string();
                self.steps = Some(StepForms::new(ctx, Some(&order)));
                self.selected = Some(order_id);
                self.new = None;
            }
            Err(e) => ctx.fail(&e),
        }
        self.changed();
    }

    /// Opens the new-order form filled in from a reception record (报修 at the desk).
    pub fn start_from_reception(&mut self, r: &ReceptionRow) {
        self.new = Some(NewForm {
            public: r.unit_code.is_empty(),
            unit_code: r.unit_code.clone(),
            place: String::new(),
            reporter: r.person.clone(),
            phone: r.phone.clone(),
            category: REPAIR_CATEGORIES[0],
            description: r.matter.clone(),
            reported_at: short_time(&r.at).to_string(),
            print: false,
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
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width((ui.available_width() * 0.45).max(420.0));
                self.list_ui(ui, ctx, &rows);
            });
            ui.separator();
            ui.vertical(|ui| {
                egui::ScrollArea::vertical()
                    .id_salt("repair_detail")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        if self.new.is_some() {
                            self.new_ui(ui, ctx);
                        } else {
                            match rows.iter().find(|r| Some(r.id) == self.selected) {
                                Some(order) => self.detail_ui(ui, ctx, order),
                                None => muted(
                                    ui,
                                    "在左边选一张维修单，可派工、登记完工、验收或回访、关闭、打印。",
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
                "repair_state_filter",
                "状态",
                &mut self.state,
                &STATE_CHOICES,
            );
            changed |= month_and_text_filters(
                ui,
                &mut self.month,
                &mut self.text,
                "单号、房号、地点、报修人、维修人员",
            );
            if changed {
                self.changed();
            }
            if ui.button("上月汇总（PDF 和 Excel）").clicked() {
                write_last_month(ctx);
            }
            if ui.button("登记维修单…").clicked() {
                self.new = Some(NewForm {
                    public: false,
                    unit_code: String::new(),
                    place: String::new(),
                    reporter: String::new(),
                    phone: String::new(),
                    category: REPAIR_CATEGORIES[0],
                    description: String::new(),
                    reported_at: now_text(ctx),
                    print: false,
                    from_reception: None,
                    error: None,
                });
            }
        });
        ui.separator();
    }

    fn list_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, rows: &[RepairRow]) {
        let open = rows.iter().filter(|r| r.is_open()).count();
        muted(
            ui,
            format!(
                "维修单 {} 张，未关闭 {} 张（未关闭的排在最前）",
                rows.len(),
                open
            ),
        );
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let mut picked = None;
        egui::ScrollArea::vertical()
            .id_salt("repair_list")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, rows.len(), |ui, range| {
                for r in rows.get(range).unwrap_or_default() {
                    ui.horizontal(|ui| {
                        let on = self.selected == Some(r.id);
                        let text = format!("{} {}", r.number, r.location());
                        if ui.selectable_label(on, text).clicked() {
                            picked = Some(r.id);
                        }
                        ui.label(egui::RichText::new(&r.state).color(state_color(ui, &r.state)));
                        muted(ui, format!("{} · {}", r.category, r.reporter));
                    });
                }
            });
        if let Some(id) = picked {
            self.selected = Some(id);
            self.new = None;
            self.steps = Some(StepForms::new(ctx, rows.iter().find(|r| r.id == id)));
            match ctx.store.repair_entries(id) {
                Ok(e) => self.entries = e,
                Err(e) => ctx.fail(&e),
            }
        }
    }

    fn new_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let Some(f) = &mut self.new else { return };
        section(ui, "登记工程维修单");
        let mut submit = false;
        let mut cancel = false;
        ui.checkbox(&mut f.public, "公共区域");
        egui::Grid::new("repair_new")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                if f.public {
                    field_row(ui, "地点 *", &mut f.place, error_for(&f.error, "地点"));
                } else {
                    field_row(ui, "房号 *", &mut f.unit_code, error_for(&f.error, "房号"));
                }
                field_row(
                    ui,
                    "报修人 *",
                    &mut f.reporter,
                    error_for(&f.error, "报修人"),
                );
                field_row(
                    ui,
                    "联系电话 *",
                    &mut f.phone,
                    error_for(&f.error, "联系电话"),
                );
                choice_row(ui, "类别 *", &mut f.category, &REPAIR_CATEGORIES);
                field_row(
                    ui,
                    "报修内容 *",
                    &mut f.description,
                    error_for(&f.error, "报修内容"),
                );
                field_row(
                    ui,
                    "报修时间 *",
                    &mut f.reported_at,
                    error_for(&f.error, "报修时间"),
                );
            });
        muted(ui, "带 * 的为必填项。");
        ui.checkbox(&mut f.print, "登记后打印维修单");
        ui.horizontal(|ui| {
            submit = ui.button("登记维修单").clicked();
            cancel = ui.button("取消登记").clicked();
        });
        if cancel {
            self.new = None;
            return;
        }
        if !submit {
            return;
        }
        let Some(reported_at) = parse_time(&f.reported_at) else {
            f.error = Some(("报修时间", "时间格式应为 2026-11-27 09:30".into()));
            return;
        };
        let form = RepairForm {
            public: f.public,
            unit_code: f.unit_code.clone(),
            place: f.place.clone(),
            reporter: f.reporter.clone(),
            phone: f.phone.clone(),
            category: f.category.to_string(),
            description: f.description.clone(),
            reported_at,
            from_reception: f.from_reception,
        };
        let print = f.print;
        match ctx.store.add_repair_order(ctx.actor, &form) {
            Ok(id) => {
                self.new = None;
                self.selected = Some(id);
                match ctx.store.repair_order(id) {
                    Ok(order) => {
                        ctx.toasts.info(format!("已登记维修单 {}", order.number));
                        self.steps = Some(StepForms::new(ctx, Some(&order)));
                        if print {
                            print_order(ctx, &order);
                        }
                    }
                    Err(e) => ctx.fail(&e),
                }
                self.changed();
            }
            Err(e) => f.error = place_error(ctx, &e),
        }
    }

    fn detail_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, order: &RepairRow) {
        section(ui, &format!("维修单 {}", order.number));
        let kind = if order.is_public() {
            "公共维修"
        } else {
            "业户单元维修"
        };
        detail_grid(
            ui,
            "repair_detail_grid",
            &[
                ("维修地点", order.location()),
                ("维修类型", kind.to_string()),
                ("报修人", format!("{}（{}）", order.reporter, order.phone)),
                ("类别", order.category.clone()),
                ("报修内容", order.description.clone()),
                ("报修时间", short_time(&order.reported_at).to_string()),
                ("维修人员", order.technician.clone()),
                ("预约时间", order.appointment.clone()),
                ("使用材料", order.materials.clone()),
                (
                    "维修费",
                    if order.charge_fen > 0 {
                        yuan(order.charge_fen)
                    } else {
                        String::new()
                    },
                ),
            ],
        );
        ui.label(
            egui::RichText::new(format!("当前状态：{}", order.state))
                .strong()
                .color(state_color(ui, &order.state)),
        );
        if ui.button("打印维修单").clicked() {
            print_order(ctx, order);
        }
        if self.steps.is_none() {
            self.steps = Some(StepForms::new(ctx, Some(order)));
        }
        if order.is_open() {
            self.step_ui(ui, ctx, order);
        }
        history_ui(ui, &self.entries);
        self.note_ui(ui, ctx, order);
    }

    /// The form of the order's next step.
    fn step_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, order: &RepairRow) {
        let Some(f) = &mut self.steps else { return };
        let mut done: Option<Result<(), StoreError>> = None;
        match order.state.as_str() {
            "登记" | "已派工" => {
                section(ui, "派工");
                egui::Grid::new("repair_dispatch")
                    .num_columns(2)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| {
                        field_row(
                            ui,
                            "维修人员 *",
                            &mut f.technician,
                            error_for(&f.error, "维修人员"),
                        );
                        field_row(
                            ui,
                            "预约时间",
                            &mut f.appointment,
                            error_for(&f.error, "预约时间"),
                        );
                    });
                let label = if order.state == "登记" {
                    "派工"
                } else {
                    "改派"
                };
                if ui.button(label).clicked() {
                    done = Some(ctx.store.dispatch_repair(
                        ctx.actor,
                        order.id,
                        &f.technician,
                        &f.appointment,
                    ));
                }
                if order.state == "已派工" {
                    section(ui, "完工登记");
                    egui::Grid::new("repair_complete")
                        .num_columns(2)
                        .spacing([12.0, 6.0])
                        .show(ui, |ui| {
                            field_row(
                                ui,
                                "完工时间 *",
                                &mut f.completed_at,
                                error_for(&f.error, "完工时间"),
                            );
                            field_row(
                                ui,
                                "使用材料",
                                &mut f.materials,
                                error_for(&f.error, "使用材料"),
                            );
                            if !order.is_public() {
                                field_row(
                                    ui,
                                    "维修费（元）",
                                    &mut f.charge,
                                    error_for(&f.error, "维修费"),
                                );
                            }
                        });
                    if !order.is_public() {
                        muted(
                            ui,
                            "有偿维修填写维修费，将计入该房号的一次性应收；免费维修留空。",
                        );
                    }
                    if ui.button("登记完工").clicked() {
                        done = Some(match parse_time(&f.completed_at) {
                            Some(at) => ctx.store.complete_repair(
                                ctx.actor,
                                order.id,
                                &RepairCompletion {
                                    at,
                                    materials: f.materials.clone(),
                                    charge: f.charge.clone(),
                                },
                            ),
                            None => Err(StoreError::invalid(
                                "完工时间",
                                "时间格式应为 2026-11-27 15:30",
                            )),
                        });
                    }
                }
            }
            "已完工" if order.is_public() => {
                section(ui, "前台验收");
                egui::Grid::new("repair_check")
                    .num_columns(2)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| {
                        field_row(
                            ui,
                            "验收结果 *",
                            &mut f.check_result,
                            error_for(&f.error, "验收结果"),
                        );
                    });
                if ui.button("验收合格").clicked() {
                    done = Some(ctx.store.check_repair(ctx.actor, order.id, &f.check_result));
                }
            }
            "已完工" => {
                section(ui, "回访");
                egui::Grid::new("repair_callback")
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
                muted(ui, "满意度：5 非常满意 … 1 不满意。");
                if ui.button("登记回访").clicked() {
                    done = Some(match f.callback_date.parsed() {
                        Ok(Some(d)) => ctx.store.callback_repair(
                            ctx.actor,
                            order.id,
                            d,
                            &f.callback_result,
                            f.satisfaction,
                        ),
                        Ok(None) => Err(StoreError::invalid("回访日期", "请填写回访日期")),
                        Err(e) => Err(StoreError::invalid("回访日期", e)),
                    });
                }
            }
            _ => {
                section(ui, "关闭");
                egui::Grid::new("repair_close")
                    .num_columns(2)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| {
                        field_row(ui, "关闭说明", &mut f.close_note, None);
                    });
                if ui.button("关闭维修单").clicked() {
                    done = Some(ctx.store.close_repair(ctx.actor, order.id, &f.close_note));
                }
            }
        }
        if let Some(e) = error_for(&f.error, "操作") {
            ui.label(egui::RichText::new(e).color(theme::ERROR));
        }
        match done {
            Some(Ok(())) => {
                ctx.toasts.info(format!("维修单 {} 已更新", order.number));
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

    fn note_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, order: &RepairRow) {
        let Some(f) = &mut self.steps else { return };
        if note_box(ui, "repair_note", &mut f.note, &f.error) {
            match ctx.store.note_repair(ctx.actor, order.id, &f.note) {
                Ok(()) => {
                    self.steps = None;
                    self.changed();
                }
                Err(e) => f.error = place_error(ctx, &e),
            }
        }
    }
}

/// A repair order, ready to print.
#[must_use]
pub fn order_print(office_name: &str, operator: &str, o: &RepairRow) -> RepairOrderPrint {
    RepairOrderPrint {
        office_name: office_name.to_string(),
        number: o.number.clone(),
        location: o.location(),
        kind: if o.is_public() {
            "公共维修".into()
        } else {
            "业户单元维修".into()
        },
        reporter: o.reporter.clone(),
        phone: o.phone.clone(),
        category: o.category.clone(),
        reported_at: short_time(&o.reported_at).to_string(),
        description: o.description.clone(),
        technician: o.technician.clone(),
        appointment: o.appointment.clone(),
        materials: o.materials.clone(),
        charge: if o.charge_fen > 0 {
            yuan(o.charge_fen)
        } else {
            String::new()
        },
        completed_at: o
            .completed_at
            .as_deref()
            .map(|s| short_time(s).to_string())
            .unwrap_or_default(),
        operator: operator.to_string(),
    }
}

fn print_order(ctx: &mut DeskCtx<'_>, o: &RepairRow) {
    let pdf = repair_order_pdf(&order_print(&ctx.office.name, &ctx.actor.name, o));
    let path = print_folder(ctx.store, "维修单").join(format!("{}.pdf", o.number));
    match pdf
        .map_err(|e| e.to_string())
        .and_then(|b| save_and_open(ctx, &path, &b))
    {
        Ok(()) => ctx.toasts.info(format!("维修单已生成：{}", path.display())),
        Err(e) => ctx.toasts.error(format!("无法生成维修单：{e}")),
    }
}

/// Writes last month's summary as PDF and workbook beside the database.
fn write_last_month(ctx: &mut DeskCtx<'_>) {
    let month = ctx
        .today
        .with_day(1)
        .and_then(|d| d.pred_opt())
        .map(|d| d.format("%Y-%m").to_string())
        .unwrap_or_default();
    let summary = match ctx.store.repair_month_summary(&month) {
        Ok(s) => s,
        Err(e) => {
            ctx.fail(&e);
            return;
        }
    };
    let printed = format!("{} {} 打印", ctx.actor.name, now_text(ctx));
    let folder = print_folder(ctx.store, "维修月报");
    let pdf_path = folder.join(format!("维修月报-{month}.pdf"));
    let xlsx_path = folder.join(format!("维修月报-{month}.xlsx"));
    let pdf = repair_summary_pdf(&summary_print(&ctx.office.name, &printed, &summary));
    let written = pdf
        .map_err(|e| e.to_string())
        .and_then(|b| save_and_open(ctx, &pdf_path, &b))
        .and_then(|()| {
            crate::export::write_repairs_workbook(&summary, &ctx.office.name, &xlsx_path)
                .map_err(|e| e.to_string())
        });
    match written {
        Ok(()) => ctx.toasts.info(format!(
            "{month} 维修月报已生成：{}（另有 Excel）",
            pdf_path.display()
        )),
        Err(e) => ctx.toasts.error(format!("无法生成维修月报：{e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::REPAIR_STATES;

    #[test]
    fn every_state_can_be_filtered() {
        for s in REPAIR_STATES {
            assert!(STATE_CHOICES.contains(&s));
        }
    }
}

//! 抄表 → 表具: the meters of a building (unit and common), putting one in, changing where it
//! is or how a common meter is shared, 换表 and 拆表, and meters for every unit that has none; and
//! 抄表 → 待复核: the readings engineering must read again, with their printed list.

use super::app::DeskCtx;
use super::date_picker::DateField;
use super::theme;
use super::widgets::{FieldError, choice_row, error_for, field_row, muted, section};
use crate::domain::kinds::{MeterKind, ShareBasis, ShareScope};
use crate::domain::meters::format_milli;
use crate::print::recheck::{RecheckLinePrint, RecheckPrint, recheck_pdf};
use crate::store::{
    ESTATE_PLACE, MeterForm, MeterRow, RecheckRow, RemoveForm, ReplaceForm, StoreError,
};

/// A meter form being filled in: a new meter, or changes to `editing`.
struct FormState {
    editing: Option<i64>,
    form: MeterForm,
    opened_on: DateField,
    error: FieldError,
}

/// A replacement (换表), or a meter being taken out for good (拆表), being filled in.
struct ReplaceState {
    meter: MeterRow,
    /// 拆表: no new meter, a reason instead.
    removing: bool,
    date: DateField,
    final_reading: String,
    reason: String,
    number: String,
    start: String,
    multiplier: String,
    digits: String,
    error: FieldError,
}

/// The 表具 page.
#[derive(Default)]
pub struct MeterAdmin {
    place: String,
    places: Vec<String>,
    with_closed: bool,
    list: Option<Vec<MeterRow>>,
    selected: Option<i64>,
    share_units: Vec<String>,
    form: Option<FormState>,
    replace: Option<ReplaceState>,
    bulk_kind: Option<MeterKind>,
    bulk_digits: String,
}

/// Splits a store error into the field it is about, or a toast.
fn field_error(ctx: &mut DeskCtx<'_>, e: &StoreError) -> FieldError {
    match e {
        StoreError::Invalid { field, reason } => Some((field, reason.clone())),
        StoreError::Conflict(reason) => Some(("表号", reason.clone())),
        other => {
            ctx.fail(other);
            None
        }
    }
}

fn meter_state(m: &MeterRow) -> String {
    match (m.taken_out(), &m.closed) {
        (Some(how), Some((_, final_milli))) => {
            let why = m
                .removed
                .as_ref()
                .map_or(String::new(), |r| format!("（{r}）"));
            format!("{how}{why}，止码 {}", format_milli(*final_milli))
        }
        _ => "在用".into(),
    }
}

impl MeterAdmin {
    /// Forgets the list (loaded again when next drawn).
    pub fn invalidate(&mut self) {
        self.list = None;
        self.places.clear();
    }

    fn load(&mut self, ctx: &mut DeskCtx<'_>) {
        if self.places.is_empty() {
            match ctx.store.meter_places() {
                Ok(p) => self.places = p,
                Err(e) => ctx.fail(&e),
            }
        }
        if !self.places.contains(&self.place) {
            self.place = self.places.first().cloned().unwrap_or_default();
        }
        match ctx.store.meters_of(&self.place, self.with_closed) {
            Ok(list) => self.list = Some(list),
            Err(e) => {
                ctx.fail(&e);
                self.list = Some(Vec::new());
            }
        }
    }

    /// Draws the page; true when meters changed (the reading sheet is loaded again).
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) -> bool {
        if self.list.is_none() {
            self.load(ctx);
        }
        let mut changed = false;
        // Another place or the closed meters shown: the list is read again next frame.
        let mut reload = false;
        ui.horizontal(|ui| {
            let label = ui.label("楼栋");
            let mut picked = false;
            egui::ComboBox::from_id_salt("admin_place")
                .selected_text(self.place.clone())
                .show_ui(ui, |ui| {
                    for p in &self.places {
                        picked |= ui.selectable_value(&mut self.place, p.clone(), p).clicked();
                    }
                })
                .response
                .labelled_by(label.id);
            picked |= ui
                .checkbox(&mut self.with_closed, "显示已拆换的表")
                .changed();
            if picked {
                reload = true;
                self.selected = None;
            }
            if ui.button("新增表具…").clicked() {
                let mut form = MeterForm::new(ctx.today);
                if self.place == ESTATE_PLACE {
                    form.common = true;
                    form.share_scope = ShareScope::Estate;
                } else {
                    form.building.clone_from(&self.place);
                }
                self.form = Some(FormState {
                    editing: None,
                    opened_on: DateField::new(Some(ctx.today)),
                    form,
                    error: None,
                });
                self.replace = None;
            }
        });
        if self.place != ESTATE_PLACE {
            changed |= self.bulk_ui(ui, ctx);
        }
        let list = self.list.take().unwrap_or_default();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width((ui.available_width() * 0.55).max(480.0));
                self.list_ui(ui, ctx, &list);
            });
            ui.separator();
            ui.vertical(|ui| {
                egui::ScrollArea::vertical()
                    .id_salt("meter_detail")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        if self.form.is_some() {
                            changed |= self.form_ui(ui, ctx);
                        } else if self.replace.is_some() {
                            changed |= self.replace_ui(ui, ctx);
                        } else if let Some(m) =
                            list.iter().find(|m| Some(m.id) == self.selected).cloned()
                        {
                            self.detail_ui(ui, ctx, &m);
                        } else {
                            muted(
                                ui,
                                "在左边选一块表，可修改位置、换表或拆表；公共表可设公摊方式和范围。",
                            );
                        }
                    });
            });
        });
        self.list = (!changed && !reload).then_some(list);
        changed
    }

    fn bulk_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) -> bool {
        let mut changed = false;
        if self.bulk_digits.is_empty() {
            self.bulk_digits = "5".into();
        }
        let kind = self.bulk_kind.get_or_insert(MeterKind::Water);
        ui.horizontal(|ui| {
            let label = ui.label(egui::RichText::new("为本楼缺表的房屋建表：").color(theme::MUTED));
            egui::ComboBox::from_id_salt("bulk_kind")
                .selected_text(kind.meter_name())
                .show_ui(ui, |ui| {
                    for k in MeterKind::ALL {
                        ui.selectable_value(kind, *k, k.meter_name());
                    }
                })
                .response
                .labelled_by(label.id);
            let label = ui.label("表盘位数");
            ui.add(egui::TextEdit::singleline(&mut self.bulk_digits).desired_width(30.0))
                .labelled_by(label.id);
            if ui.button("建表").clicked() {
                let digits = self.bulk_digits.trim().parse::<u32>().unwrap_or(5);
                match ctx
                    .store
                    .add_missing_meters(ctx.actor, &self.place, *kind, digits)
                {
                    Ok(0) => {
                        ctx.toasts
                            .info(format!("{} 每户都已有{}", self.place, kind.meter_name()))
                    }
                    Ok(n) => {
                        ctx.toasts.info(format!(
                            "已为 {} 的 {n} 户建{}，表号暂用房号，请按实际表号修改",
                            self.place,
                            kind.meter_name()
                        ));
                        changed = true;
                    }
                    Err(e) => ctx.fail(&e),
                }
            }
        });
        changed
    }

    fn list_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, list: &[MeterRow]) {
        let open = list.iter().filter(|m| m.closed.is_none()).count();
        muted(ui, format!("{} 共 {} 块表在用", self.place, open));
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let mut picked = None;
        egui::ScrollArea::vertical()
            .id_salt("meter_list")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, list.len(), |ui, range| {
                for m in list.get(range).unwrap_or_default() {
                    ui.horizontal(|ui| {
                        let text = format!("{} {}", m.label(), m.kind.meter_name());
                        let on = self.selected == Some(m.id);
                        if ui
                            .add_sized([190.0, row_height], egui::Button::selectable(on, text))
                            .clicked()
                        {
                            picked = Some(m.id);
                        }
                        ui.add_sized([110.0, row_height], egui::Label::new(&m.number).truncate());
                        if m.closed.is_some() {
                            muted(ui, meter_state(m));
                        } else {
                            muted(ui, &m.location);
                        }
                    });
                }
            });
        if let Some(id) = picked {
            self.selected = Some(id);
            self.form = None;
            self.replace = None;
            self.share_units = ctx.store.meter_share_units(id).unwrap_or_default();
        }
    }

    fn detail_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, m: &MeterRow) {
        section(ui, &format!("{} {}", m.label(), m.kind.meter_name()));
        egui::Grid::new("meter_detail_grid")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                let mut rows = vec![
                    ("表号", m.number.clone()),
                    ("位置", m.location.clone()),
                    ("倍率", m.spec.multiplier.to_string()),
                    ("表盘位数", m.spec.digits.to_string()),
                    ("起始读数", format_milli(m.start_milli)),
                    ("启用日期", m.opened_on.clone()),
                    ("状态", meter_state(m)),
                ];
                if let Some((basis, scope)) = m.share {
                    rows.push(("公摊方式", basis.as_str().to_string()));
                    rows.push(("公摊范围", scope.as_str().to_string()));
                    if scope == ShareScope::Units {
                        rows.push(("分摊房屋", self.share_units.join("、")));
                    }
                }
                for (k, v) in rows {
                    muted(ui, k);
                    ui.label(v);
                    ui.end_row();
                }
            });
        if m.closed.is_some() {
            return;
        }
        ui.horizontal(|ui| {
            if ui.button("修改…").clicked() {
                let mut form = MeterForm::new(ctx.today);
                form.common = m.is_common();
                form.unit_code.clone_from(&m.unit_code);
                form.name.clone_from(&m.name);
                form.building = if m.building.is_empty() {
                    ESTATE_PLACE.to_string()
                } else {
                    m.building.clone()
                };
                form.kind = m.kind;
                form.number.clone_from(&m.number);
                form.location.clone_from(&m.location);
                form.multiplier = m.spec.multiplier.to_string();
                form.digits = m.spec.digits.to_string();
                form.start = format_milli(m.start_milli);
                if let Some((basis, scope)) = m.share {
                    form.share_basis = basis;
                    form.share_scope = scope;
                }
                form.share_units = self.share_units.join("、");
                self.form = Some(FormState {
                    editing: Some(m.id),
                    opened_on: DateField::new(
                        chrono::NaiveDate::parse_from_str(&m.opened_on, "%Y-%m-%d").ok(),
                    ),
                    form,
                    error: None,
                });
            }
            for (button, removing) in [("换表…", false), ("拆表…", true)] {
                if ui.button(button).clicked() {
                    self.form = None;
                    self.replace = Some(ReplaceState {
                        meter: m.clone(),
                        removing,
                        date: DateField::new(Some(ctx.today)),
                        final_reading: String::new(),
                        reason: String::new(),
                        number: String::new(),
                        start: "0".into(),
                        multiplier: m.spec.multiplier.to_string(),
                        digits: m.spec.digits.to_string(),
                        error: None,
                    });
                }
            }
        });
    }

    fn form_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) -> bool {
        let places = self.places.clone();
        let Some(state) = &mut self.form else {
            return false;
        };
        let editing = state.editing;
        section(
            ui,
            if editing.is_some() {
                "修改表具"
            } else {
                "新增表具"
            },
        );
        let f = &mut state.form;
        let e = &state.error;
        let mut save = false;
        let mut cancel = false;
        egui::Grid::new("meter_form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                if editing.is_none() {
                    ui.label("");
                    ui.checkbox(&mut f.common, "公共表（楼道灯、电梯、水泵等）");
                    ui.end_row();
                    choice_row(ui, "表类", &mut f.kind, MeterKind::ALL);
                }
                if f.common {
                    field_row(ui, "表名", &mut f.name, error_for(e, "表名"));
                    let label = ui.label("楼栋");
                    egui::ComboBox::from_id_salt("meter_form_place")
                        .selected_text(if f.building.is_empty() {
                            ESTATE_PLACE.to_string()
                        } else {
                            f.building.clone()
                        })
                        .show_ui(ui, |ui| {
                            for p in &places {
                                ui.selectable_value(&mut f.building, p.clone(), p);
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                    choice_row(ui, "公摊方式", &mut f.share_basis, ShareBasis::ALL);
                    choice_row(ui, "公摊范围", &mut f.share_scope, ShareScope::ALL);
                    if let Some(reason) = error_for(e, "公摊范围") {
                        ui.label("");
                        ui.label(egui::RichText::new(reason).color(theme::ERROR));
                        ui.end_row();
                    }
                    if f.share_scope == ShareScope::Units {
                        field_row(ui, "分摊房屋", &mut f.share_units, error_for(e, "分摊房屋"));
                    }
                } else if editing.is_none() {
                    field_row(ui, "房号", &mut f.unit_code, error_for(e, "房号"));
                }
                field_row(ui, "表号", &mut f.number, error_for(e, "表号"));
                field_row(ui, "位置", &mut f.location, error_for(e, "位置"));
                field_row(ui, "倍率", &mut f.multiplier, error_for(e, "倍率"));
                field_row(ui, "表盘位数", &mut f.digits, error_for(e, "位数"));
                field_row(ui, "起始读数", &mut f.start, error_for(e, "起始读数"));
                if editing.is_none() {
                    state.opened_on.ui(ui, "启用日期", ctx.today);
                    ui.end_row();
                    if let Some(reason) = error_for(e, "启用日期") {
                        ui.label("");
                        ui.label(egui::RichText::new(reason).color(theme::ERROR));
                        ui.end_row();
                    }
                }
            });
        if let Some(reason) = error_for(e, "表类") {
            ui.label(egui::RichText::new(reason).color(theme::ERROR));
        }
        muted(
            ui,
            "表号按表身上的编号填写；倍率一般为 1，互感器电表按铭牌填写。",
        );
        ui.horizontal(|ui| {
            save = ui.button("保存表具").clicked();
            cancel = ui.button("取消").clicked();
        });
        if cancel {
            self.form = None;
            return false;
        }
        if !save {
            return false;
        }
        if f.building == ESTATE_PLACE {
            f.building.clear();
        }
        match state.opened_on.parsed() {
            Ok(Some(d)) => f.opened_on = d,
            Ok(None) => {
                state.error = Some(("启用日期", "请填写启用日期".into()));
                return false;
            }
            Err(reason) => {
                state.error = Some(("启用日期", reason));
                return false;
            }
        }
        let result = match editing {
            Some(id) => ctx.store.update_meter(ctx.actor, id, f).map(|()| id),
            None => ctx.store.add_meter(ctx.actor, f),
        };
        match result {
            Ok(id) => {
                ctx.toasts.info(format!(
                    "已保存 {} 表号 {}",
                    f.kind.meter_name(),
                    f.number.trim()
                ));
                self.selected = Some(id);
                self.share_units = ctx.store.meter_share_units(id).unwrap_or_default();
                self.form = None;
                true
            }
            Err(err) => {
                state.error = field_error(ctx, &err);
                false
            }
        }
    }

    fn replace_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) -> bool {
        let Some(r) = &mut self.replace else {
            return false;
        };
        let (what, date_label, final_label) = if r.removing {
            ("拆表", "拆表日期", "拆表止码")
        } else {
            ("换表", "换表日期", "旧表止码")
        };
        section(
            ui,
            &format!(
                "{what}：{} {}（表号 {}）",
                r.meter.label(),
                r.meter.kind.meter_name(),
                r.meter.number
            ),
        );
        let e = &r.error;
        egui::Grid::new("replace_form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                r.date.ui(ui, date_label, ctx.today);
                ui.end_row();
                if let Some(reason) = error_for(e, date_label) {
                    ui.label("");
                    ui.label(egui::RichText::new(reason).color(theme::ERROR));
                    ui.end_row();
                }
                field_row(
                    ui,
                    final_label,
                    &mut r.final_reading,
                    error_for(e, final_label),
                );
                if r.removing {
                    field_row(ui, "拆表原因", &mut r.reason, error_for(e, "拆表原因"));
                } else {
                    field_row(ui, "新表号", &mut r.number, error_for(e, "新表号"));
                    field_row(
                        ui,
                        "新表起始读数",
                        &mut r.start,
                        error_for(e, "新表起始读数"),
                    );
                    field_row(ui, "倍率", &mut r.multiplier, error_for(e, "倍率"));
                    field_row(ui, "表盘位数", &mut r.digits, error_for(e, "位数"));
                }
            });
        muted(
            ui,
            if r.removing {
                "拆表止码记作当月读数，当月用量照常计费；下月起这块表不再抄读。表和它的读数都保留。"
            } else {
                "换表当月用量 =（旧表止码 − 上次读数）× 旧倍率 +（新表读数 − 起始读数）× 新倍率；旧表和它的读数都保留。"
            },
        );
        let mut save = false;
        let mut cancel = false;
        ui.horizontal(|ui| {
            save = ui.button(format!("确认{what}")).clicked();
            cancel = ui.button("取消").clicked();
        });
        if cancel {
            self.replace = None;
            return false;
        }
        if !save {
            return false;
        }
        let date = match r.date.parsed() {
            Ok(Some(d)) => d,
            Ok(None) => {
                r.error = Some((date_label, format!("请填写{date_label}")));
                return false;
            }
            Err(reason) => {
                r.error = Some((date_label, reason));
                return false;
            }
        };
        let result = if r.removing {
            let form = RemoveForm {
                meter_id: r.meter.id,
                date,
                final_reading: r.final_reading.clone(),
                reason: r.reason.clone(),
            };
            ctx.store.remove_meter(ctx.actor, &form).map(|()| {
                ctx.toasts.info(format!(
                    "{} 表号 {} 已拆表",
                    r.meter.label(),
                    r.meter.number
                ));
                r.meter.id
            })
        } else {
            let form = ReplaceForm {
                meter_id: r.meter.id,
                date,
                final_reading: r.final_reading.clone(),
                number: r.number.clone(),
                start: r.start.clone(),
                multiplier: r.multiplier.clone(),
                digits: r.digits.clone(),
            };
            ctx.store.replace_meter(ctx.actor, &form).inspect(|_| {
                ctx.toasts.info(format!(
                    "{} 已换表，新表号 {}",
                    r.meter.label(),
                    form.number.trim()
                ));
            })
        };
        match result {
            Ok(id) => {
                self.selected = Some(id);
                if r.removing {
                    // The meter is off the list of meters in use: show it where it is.
                    self.with_closed = true;
                    self.list = None;
                }
                self.replace = None;
                true
            }
            Err(err) => {
                r.error = match &err {
                    StoreError::Conflict(reason) if !r.removing => Some(("新表号", reason.clone())),
                    StoreError::Conflict(reason) => Some((final_label, reason.clone())),
                    _ => field_error(ctx, &err),
                };
                false
            }
        }
    }
}

/// The 待复核 page.
#[derive(Default)]
pub struct RecheckView {
    rows: Option<Vec<RecheckRow>>,
}

impl RecheckView {
    /// Forgets the list (loaded again when next drawn).
    pub fn invalidate(&mut self) {
        self.rows = None;
    }

    /// Draws the page; returns the sheet to open (month, place, kind, meter) when a row's
    /// 去录入 is clicked.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &mut DeskCtx<'_>,
    ) -> Option<(String, String, MeterKind, i64)> {
        if self.rows.is_none() {
            match ctx.store.recheck_list() {
                Ok(rows) => self.rows = Some(rows),
                Err(e) => {
                    ctx.fail(&e);
                    self.rows = Some(Vec::new());
                }
            }
        }
        let rows = self.rows.as_deref().unwrap_or_default();
        let mut open = None;
        ui.horizontal(|ui| {
            ui.label(format!("待复核读数 {} 条", rows.len()));
            if ui.button("打印待复核清单").clicked() {
                print_recheck_list(ctx);
            }
        });
        muted(
            ui,
            "工程部复核后，在抄表录入里重新录入读数即可；读数正常后自动离开此清单。",
        );
        egui::ScrollArea::vertical()
            .id_salt("recheck_rows")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::Grid::new("recheck_grid")
                    .striped(true)
                    .num_columns(8)
                    .spacing([14.0, 4.0])
                    .show(ui, |ui| {
                        for h in [
                            "月份",
                            "房号/表名",
                            "表类",
                            "表号",
                            "位置",
                            "上次读数",
                            "读数",
                            "原因",
                        ] {
                            ui.strong(h);
                        }
                        ui.end_row();
                        for r in rows {
                            ui.label(&r.month);
                            ui.label(r.meter.label());
                            ui.label(r.meter.kind.meter_name());
                            ui.label(&r.meter.number);
                            ui.label(&r.meter.location);
                            ui.label(format_milli(r.last_milli));
                            ui.label(format_milli(r.value_milli));
                            ui.horizontal(|ui| {
                                ui.label(egui::RichText::new(&r.note).color(theme::ERROR));
                                if ui.button("去录入").clicked() {
                                    let place = if r.meter.building.is_empty() {
                                        ESTATE_PLACE.to_string()
                                    } else {
                                        r.meter.building.clone()
                                    };
                                    open = Some((r.month.clone(), place, r.meter.kind, r.meter.id));
                                }
                            });
                            ui.end_row();
                        }
                    });
            });
        open
    }
}

/// Prints the list of readings to read again (抄表待复核清单) for engineering.
pub fn print_recheck_list(ctx: &mut DeskCtx<'_>) {
    let rows = match ctx.store.recheck_list() {
        Ok(r) => r,
        Err(e) => {
            ctx.fail(&e);
            return;
        }
    };
    let office = ctx.office.name.clone();
    let now = ctx.store.clock().now();
    let print = RecheckPrint {
        office_name: office,
        printed_at: now.format("%Y-%m-%d %H:%M").to_string(),
        lines: rows
            .iter()
            .map(|r| RecheckLinePrint {
                month: r.month.clone(),
                label: r.meter.label().to_string(),
                kind: r.meter.kind.meter_name().to_string(),
                number: r.meter.number.clone(),
                location: r.meter.location.clone(),
                last: format_milli(r.last_milli),
                read: format_milli(r.value_milli),
                reason: r.note.clone(),
            })
            .collect(),
    };
    let path = super::fees::print_folder(ctx.store, "抄表")
        .join(format!("待复核清单-{}.pdf", now.format("%Y-%m-%d")));
    match recheck_pdf(&print)
        .map_err(|e| e.to_string())
        .and_then(|pdf| super::fees::save_and_open(ctx, &path, &pdf))
    {
        Ok(()) => ctx
            .toasts
            .info(format!("待复核清单 {} 条：{}", rows.len(), path.display())),
        Err(e) => ctx.toasts.error(e),
    }
}

//! 业户档案: the unit list (filtered, virtualised), one unit's file (people, vehicles, cards,
//! 大事记), the archive gaps, the roster import and the workbook export.

use super::app::DeskCtx;
use super::archive_forms::{Dialog, DialogOutcome};
use super::archive_import::ImportView;
use super::theme;
use super::widgets::{muted, section};
use crate::domain::area::format_area;
use crate::domain::idcard::mask_id_number;
use crate::domain::kinds::UnitStatus;
use crate::store::{GapRow, Store, UnitDetail, UnitRow};
use crate::ui::toast::Toasts;
use egui_extras::{Column, TableBuilder};

/// Which part of the tab is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArchiveView {
    /// The unit list and the selected unit's file.
    #[default]
    Units,
    /// 档案缺项.
    Gaps,
    /// 导入花名册.
    Import,
}

/// The archive tab's state.
#[derive(Default)]
pub struct ArchiveTab {
    view: ArchiveView,
    loaded: bool,
    rows: Vec<UnitRow>,
    buildings: Vec<String>,
    filter_building: Option<String>,
    filter_status: Option<UnitStatus>,
    filter_text: String,
    visible: Vec<usize>,
    filter_key: (Option<String>, Option<UnitStatus>, String, usize),
    selected: Option<i64>,
    scroll_to_selected: bool,
    detail: Option<UnitDetail>,
    gaps: Option<Vec<GapRow>>,
    import: ImportView,
    dialog: Option<Dialog>,
    show_history: bool,
}

impl ArchiveTab {
    /// Shows one unit's file (from the search box or a gap row).
    pub fn select_unit(&mut self, store: &Store, unit_id: i64, toasts: &mut Toasts) {
        self.view = ArchiveView::Units;
        self.selected = Some(unit_id);
        self.scroll_to_selected = true;
        match store.unit_detail(unit_id) {
            Ok(detail) => self.detail = Some(detail),
            Err(e) => toasts.error(e.to_string()),
        }
    }

    /// Reloads the list and the selected unit after a change.
    fn reload(&mut self, ctx: &mut DeskCtx<'_>) {
        match (ctx.store.unit_rows(), ctx.store.buildings()) {
            (Ok(rows), Ok(buildings)) => {
                self.rows = rows;
                self.buildings = buildings;
            }
            (Err(e), _) | (_, Err(e)) => ctx.fail(&e),
        }
        self.filter_key.3 = usize::MAX;
        if let Some(id) = self.selected {
            match ctx.store.unit_detail(id) {
                Ok(detail) => self.detail = Some(detail),
                Err(e) => {
                    self.detail = None;
                    ctx.fail(&e);
                }
            }
        }
        if self.gaps.is_some() {
            self.gaps = ctx.store.archive_gaps().ok();
        }
        self.loaded = true;
    }

    fn refilter(&mut self) {
        let key = (
            self.filter_building.clone(),
            self.filter_status,
            self.filter_text.trim().to_lowercase(),
            self.rows.len(),
        );
        if key == self.filter_key {
            return;
        }
        let text = key.2.clone();
        self.visible = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                key.0.as_ref().is_none_or(|b| &r.building == b)
                    && key.1.is_none_or(|s| r.status == s.as_str())
                    && (text.is_empty()
                        || r.code.to_lowercase().contains(&text)
                        || r.owners.contains(&text)
                        || r.owner_phone.contains(&text))
            })
            .map(|(i, _)| i)
            .collect();
        self.filter_key = key;
    }

    /// Draws the tab.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if !self.loaded {
            self.reload(ctx);
        }
        self.toolbar_ui(ui, ctx);
        ui.separator();
        match self.view {
            ArchiveView::Units => self.units_ui(ui, ctx),
            ArchiveView::Gaps => self.gaps_ui(ui, ctx),
            ArchiveView::Import => {
                if self.import.ui(ui, ctx) {
                    ctx.archive_changed = true;
                    self.reload(ctx);
                }
            }
        }
        if let Some(dialog) = &mut self.dialog {
            match dialog.ui(ui, ctx, self.detail.as_ref()) {
                DialogOutcome::Open => {}
                DialogOutcome::Cancelled => self.dialog = None,
                DialogOutcome::Saved { select } => {
                    self.dialog = None;
                    ctx.archive_changed = true;
                    if let Some(id) = select {
                        self.selected = Some(id);
                        self.scroll_to_selected = true;
                    }
                    self.reload(ctx);
                }
            }
        }
    }

    fn toolbar_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.view, ArchiveView::Units, "房屋列表");
            if ui
                .selectable_value(&mut self.view, ArchiveView::Gaps, "档案缺项")
                .clicked()
            {
                match ctx.store.archive_gaps() {
                    Ok(gaps) => self.gaps = Some(gaps),
                    Err(e) => ctx.fail(&e),
                }
            }
            ui.selectable_value(&mut self.view, ArchiveView::Import, "导入花名册");
            ui.separator();
            if ui.button("新增房屋").clicked() {
                self.dialog = Some(Dialog::new_unit());
            }
            if ui.button("新增楼栋").clicked() {
                self.dialog = Some(Dialog::new_building());
            }
            if ui.button("导出Excel").clicked() {
                export_workbook(ctx);
            }
        });
    }

    fn units_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        egui::Panel::left("unit_list")
            .resizable(true)
            .default_size(640.0)
            .min_size(380.0)
            .show(ui, |ui| self.list_ui(ui, ctx));
        egui::CentralPanel::default_margins().show(ui, |ui| {
            egui::ScrollArea::both()
                .id_salt("unit_detail")
                .show(ui, |ui| self.detail_ui(ui));
        });
    }

    fn list_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        ui.horizontal(|ui| {
            let building = self
                .filter_building
                .clone()
                .unwrap_or_else(|| "全部楼栋".into());
            let label = ui.label("楼栋");
            egui::ComboBox::from_id_salt("filter_building")
                .selected_text(building)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter_building, None, "全部楼栋");
                    for b in &self.buildings {
                        ui.selectable_value(&mut self.filter_building, Some(b.clone()), b);
                    }
                })
                .response
                .labelled_by(label.id);
            let status = self.filter_status.map_or("全部状态", UnitStatus::as_str);
            let label = ui.label("状态");
            egui::ComboBox::from_id_salt("filter_status")
                .selected_text(status)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter_status, None, "全部状态");
                    for s in UnitStatus::ALL {
                        ui.selectable_value(&mut self.filter_status, Some(*s), s.as_str());
                    }
                })
                .response
                .labelled_by(label.id);
            let label = ui.label("筛选");
            ui.add(
                egui::TextEdit::singleline(&mut self.filter_text)
                    .hint_text("房号/业主/电话")
                    .desired_width(140.0),
            )
            .labelled_by(label.id);
        });
        self.refilter();
        muted(
            ui,
            format!("共 {} 户，显示 {} 户", self.rows.len(), self.visible.len()),
        );
        let mut clicked = None;
        let scroll_row = if self.scroll_to_selected {
            self.scroll_to_selected = false;
            self.selected.and_then(|id| {
                self.visible
                    .iter()
                    .position(|i| self.rows.get(*i).is_some_and(|r| r.id == id))
            })
        } else {
            None
        };
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        ui.style_mut().interaction.selectable_labels = false;
        let mut table = TableBuilder::new(ui)
            .id_salt("units_table")
            .striped(true)
            .sense(egui::Sense::click())
            .column(Column::initial(130.0).at_least(90.0).clip(true))
            .column(Column::initial(40.0))
            .column(Column::initial(72.0))
            .column(Column::initial(56.0))
            .column(Column::initial(80.0).clip(true))
            .column(Column::remainder().at_least(110.0))
            .min_scrolled_height(200.0);
        if let Some(row) = scroll_row {
            table = table.scroll_to_row(row, Some(egui::Align::Center));
        }
        table
            .header(24.0, |mut header| {
                for h in ["房号", "类型", "面积(㎡)", "状态", "业主", "电话"] {
                    header.col(|ui| {
                        ui.strong(h);
                    });
                }
            })
            .body(|body| {
                body.rows(24.0, self.visible.len(), |mut row| {
                    let Some(unit) = self
                        .visible
                        .get(row.index())
                        .and_then(|i| self.rows.get(*i))
                    else {
                        return;
                    };
                    row.set_selected(self.selected == Some(unit.id));
                    row.col(|ui| {
                        ui.label(&unit.code);
                    });
                    row.col(|ui| {
                        ui.label(&unit.kind);
                    });
                    row.col(|ui| {
                        ui.label(unit.area_centi_m2.map(format_area).unwrap_or_default());
                    });
                    row.col(|ui| {
                        ui.label(&unit.status);
                    });
                    row.col(|ui| {
                        ui.label(&unit.owners);
                    });
                    row.col(|ui| {
                        ui.label(&unit.owner_phone);
                    });
                    if row.response().clicked() {
                        clicked = Some(unit.id);
                    }
                });
            });
        if let Some(id) = clicked {
            self.selected = Some(id);
            match ctx.store.unit_detail(id) {
                Ok(detail) => self.detail = Some(detail),
                Err(e) => ctx.fail(&e),
            }
        }
    }

    fn detail_ui(&mut self, ui: &mut egui::Ui) {
        let Some(detail) = &self.detail else {
            ui.add_space(40.0);
            muted(ui, "在左边的列表里选一户，或用上方的搜索框查找。");
            return;
        };
        let unit = &detail.unit;
        ui.horizontal(|ui| {
            ui.heading(&unit.code);
            ui.label(
                egui::RichText::new(format!(
                    "{} · {} · {}",
                    unit.building, unit.kind, unit.status
                ))
                .color(theme::MUTED),
            );
        });
        ui.label(format!(
            "建筑面积：{}",
            unit.area_centi_m2.map_or_else(
                || "（未填）".to_string(),
                |a| format!("{} ㎡", format_area(a))
            )
        ));
        if !unit.note.is_empty() {
            ui.label(format!("备注：{}", unit.note));
        }
        ui.horizontal_wrapped(|ui| {
            if ui.button("修改房屋信息").clicked() {
                self.dialog = Some(Dialog::edit_unit(unit));
            }
            if unit.status == UnitStatus::NotHandedOver.as_str() && ui.button("交房").clicked() {
                self.dialog = Some(Dialog::hand_over(unit.id));
            }
            if ui.button("登记住户").clicked() {
                self.dialog = Some(Dialog::add_occupant(unit.id));
            }
            if ui.button("过户").clicked() {
                self.dialog = Some(Dialog::transfer(unit.id));
            }
            if ui.button("登记车辆").clicked() {
                self.dialog = Some(Dialog::add_vehicle(unit.id));
            }
            if ui.button("发卡").clicked() {
                self.dialog = Some(Dialog::issue_card(unit.id));
            }
            if ui.button("记大事记").clicked() {
                self.dialog = Some(Dialog::add_event(unit.id));
            }
        });

        section(ui, "住户");
        ui.checkbox(&mut self.show_history, "显示历史住户（原业主、已迁出）");
        egui::Grid::new("occupants")
            .striped(true)
            .num_columns(6)
            .show(ui, |ui| {
                for h in ["身份", "姓名", "电话", "身份证号", "起止", ""] {
                    ui.strong(h);
                }
                ui.end_row();
                for o in &detail.occupants {
                    let past = o.end_date.is_some();
                    if past && !self.show_history {
                        continue;
                    }
                    let color = if past {
                        theme::MUTED
                    } else {
                        ui.visuals().text_color()
                    };
                    ui.label(egui::RichText::new(&o.role).color(color));
                    ui.label(egui::RichText::new(&o.name).color(color));
                    ui.label(egui::RichText::new(&o.phone).color(color));
                    ui.label(egui::RichText::new(mask_id_number(&o.id_number)).color(color));
                    let span = match &o.end_date {
                        Some(end) => format!("{} 至 {}（{}）", o.start_date, end, o.end_reason),
                        None => format!("{} 起", o.start_date),
                    };
                    ui.label(egui::RichText::new(span).color(color));
                    ui.horizontal(|ui| {
                        if ui.small_button(format!("查看 {}", o.name)).clicked() {
                            self.dialog = Some(Dialog::edit_person(o));
                        }
                        if !past
                            && o.role != "业主"
                            && ui.small_button(format!("迁出 {}", o.name)).clicked()
                        {
                            self.dialog = Some(Dialog::end_occupancy(o));
                        }
                    });
                    ui.end_row();
                }
            });

        section(ui, "车辆");
        if detail.vehicles.is_empty() {
            muted(ui, "没有登记车辆");
        }
        egui::Grid::new("vehicles")
            .striped(true)
            .num_columns(5)
            .show(ui, |ui| {
                for v in &detail.vehicles {
                    let color = if v.end_date.is_some() {
                        theme::MUTED
                    } else {
                        ui.visuals().text_color()
                    };
                    ui.label(egui::RichText::new(&v.plate).color(color));
                    ui.label(egui::RichText::new(format!("车位 {}", v.space)).color(color));
                    ui.label(egui::RichText::new(&v.holder).color(color));
                    ui.label(
                        egui::RichText::new(match &v.end_date {
                            Some(end) => format!("{} 至 {}", v.start_date, end),
                            None => format!("{} 起", v.start_date),
                        })
                        .color(color),
                    );
                    if v.end_date.is_none()
                        && ui.small_button(format!("注销 {}", v.plate)).clicked()
                    {
                        self.dialog = Some(Dialog::end_vehicle(v));
                    }
                    ui.end_row();
                }
            });

        section(ui, "卡片与对讲机");
        if detail.cards.is_empty() {
            muted(ui, "没有发过卡");
        }
        egui::Grid::new("cards")
            .striped(true)
            .num_columns(5)
            .show(ui, |ui| {
                for c in &detail.cards {
                    let color = if c.returned_on.is_some() {
                        theme::MUTED
                    } else {
                        ui.visuals().text_color()
                    };
                    ui.label(egui::RichText::new(&c.kind).color(color));
                    ui.label(egui::RichText::new(&c.card_no).color(color));
                    ui.label(egui::RichText::new(&c.holder).color(color));
                    ui.label(
                        egui::RichText::new(match &c.returned_on {
                            Some(back) => format!("{} 发放，{} 退还", c.issued_on, back),
                            None => format!("{} 发放", c.issued_on),
                        })
                        .color(color),
                    );
                    if c.returned_on.is_none()
                        && ui.small_button(format!("退还 {}", c.card_no)).clicked()
                    {
                        self.dialog = Some(Dialog::return_card(c));
                    }
                    ui.end_row();
                }
            });

        section(ui, "单元大事记");
        egui::Grid::new("events")
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                for e in &detail.events {
                    ui.label(&e.date);
                    ui.label(egui::RichText::new(&e.kind).strong());
                    ui.label(&e.text);
                    ui.label(egui::RichText::new(&e.operator).color(theme::MUTED));
                    ui.end_row();
                }
            });
    }

    fn gaps_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let Some(gaps) = &self.gaps else {
            muted(ui, "正在检查…");
            return;
        };
        ui.label(format!(
            "共 {} 处缺项（每季度核对一次档案，补齐电话、身份证号和面积）",
            gaps.len()
        ));
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        let mut open = None;
        TableBuilder::new(ui)
            .id_salt("gaps_table")
            .striped(true)
            .column(Column::auto().at_least(140.0))
            .column(Column::auto().at_least(140.0))
            .column(Column::auto().at_least(120.0))
            .column(Column::remainder())
            .header(24.0, |mut header| {
                for h in ["房号", "住户", "缺少", ""] {
                    header.col(|ui| {
                        ui.strong(h);
                    });
                }
            })
            .body(|body| {
                body.rows(24.0, gaps.len(), |mut row| {
                    let Some(gap) = gaps.get(row.index()) else {
                        return;
                    };
                    row.col(|ui| {
                        ui.label(&gap.unit_code);
                    });
                    row.col(|ui| {
                        ui.label(&gap.person);
                    });
                    row.col(|ui| {
                        ui.label(egui::RichText::new(&gap.missing).color(theme::WARN));
                    });
                    row.col(|ui| {
                        if ui.small_button("去补齐").clicked() {
                            open = Some(gap.unit_id);
                        }
                    });
                });
            });
        if let Some(id) = open {
            self.select_unit(ctx.store, id, ctx.toasts);
        }
    }
}

/// Writes the archive workbook into the 导出 folder next to the database.
fn export_workbook(ctx: &mut DeskCtx<'_>) {
    let folder = ctx
        .store
        .path()
        .and_then(std::path::Path::parent)
        .map_or_else(|| std::path::PathBuf::from("导出"), |p| p.join("导出"));
    if let Err(e) = std::fs::create_dir_all(&folder) {
        ctx.toasts
            .error(format!("无法创建文件夹 {}：{e}", folder.display()));
        return;
    }
    let path = folder.join(format!("业户档案-{}.xlsx", ctx.today.format("%Y-%m-%d")));
    let result = ctx
        .store
        .archive_export_rows()
        .map_err(crate::export::ExportError::from)
        .and_then(|rows| crate::export::write_archive_workbook(&rows, &ctx.office.name, &path));
    match result {
        Ok(()) => ctx.toasts.info(format!("已导出到 {}", path.display())),
        Err(e) => ctx.toasts.error(e.to_string()),
    }
}

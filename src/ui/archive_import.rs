//! 导入花名册: read an owner roster (.xlsx/.xls/.csv), show every row with its verdict,
//! and write the good rows in one transaction only when the person confirms.

use super::app::DeskCtx;
use super::theme;
use super::widgets::muted;
use crate::domain::roster::{RosterCheck, RosterRow};
use crate::import::preview_roster;
use crate::store::Store;
use egui_extras::{Column, TableBuilder};
use std::path::Path;

/// The import view's state.
#[derive(Debug, Default)]
pub struct ImportView {
    path: String,
    checks: Option<Vec<RosterCheck>>,
    error: Option<String>,
}

impl ImportView {
    /// Draws the view; returns true when rows were imported.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) -> bool {
        let mut imported = false;
        ui.label("表头可用：房号、业主姓名、电话、身份证号、建筑面积、车牌、楼栋、房屋类型、状态、车位。Excel 另存的 GBK 编码 CSV 也可以。");
        ui.horizontal(|ui| {
            let label = ui.label("文件");
            ui.add(
                egui::TextEdit::singleline(&mut self.path)
                    .desired_width(420.0)
                    .hint_text("选择或粘贴 .xlsx / .csv 文件路径"),
            )
            .labelled_by(label.id);
            if ui.button("选择文件…").clicked()
                && let Some(path) = rfd::FileDialog::new()
                    .add_filter("花名册", &["xlsx", "xls", "csv"])
                    .pick_file()
            {
                self.path = path.display().to_string();
                self.load(ctx.store);
            }
            if ui.button("读取并检查").clicked() {
                self.load(ctx.store);
            }
        });
        if let Some(error) = &self.error {
            ui.label(egui::RichText::new(error).color(theme::ERROR));
        }
        let Some(checks) = &self.checks else {
            muted(ui, "读取后会逐行检查，先预览，确认后才写入。");
            return false;
        };
        let good: Vec<RosterRow> = checks
            .iter()
            .filter_map(|c| c.result.as_ref().ok().cloned())
            .collect();
        let total = checks.len();
        let bad = total - good.len();
        let mut cancel = false;
        ui.horizontal(|ui| {
            ui.label(format!(
                "共 {total} 行：可导入 {} 行，有问题 {bad} 行（不会导入）",
                good.len()
            ));
            if !good.is_empty() && ui.button(format!("确认导入 {} 行", good.len())).clicked() {
                match ctx.store.import_roster(ctx.actor, &good) {
                    Ok(report) => {
                        ctx.toasts.info(format!(
                            "已导入：新建房屋 {} 户，业主 {} 人，车辆 {} 辆",
                            report.units_added, report.owners_added, report.vehicles_added
                        ));
                        imported = true;
                    }
                    Err(e) => ctx.fail(&e),
                }
            }
            if ui.button("取消").clicked() {
                cancel = true;
            }
        });
        if cancel {
            self.checks = None;
        }
        if imported {
            self.checks = None;
            return true;
        }
        let Some(checks) = &self.checks else {
            return false;
        };
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        TableBuilder::new(ui)
            .id_salt("import_preview")
            .striped(true)
            .column(Column::auto().at_least(50.0))
            .column(Column::auto().at_least(140.0))
            .column(Column::auto().at_least(90.0))
            .column(Column::remainder())
            .header(24.0, |mut header| {
                for h in ["行号", "房号", "业主", "检查结果"] {
                    header.col(|ui| {
                        ui.strong(h);
                    });
                }
            })
            .body(|body| {
                body.rows(24.0, checks.len(), |mut row| {
                    let Some(check) = checks.get(row.index()) else {
                        return;
                    };
                    row.col(|ui| {
                        ui.label(check.row_no.to_string());
                    });
                    row.col(|ui| {
                        ui.label(&check.unit_code);
                    });
                    row.col(|ui| {
                        ui.label(&check.owner_name);
                    });
                    row.col(|ui| match &check.result {
                        Ok(_) => {
                            ui.label(egui::RichText::new("可导入").color(theme::OK));
                        }
                        Err(reasons) => {
                            ui.label(egui::RichText::new(reasons.join("；")).color(theme::ERROR));
                        }
                    });
                });
            });
        false
    }

    fn load(&mut self, store: &Store) {
        self.checks = None;
        self.error = None;
        let path = self.path.trim().trim_matches('"');
        if path.is_empty() {
            self.error = Some("请先选择文件".into());
            return;
        }
        match preview_roster(store, Path::new(path)) {
            Ok(checks) => self.checks = Some(checks),
            Err(e) => self.error = Some(e),
        }
    }
}

//! The fee tab's back office: the billing run (核算) with its preview, the arrears list
//! (欠费) with the dunning log, and batch notices (通知单/催缴单) on a worker thread.

use super::app::DeskCtx;
use super::fees::{print_folder, save_pdf};
use super::theme;
use super::widgets::muted;
use crate::documents;
use crate::domain::fees::Period;
use crate::domain::kinds::DunningMethod;
use crate::domain::money::yuan;
use crate::store::{ARREARS_BUCKETS, ArrearsRow, BillingPreview, Store};
use egui_extras::{Column, TableBuilder};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

/// 核算: choose a period, preview, commit.
#[derive(Debug, Default)]
pub struct BillingView {
    period: String,
    error: Option<String>,
    preview: Option<(Period, BillingPreview)>,
}

impl BillingView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if self.period.is_empty() {
            self.period = Period::quarter_of(ctx.today).to_string();
        }
        ui.horizontal(|ui| {
            let label = ui.label("核算期间");
            ui.add(
                egui::TextEdit::singleline(&mut self.period)
                    .hint_text("2026Q4 或 2026-11")
                    .desired_width(110.0),
            )
            .labelled_by(label.id);
            if ui.button("预览").clicked() {
                self.error = None;
                self.preview = None;
                match Period::parse(&self.period) {
                    Ok(p) => match ctx.store.billing_preview(&p) {
                        Ok(preview) => self.preview = Some((p, preview)),
                        Err(e) => self.error = Some(e.to_string()),
                    },
                    Err(e) => self.error = Some(e),
                }
            }
            muted(ui, "先预览，核对无误再确认；同一期间重复核算不会重复生成。");
        });
        if let Some(e) = &self.error {
            ui.label(egui::RichText::new(e).color(theme::ERROR));
        }
        let Some((period, preview)) = &self.preview else {
            return;
        };
        ui.horizontal(|ui| {
            ui.label(format!(
                "{}：将生成 {} 条应收，合计 {} 元；已有 {} 条不再生成；暂不计费 {} 项（原因见下）。",
                period.label(),
                preview.drafts.len(),
                yuan(preview.total_fen()),
                preview.existing,
                preview.skipped.len()
            ));
        });
        let mut commit = false;
        if !preview.drafts.is_empty() && ui.button(format!("确认核算 {}", period.label())).clicked()
        {
            commit = true;
        }
        for (code, item, why) in preview.skipped.iter().take(20) {
            ui.label(egui::RichText::new(format!("{code} {item}：{why}")).color(theme::WARN));
        }
        if preview.skipped.len() > 20 {
            muted(ui, format!("…… 另有 {} 项", preview.skipped.len() - 20));
        }
        for line in &preview.shared {
            muted(
                ui,
                format!(
                    "{}：{}（{}）{}，合计 {} 元，{}分摊到 {} 户",
                    line.item,
                    line.meter,
                    line.number,
                    line.detail,
                    yuan(line.cost_fen),
                    line.basis,
                    line.units
                ),
            );
        }
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        TableBuilder::new(ui)
            .id_salt("billing_preview")
            .striped(true)
            .column(Column::initial(140.0))
            .column(Column::initial(90.0))
            .column(Column::initial(360.0).clip(true))
            .column(Column::initial(100.0))
            .column(Column::remainder())
            .header(24.0, |mut h| {
                for t in ["房号", "项目", "计费明细", "金额", "交款人"] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, preview.drafts.len(), |mut row| {
                    let Some(d) = preview.drafts.get(row.index()) else {
                        return;
                    };
                    row.col(|ui| {
                        ui.label(&d.unit_code);
                    });
                    row.col(|ui| {
                        ui.label(&d.item_name);
                    });
                    row.col(|ui| {
                        ui.label(&d.detail);
                    });
                    row.col(|ui| {
                        ui.label(yuan(d.amount_fen));
                    });
                    row.col(|ui| {
                        ui.label(&d.payer);
                    });
                });
            });
        if commit {
            let period = *period;
            match ctx.store.run_billing(ctx.actor, &period) {
                Ok(done) => {
                    ctx.toasts.info(format!(
                        "{} 已核算：{} 条，合计 {} 元",
                        period.label(),
                        done.drafts.len(),
                        yuan(done.total_fen())
                    ));
                    self.preview = None;
                }
                Err(e) => ctx.fail(&e),
            }
        }
    }
}

/// 欠费: units in arrears by age, totals per building, dunning log.
#[derive(Debug, Default)]
pub struct ArrearsView {
    rows: Vec<ArrearsRow>,
    building: Option<String>,
    dunning: Option<(i64, String, DunningMethod, String, Option<String>)>,
}

impl ArrearsView {
    /// Reloads the list.
    pub fn reload(&mut self, ctx: &mut DeskCtx<'_>) {
        match ctx.store.arrears() {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.fail(&e),
        }
    }

    /// Draws the view; returns a unit to collect from.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) -> Option<i64> {
        let mut collect = None;
        let mut buildings: Vec<(String, i64, usize)> = Vec::new();
        for r in &self.rows {
            match buildings.iter_mut().find(|b| b.0 == r.building) {
                Some(b) => {
                    b.1 += r.total_fen;
                    b.2 += 1;
                }
                None => buildings.push((r.building.clone(), r.total_fen, 1)),
            }
        }
        buildings.sort_by_cached_key(|b| crate::domain::unit_code::walk_key(&b.0));
        let total: i64 = self.rows.iter().map(|r| r.total_fen).sum();
        ui.horizontal_wrapped(|ui| {
            ui.label(
                egui::RichText::new(format!(
                    "欠费 {} 户，合计 {} 元",
                    self.rows.len(),
                    yuan(total)
                ))
                .strong(),
            );
            if ui.button("刷新").clicked() {
                self.reload(ctx);
            }
            if ui.button("导出欠费Excel").clicked() {
                let path = print_folder(ctx.store, "导出")
                    .join(format!("欠费-{}.xlsx", ctx.today.format("%Y-%m-%d")));
                match crate::export::write_arrears_workbook(&self.rows, &ctx.office.name, &path) {
                    Ok(()) => ctx.toasts.info(format!("已导出到 {}", path.display())),
                    Err(e) => ctx.toasts.error(e.to_string()),
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut self.building, None, "全部");
            for (b, fen, n) in &buildings {
                ui.selectable_value(
                    &mut self.building,
                    Some(b.clone()),
                    format!("{b} {n}户 {}", yuan(*fen)),
                );
            }
        });
        let shown: Vec<&ArrearsRow> = self
            .rows
            .iter()
            .filter(|r| self.building.as_ref().is_none_or(|b| &r.building == b))
            .collect();
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        let mut log_for = None;
        TableBuilder::new(ui)
            .id_salt("arrears_table")
            .striped(true)
            .column(Column::initial(130.0))
            .column(Column::initial(80.0).clip(true))
            .column(Column::initial(110.0))
            .column(Column::initial(90.0))
            .columns(Column::initial(80.0), ARREARS_BUCKETS.len())
            .column(Column::remainder())
            .header(24.0, |mut h| {
                for t in ["房号", "业主", "电话", "欠费合计"] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
                for t in ARREARS_BUCKETS {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
                h.col(|ui| {
                    ui.strong("");
                });
            })
            .body(|body| {
                body.rows(24.0, shown.len(), |mut row| {
                    let Some(r) = shown.get(row.index()) else {
                        return;
                    };
                    row.col(|ui| {
                        ui.label(&r.unit_code);
                    });
                    row.col(|ui| {
                        ui.label(&r.owner);
                    });
                    row.col(|ui| {
                        ui.label(&r.phone);
                    });
                    row.col(|ui| {
                        ui.label(egui::RichText::new(yuan(r.total_fen)).strong());
                    });
                    for b in r.buckets_fen {
                        row.col(|ui| {
                            if b > 0 {
                                ui.label(yuan(b));
                            }
                        });
                    }
                    row.col(|ui| {
                        ui.horizontal(|ui| {
                            if ui.small_button(format!("收费 {}", r.unit_code)).clicked() {
                                collect = Some(r.unit_id);
                            }
                            if ui
                                .small_button(format!("记录催缴 {}", r.unit_code))
                                .clicked()
                            {
                                log_for = Some((r.unit_id, r.unit_code.clone()));
                            }
                        });
                    });
                });
            });
        if let Some((id, code)) = log_for {
            self.dunning = Some((id, code, DunningMethod::Phone, String::new(), None));
        }
        self.dunning_dialog(ui, ctx);
        collect
    }

    fn dunning_dialog(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let Some((unit_id, code, method, result, error)) = &mut self.dunning else {
            return;
        };
        let log = ctx.store.dunning_log(*unit_id).unwrap_or_default();
        let mut close = false;
        egui::Modal::new(egui::Id::unique("dunning_dialog")).show(ui.ctx(), |ui| {
            ui.heading(format!("催缴记录 {code}"));
            for l in log.iter().take(10) {
                ui.label(format!(
                    "{} {} {}（{}）",
                    l.date, l.method, l.result, l.operator
                ));
            }
            ui.separator();
            ui.horizontal(|ui| {
                for m in DunningMethod::ALL {
                    ui.selectable_value(method, *m, m.as_str());
                }
            });
            let label = ui.label("催缴结果");
            ui.add(egui::TextEdit::singleline(result).desired_width(320.0))
                .labelled_by(label.id);
            if let Some(e) = error.as_ref() {
                ui.label(egui::RichText::new(e).color(theme::ERROR));
            }
            ui.horizontal(|ui| {
                if ui.button("保存催缴记录").clicked() {
                    match ctx
                        .store
                        .add_dunning(ctx.actor, *unit_id, ctx.today, *method, result)
                    {
                        Ok(()) => {
                            ctx.toasts.info(format!("{code} 的催缴已记录"));
                            close = true;
                        }
                        Err(e) => *error = Some(e.to_string()),
                    }
                }
                if ui.button("关闭").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.dunning = None;
        }
    }
}

/// A batch of notices being made on a worker thread.
struct NoticeJob {
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
    result: mpsc::Receiver<Result<(usize, std::path::PathBuf), String>>,
}

/// 通知单与催缴单: one PDF for a building or the whole estate, made in the background.
#[derive(Default)]
pub struct NoticesView {
    period: String,
    building: Option<String>,
    dunning: bool,
    error: Option<String>,
    job: Option<NoticeJob>,
    buildings: Option<Vec<String>>,
}

impl NoticesView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if self.period.is_empty() {
            self.period = Period::quarter_of(ctx.today).to_string();
        }
        if self.buildings.is_none() {
            self.buildings = ctx.store.buildings().ok();
        }
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.dunning, false, "收费通知单");
            ui.selectable_value(&mut self.dunning, true, "催缴单（欠费户）");
        });
        ui.horizontal(|ui| {
            let label = ui.label("期间");
            ui.add_enabled(
                !self.dunning,
                egui::TextEdit::singleline(&mut self.period).desired_width(100.0),
            )
            .labelled_by(label.id);
            let label = ui.label("范围");
            egui::ComboBox::from_id_salt("notice_building")
                .selected_text(self.building.clone().unwrap_or_else(|| "全部楼栋".into()))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.building, None, "全部楼栋");
                    for b in self.buildings.iter().flatten() {
                        ui.selectable_value(&mut self.building, Some(b.clone()), b);
                    }
                })
                .response
                .labelled_by(label.id);
        });
        if let Some(job) = &self.job {
            let done = job.done.load(Ordering::Relaxed);
            let total = job.total.load(Ordering::Relaxed).max(1);
            let fraction = f32::from(u16::try_from(done * 1000 / total).unwrap_or(1000)) / 1000.0;
            ui.add(
                egui::ProgressBar::new(fraction)
                    .text(format!("正在生成 {done}/{total}"))
                    .show_percentage(),
            );
            if ui.button("取消生成").clicked() {
                job.cancel.store(true, Ordering::Relaxed);
            }
            match job.result.try_recv() {
                Ok(Ok((count, path))) => {
                    ctx.toasts
                        .info(format!("已生成 {count} 份：{}", path.display()));
                    if ctx.open_files {
                        super::fees::open_in_viewer(&path);
                    }
                    self.job = None;
                }
                Ok(Err(e)) => {
                    self.error = Some(e);
                    self.job = None;
                }
                Err(mpsc::TryRecvError::Empty) => ui
                    .ctx()
                    .request_repaint_after(std::time::Duration::from_millis(100)),
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.error = Some("生成中断".into());
                    self.job = None;
                }
            }
        } else if ui.button("生成PDF").clicked() {
            self.start(ctx);
        }
        if let Some(e) = &self.error {
            ui.label(egui::RichText::new(e).color(theme::ERROR));
        }
        muted(ui, "每户一页，生成后在PDF阅读器里打印。");
    }

    fn start(&mut self, ctx: &mut DeskCtx<'_>) {
        self.error = None;
        let period = match Period::parse(&self.period) {
            Ok(p) => p,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        let Some(db) = ctx.store.path().map(std::path::Path::to_path_buf) else {
            self.error = Some("内存数据库不能后台生成".into());
            return;
        };
        let kind = if self.dunning {
            "催缴单"
        } else {
            "收费通知单"
        };
        let scope = self.building.clone().unwrap_or_else(|| "全部".into());
        let out = print_folder(ctx.store, "通知单").join(format!(
            "{kind}-{}-{scope}.pdf",
            if self.dunning {
                ctx.today.format("%Y-%m-%d").to_string()
            } else {
                period.to_string()
            }
        ));
        let clock = ctx.store.clock().clone();
        let (done, total, cancel) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (tx, rx) = mpsc::channel();
        let (d, t, c) = (done.clone(), total.clone(), cancel.clone());
        let building = self.building.clone();
        let dunning = self.dunning;
        let spawned = std::thread::Builder::new()
            .name("notices".into())
            .spawn(move || {
                let run = || -> Result<(usize, std::path::PathBuf), String> {
                    let store = Store::open(&db, clock).map_err(|e| e.to_string())?;
                    let progress = |i: usize, n: usize| {
                        d.store(i, Ordering::Relaxed);
                        t.store(n, Ordering::Relaxed);
                        !c.load(Ordering::Relaxed)
                    };
                    let (count, pdf) = documents::notices_document(
                        &store,
                        &period,
                        building.as_deref(),
                        dunning,
                        &progress,
                    )
                    .map_err(|e| e.to_string())?;
                    save_pdf(&out, &pdf)?;
                    Ok((count, out))
                };
                if tx.send(run()).is_err() {
                    tracing::warn!("notice job finished after its view was gone");
                }
            });
        match spawned {
            Ok(_) => {
                self.job = Some(NoticeJob {
                    done,
                    total,
                    cancel,
                    result: rx,
                })
            }
            Err(e) => self.error = Some(format!("无法启动生成：{e}")),
        }
    }
}

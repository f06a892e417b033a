//! 设置 → 月末归档: check a month (every day closed, what is still open), close it as the
//! supervisor, then export its archive on a worker thread with a progress bar and a cancel
//! button, and a button that opens the folder at the end.

use super::app::DeskCtx;
use super::theme;
use super::widgets::{muted, section};
use crate::domain::fees::Period;
use crate::export::{ExportStep, export_month};
use crate::store::{MonthCheck, Store};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

struct Job {
    step: Arc<Mutex<ExportStep>>,
    cancel: Arc<AtomicBool>,
    result: mpsc::Receiver<Result<PathBuf, String>>,
}

/// The month-end page's state.
#[derive(Default)]
pub struct MonthEndView {
    month: String,
    check: Option<Result<MonthCheck, String>>,
    confirming: bool,
    note: String,
    error: Option<String>,
    job: Option<Job>,
    done: Option<PathBuf>,
}

impl std::fmt::Debug for MonthEndView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonthEndView")
            .field("month", &self.month)
            .field("running", &self.job.is_some())
            .field("done", &self.done)
            .finish()
    }
}

impl MonthEndView {
    fn month(&self) -> Result<Period, String> {
        Period::parse_month(&self.month)
    }

    fn load_check(&mut self, store: &Store) {
        self.confirming = false;
        self.check = Some(
            self.month()
                .and_then(|m| store.check_month(&m).map_err(|e| e.to_string())),
        );
    }

    /// Draws the page.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, supervisor: bool) {
        section(ui, "月末归档");
        ui.label("每月一次：先检查这个月每天都已日结、还有哪些事没办完，再由主管结账；结账后这个月的记录不能再修改，更正记入下月。然后导出归档：收款明细、日结、月末欠费、抄表、维修单和月报、投诉与回访、前台接待、钥匙借用和盘点的工作簿，每天的费用移交表，数据库快照，以及带 SHA-256 校验的清单，另存一个 .zip 交财务和档案室。");
        if !supervisor {
            muted(ui, "只有主管可以做月末结账和归档。");
            return;
        }
        if self.month.is_empty() {
            self.month = Period::month_of(ctx.today).previous().to_string();
        }
        if self.check.is_none() {
            self.load_check(ctx.store);
        }
        let Some(db) = ctx.store.path().map(std::path::Path::to_path_buf) else {
            muted(ui, "内存数据库不能归档。");
            return;
        };
        let out = db
            .parent()
            .map_or_else(|| PathBuf::from("归档"), |p| p.join("归档"));
        ui.horizontal(|ui| {
            let label = ui.label("月份");
            let r = ui
                .add_enabled(
                    self.job.is_none(),
                    egui::TextEdit::singleline(&mut self.month).desired_width(90.0),
                )
                .labelled_by(label.id);
            if r.changed() {
                self.error = None;
                self.done = None;
            }
            if (r.lost_focus() || ui.button("检查").clicked()) && self.job.is_none() {
                self.load_check(ctx.store);
            }
        });
        self.check_ui(ui, ctx, &db, &out);
        self.job_ui(ui, ctx);
        if let Some(e) = &self.error {
            ui.label(egui::RichText::new(e).color(theme::ERROR));
        }
        if let Some(folder) = &self.done {
            ui.horizontal(|ui| {
                ui.label(
                    egui::RichText::new(format!("已导出：{}", folder.display())).color(theme::OK),
                );
                if ui.button("打开文件夹").clicked() && ctx.open_files {
                    super::fees::open_in_viewer(folder);
                }
            });
        }
    }

    fn check_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &mut DeskCtx<'_>,
        db: &std::path::Path,
        out: &std::path::Path,
    ) {
        let check = match &self.check {
            Some(Ok(c)) => c.clone(),
            Some(Err(e)) => {
                ui.label(egui::RichText::new(e).color(theme::ERROR));
                return;
            }
            None => return,
        };
        ui.add_space(4.0);
        match &check.closed {
            Some((at, by)) => {
                ui.label(
                    egui::RichText::new(format!("{} 已于 {} 由 {by} 结账", check.month, at))
                        .color(theme::OK),
                );
            }
            None => {
                for reason in &check.blocking {
                    ui.label(
                        egui::RichText::new(format!("不能结账：{reason}")).color(theme::ERROR),
                    );
                }
                if check.blocking.is_empty() {
                    ui.label(
                        egui::RichText::new(format!("{} 每天都已日结，可以结账。", check.month))
                            .color(theme::OK),
                    );
                }
            }
        }
        if check.open.is_empty() {
            muted(ui, "没有未办完的事项。");
        } else {
            ui.label("仍未办完（结账不受影响，转入下月跟进）：");
            for (area, what) in &check.open {
                ui.label(egui::RichText::new(format!("· {area}：{what}")).color(theme::WARN));
            }
        }
        ui.add_space(6.0);
        if self.job.is_some() {
            return;
        }
        if check.can_close() {
            if self.confirming {
                ui.label(
                    egui::RichText::new(format!(
                        "结账后 {} 的收据、读数、登记都不能再修改，更正只能记入下月。确定结账吗？",
                        check.month
                    ))
                    .strong(),
                );
                ui.horizontal(|ui| {
                    let label = ui.label("结账备注");
                    ui.add(egui::TextEdit::singleline(&mut self.note).desired_width(260.0))
                        .labelled_by(label.id);
                });
                ui.horizontal(|ui| {
                    if ui.button("确定结账").clicked() {
                        match self.month() {
                            Ok(m) => match ctx.store.close_month(ctx.actor, &m, &self.note) {
                                Ok(()) => {
                                    ctx.toasts.info(format!("{} 已结账", m.label()));
                                    self.note.clear();
                                    self.load_check(ctx.store);
                                }
                                Err(e) => self.error = Some(e.to_string()),
                            },
                            Err(e) => self.error = Some(e),
                        }
                    }
                    if ui.button("取消").clicked() {
                        self.confirming = false;
                    }
                });
            } else if ui.button("月末结账").clicked() {
                self.confirming = true;
                self.error = None;
            }
        }
        if check.closed.is_some() {
            ui.horizontal(|ui| {
                if ui.button("导出月末归档").clicked() {
                    self.start(ctx, db.to_path_buf(), out.to_path_buf());
                }
                muted(ui, format!("导出到 {}", out.display()));
            });
        }
    }

    fn job_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let Some(job) = &self.job else { return };
        let step = job.step.lock().map(|s| s.clone()).unwrap_or(ExportStep {
            done: 0,
            total: 0,
            what: String::new(),
        });
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(step.fraction())
                    .desired_width(320.0)
                    .text(format!(
                        "正在导出：{}（{}/{}）",
                        step.what, step.done, step.total
                    )),
            );
            if ui.button("取消导出").clicked() {
                job.cancel.store(true, Ordering::Relaxed);
            }
        });
        match job.result.try_recv() {
            Ok(Ok(folder)) => {
                ctx.toasts.info(format!("已导出到 {}", folder.display()));
                self.done = Some(folder);
                self.job = None;
            }
            Ok(Err(e)) => {
                self.error = Some(e);
                self.job = None;
            }
            Err(mpsc::TryRecvError::Empty) => {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(100));
            }
            Err(mpsc::TryRecvError::Disconnected) => {
                self.error = Some("导出中断".into());
                self.job = None;
            }
        }
    }

    fn start(&mut self, ctx: &mut DeskCtx<'_>, db: PathBuf, out: PathBuf) {
        self.error = None;
        self.done = None;
        let month = match self.month() {
            Ok(m) => m,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        let clock = ctx.store.clock().clone();
        let step = Arc::new(Mutex::new(ExportStep {
            done: 0,
            total: 1,
            what: "准备".into(),
        }));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let (s, c) = (step.clone(), cancel.clone());
        let spawned = std::thread::Builder::new()
            .name("month-end".into())
            .spawn(move || {
                let run = || -> Result<PathBuf, String> {
                    std::fs::create_dir_all(&out).map_err(|e| {
                        let reason = crate::store::io_reason(&e).unwrap_or_else(|| e.to_string());
                        format!("无法创建文件夹 {}：{reason}", out.display())
                    })?;
                    let store = Store::open(&db, clock).map_err(|e| e.to_string())?;
                    let progress = |now: &ExportStep| {
                        if let Ok(mut guard) = s.lock() {
                            *guard = now.clone();
                        }
                        !c.load(Ordering::Relaxed)
                    };
                    export_month(&store, &month, &out, &progress)
                        .map(|done| done.folder)
                        .map_err(|e| e.to_string())
                };
                if tx.send(run()).is_err() {
                    tracing::warn!("month-end export finished after its page was gone");
                }
            });
        match spawned {
            Ok(_) => {
                self.job = Some(Job {
                    step,
                    cancel,
                    result: rx,
                });
            }
            Err(e) => self.error = Some(format!("无法开始导出：{e}")),
        }
    }
}

//! 设置 → 月末归档: export a month's archive folder on a worker thread, with a progress line,
//! a cancel button, and a button that opens the folder at the end.

use super::app::DeskCtx;
use super::theme;
use super::widgets::{muted, section};
use crate::domain::fees::Period;
use crate::export::export_month;
use crate::store::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

struct Job {
    step: Arc<Mutex<String>>,
    cancel: Arc<AtomicBool>,
    result: mpsc::Receiver<Result<PathBuf, String>>,
}

/// The month-end page's state.
#[derive(Default)]
pub struct MonthEndView {
    month: String,
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
    /// Draws the page.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, supervisor: bool) {
        section(ui, "月末归档");
        ui.label("导出一个月的收款明细、日结、欠费、钥匙借用和盘点工作簿，每天的费用移交表，数据库快照，以及带 SHA-256 校验的清单；另存一个 .zip。");
        muted(
            ui,
            "只能导出已经过完、每天都已日结的月份；同一个月只导出一次。",
        );
        if !supervisor {
            muted(ui, "只有主管可以做月末归档。");
            return;
        }
        if self.month.is_empty() {
            self.month = Period::month_of(ctx.today).previous().to_string();
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
            ui.add_enabled(
                self.job.is_none(),
                egui::TextEdit::singleline(&mut self.month).desired_width(90.0),
            )
            .labelled_by(label.id);
            if self.job.is_none() && ui.button("导出月末归档").clicked() {
                self.start(ctx, db.clone(), out.clone());
            }
        });
        muted(ui, format!("导出到 {}", out.display()));
        if let Some(job) = &self.job {
            let step = job.step.lock().map(|s| s.clone()).unwrap_or_default();
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("正在导出：{step}"));
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

    fn start(&mut self, ctx: &mut DeskCtx<'_>, db: PathBuf, out: PathBuf) {
        self.error = None;
        self.done = None;
        let month = match Period::parse(&self.month) {
            Ok(m) if m.months() == 1 => m,
            Ok(_) => {
                self.error = Some("请写成 2026-10 这样的月份".into());
                return;
            }
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        let clock = ctx.store.clock().clone();
        let step = Arc::new(Mutex::new(String::from("准备")));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let (s, c) = (step.clone(), cancel.clone());
        let spawned = std::thread::Builder::new()
            .name("month-end".into())
            .spawn(move || {
                let run = || -> Result<PathBuf, String> {
                    std::fs::create_dir_all(&out)
                        .map_err(|e| format!("无法创建文件夹 {}：{e}", out.display()))?;
                    let store = Store::open(&db, clock).map_err(|e| e.to_string())?;
                    let progress = |now: &str| {
                        if let Ok(mut guard) = s.lock() {
                            now.clone_into(&mut guard);
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

//! 收费: collect a payment for a unit (tick what is paid, method, change, prepayment), print
//! its receipt, and the day's receipts with voids, reprints and the daily close (日结).
//! Billing runs, arrears and notices are in `fees_admin.rs`.

use super::app::DeskCtx;
use super::fees_admin::{ArrearsView, BillingView, NoticesView};
use super::theme;
use super::widgets::{muted, section};
use crate::documents;
use crate::domain::kinds::{PayMethod, Role};
use crate::domain::money::{parse_amount, yuan};
use crate::print::receipt::ReceiptLayout;
use crate::store::{BillRow, DaySummary, Payment, ReceiptRow, Store, StoreError, UnitRow};
use egui_extras::{Column, TableBuilder};
use std::path::{Path, PathBuf};

/// Which part of the tab is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeesView {
    /// 收款.
    #[default]
    Collect,
    /// 今日收款与日结.
    Today,
    /// 核算.
    Billing,
    /// 欠费.
    Arrears,
    /// 通知单.
    Notices,
}

/// The unit being served at the counter.
#[derive(Debug, Clone)]
struct Counter {
    unit: UnitRow,
    bills: Vec<BillRow>,
    ticked: Vec<i64>,
    /// Part payment amounts typed per bill (empty = the whole outstanding amount).
    balance_fen: i64,
    receipts: Vec<ReceiptRow>,
    payer: String,
    method: PayMethod,
    use_balance: bool,
    tendered: String,
    prepay: String,
    note: String,
    error: Option<(&'static str, String)>,
    /// Asked: the person handed over more than is owed.
    asking_overpay: Option<i64>,
    /// Bills whose late fee is to be added as bills of their own.
    late_fee_requested: Vec<i64>,
}

/// The fee tab's state.
#[derive(Default)]
pub struct FeesTab {
    view: FeesView,
    unit_query: String,
    counter: Option<Counter>,
    today: Option<DaySummary>,
    cash_counted: String,
    close_note: String,
    close_error: Option<String>,
    void: Option<(String, String, Option<String>)>,
    /// Receipts on A4 paper, two to a sheet (else one A5 page each).
    receipts_on_a4: bool,
    billing: BillingView,
    arrears: ArrearsView,
    notices: NoticesView,
}

/// Where printed PDFs go: a folder beside the database.
pub fn print_folder(store: &Store, name: &str) -> PathBuf {
    store
        .path()
        .and_then(Path::parent)
        .map_or_else(|| PathBuf::from(name), |p| p.join(name))
}

/// Writes a PDF through a temporary name, so a failure never leaves a half-written file
/// under the real name.
pub fn save_pdf(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("无法创建文件夹 {}：{e}", dir.display()))?;
    }
    let tmp = path.with_extension("pdf.part");
    std::fs::write(&tmp, bytes).map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("无法写入 {}：{e}", path.display()))
}

/// Writes a PDF and opens it in the system's PDF viewer, where the person prints.
pub fn save_and_open(ctx: &DeskCtx<'_>, path: &Path, bytes: &[u8]) -> Result<(), String> {
    save_pdf(path, bytes)?;
    if ctx.open_files {
        open_in_viewer(path);
    }
    Ok(())
}

/// Opens a file with the system's default program (the PDF viewer, where the person prints).
pub fn open_in_viewer(path: &Path) {
    let spawned = if cfg!(target_os = "windows") {
        std::process::Command::new("cmd")
            .arg("/C")
            .arg("start")
            .arg("")
            .arg(path)
            .spawn()
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(path).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(path).spawn()
    };
    if let Err(e) = spawned {
        tracing::warn!("could not open {}: {e}", path.display());
    }
}

impl FeesTab {
    /// Serves a unit at the counter (from the search box).
    pub fn select_unit(&mut self, ctx: &mut DeskCtx<'_>, unit_id: i64) {
        self.view = FeesView::Collect;
        match ctx.store.unit_detail(unit_id) {
            Ok(detail) => {
                self.counter = Some(Counter {
                    payer: detail
                        .unit
                        .owners
                        .split('、')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    unit: detail.unit,
                    bills: Vec::new(),
                    ticked: Vec::new(),
                    balance_fen: 0,
                    receipts: Vec::new(),
                    method: PayMethod::Cash,
                    use_balance: true,
                    tendered: String::new(),
                    prepay: String::new(),
                    note: String::new(),
                    error: None,
                    asking_overpay: None,
                    late_fee_requested: Vec::new(),
                });
                self.reload_counter(ctx);
            }
            Err(e) => ctx.fail(&e),
        }
    }

    fn reload_counter(&mut self, ctx: &mut DeskCtx<'_>) {
        let Some(c) = &mut self.counter else { return };
        let loaded = ctx.store.unit_bills(c.unit.id).and_then(|b| {
            Ok((
                b,
                ctx.store.unit_balance(c.unit.id)?,
                ctx.store.unit_receipts(c.unit.id)?,
            ))
        });
        match loaded {
            Ok((bills, balance, receipts)) => {
                c.ticked = bills
                    .iter()
                    .filter(|b| b.outstanding_fen() > 0)
                    .map(|b| b.id)
                    .collect();
                c.bills = bills;
                c.balance_fen = balance;
                c.receipts = receipts;
            }
            Err(e) => ctx.fail(&e),
        }
    }

    /// Draws the tab.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.view, FeesView::Collect, "收款");
            if ui
                .selectable_value(&mut self.view, FeesView::Today, "今日收款与日结")
                .clicked()
            {
                self.today = None;
            }
            ui.selectable_value(&mut self.view, FeesView::Billing, "核算");
            if ui
                .selectable_value(&mut self.view, FeesView::Arrears, "欠费")
                .clicked()
            {
                self.arrears.reload(ctx);
            }
            ui.selectable_value(&mut self.view, FeesView::Notices, "通知单与催缴单");
            ui.separator();
            ui.checkbox(&mut self.receipts_on_a4, "收据用A4纸（一页两张）");
        });
        ui.separator();
        match self.view {
            FeesView::Collect => self.collect_ui(ui, ctx),
            FeesView::Today => self.today_ui(ui, ctx),
            FeesView::Billing => self.billing.ui(ui, ctx),
            FeesView::Arrears => {
                if let Some(unit) = self.arrears.ui(ui, ctx) {
                    self.select_unit(ctx, unit);
                }
            }
            FeesView::Notices => self.notices.ui(ui, ctx),
        }
        self.void_dialog(ui, ctx);
    }

    fn collect_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        ui.horizontal(|ui| {
            let label = ui.label("房号");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.unit_query)
                        .hint_text("如 3栋2单元1502")
                        .desired_width(180.0),
                )
                .labelled_by(label.id);
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("查询").clicked() || enter {
                match ctx.store.unit_id_by_code(&self.unit_query) {
                    Ok(Some(id)) => self.select_unit(ctx, id),
                    Ok(None) => ctx.toasts.error(format!(
                        "没有房号 {}，也可以用右上角的搜索框按姓名、电话查找",
                        self.unit_query.trim()
                    )),
                    Err(e) => ctx.fail(&e),
                }
            }
            muted(
                ui,
                "或在右上角搜索框里按姓名、电话、车牌、拼音首字母找到房屋。",
            );
        });
        if self.counter.is_none() {
            ui.add_space(30.0);
            muted(ui, "先找到要缴费的房屋。");
            return;
        }
        let mut collected = None;
        let mut late = Vec::new();
        if let Some(c) = &mut self.counter {
            collected = counter_ui(ui, ctx, c, self.receipts_on_a4);
            late = std::mem::take(&mut c.late_fee_requested);
        }
        if !late.is_empty() {
            for bill in late {
                if let Err(e) = ctx.store.add_late_fee_bill(ctx.actor, bill) {
                    ctx.fail(&e);
                }
            }
            self.reload_counter(ctx);
        }
        if let Some(number) = collected {
            self.reload_counter(ctx);
            self.today = None;
            print_receipt(ctx, &number, false, self.receipts_on_a4);
        }
    }

    fn today_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if self.today.is_none() {
            match ctx.store.day_summary(ctx.today) {
                Ok(s) => self.today = Some(s),
                Err(e) => ctx.fail(&e),
            }
        }
        let Some(day) = self.today.clone() else {
            return;
        };
        ui.heading(format!("{} 收款", day.date));
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("合计 {} 元", yuan(day.total_fen)));
            for (m, f) in &day.by_method {
                ui.label(format!("{m} {}", yuan(*f)));
            }
        });
        ui.horizontal_wrapped(|ui| {
            for (item, f) in &day.by_item {
                ui.label(egui::RichText::new(format!("{item} {}", yuan(*f))).color(theme::MUTED));
            }
        });
        let supervisor = ctx.actor.role == Role::Supervisor;
        let mut reprint = None;
        let mut void = None;
        egui::ScrollArea::vertical()
            .id_salt("today_receipts")
            .max_height(ui.available_height() - 150.0)
            .show(ui, |ui| {
                egui::Grid::new("today_grid")
                    .striped(true)
                    .num_columns(8)
                    .show(ui, |ui| {
                        for h in [
                            "收据号",
                            "时间",
                            "房号",
                            "交款人",
                            "方式",
                            "金额",
                            "状态",
                            "",
                        ] {
                            ui.strong(h);
                        }
                        ui.end_row();
                        for r in &day.receipts {
                            let color = if r.void.is_some() {
                                theme::MUTED
                            } else {
                                ui.visuals().text_color()
                            };
                            ui.label(egui::RichText::new(&r.number).color(color));
                            ui.label(
                                egui::RichText::new(r.created_at.get(11..16).unwrap_or(""))
                                    .color(color),
                            );
                            ui.label(egui::RichText::new(&r.unit_code).color(color));
                            ui.label(egui::RichText::new(&r.payer).color(color));
                            ui.label(egui::RichText::new(&r.method).color(color));
                            ui.label(egui::RichText::new(yuan(r.received_fen)).color(color));
                            match &r.void {
                                Some((_, by, reason)) => ui.label(
                                    egui::RichText::new(format!("作废（{by}：{reason}）"))
                                        .color(theme::ERROR),
                                ),
                                None => ui.label("有效"),
                            };
                            ui.horizontal(|ui| {
                                if ui.small_button(format!("补打 {}", r.number)).clicked() {
                                    reprint = Some(r.number.clone());
                                }
                                if r.void.is_none()
                                    && supervisor
                                    && ui.small_button(format!("作废 {}", r.number)).clicked()
                                {
                                    void = Some(r.number.clone());
                                }
                            });
                            ui.end_row();
                        }
                    });
            });
        if let Some(n) = reprint {
            print_receipt(ctx, &n, true, self.receipts_on_a4);
        }
        if let Some(n) = void {
            self.void = Some((n, String::new(), None));
        }
        section(ui, "日结");
        match &day.closed {
            Some((at, by, counted)) => {
                ui.label(format!(
                    "已于 {at} 由 {by} 日结；现金应有 {}，实点 {}。",
                    yuan(day.cash_expected_fen),
                    yuan(*counted)
                ));
            }
            None => {
                ui.horizontal(|ui| {
                    ui.label(format!("现金应有 {} 元", yuan(day.cash_expected_fen)));
                    let label = ui.label("现金实点");
                    ui.add(egui::TextEdit::singleline(&mut self.cash_counted).desired_width(100.0))
                        .labelled_by(label.id);
                    let label = ui.label("说明");
                    ui.add(egui::TextEdit::singleline(&mut self.close_note).desired_width(200.0))
                        .labelled_by(label.id);
                    if ui.button("日结").clicked() {
                        self.close_day(ctx);
                    }
                });
                if let Ok(counted) = parse_amount(&self.cash_counted) {
                    let diff = counted - day.cash_expected_fen;
                    if diff != 0 {
                        ui.label(
                            egui::RichText::new(format!(
                                "差额 {} 元，请核对或在说明里写明原因",
                                yuan(diff)
                            ))
                            .color(theme::WARN),
                        );
                    }
                }
                if let Some(e) = &self.close_error {
                    ui.label(egui::RichText::new(e).color(theme::ERROR));
                }
            }
        }
        if ui.button("打印费用移交表").clicked() {
            let counted = parse_amount(&self.cash_counted).ok();
            match documents::handover_document(ctx.store, ctx.today, counted) {
                Ok(pdf) => {
                    let path = print_folder(ctx.store, "移交表")
                        .join(format!("费用移交表-{}.pdf", day.date));
                    match save_and_open(ctx, &path, &pdf) {
                        Ok(()) => ctx.toasts.info(format!("已生成 {}", path.display())),
                        Err(e) => ctx.toasts.error(e),
                    }
                }
                Err(e) => ctx.toasts.error(e.to_string()),
            }
        }
    }

    fn close_day(&mut self, ctx: &mut DeskCtx<'_>) {
        let counted = match parse_amount(&self.cash_counted) {
            Ok(c) => c,
            Err(e) => {
                self.close_error = Some(format!("现金实点：{e}"));
                return;
            }
        };
        match ctx
            .store
            .close_day(ctx.actor, ctx.today, counted, &self.close_note)
        {
            Ok(summary) => {
                ctx.toasts
                    .info(format!("{} 已日结，今天不能再收款", summary.date));
                self.today = Some(summary);
                self.close_error = None;
            }
            Err(e) => self.close_error = Some(e.to_string()),
        }
    }

    fn void_dialog(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let Some((number, reason, error)) = &mut self.void else {
            return;
        };
        let mut close = false;
        let mut done = false;
        egui::Modal::new(egui::Id::unique("void_dialog")).show(ui.ctx(), |ui| {
            ui.heading(format!("作废收据 {number}"));
            ui.label("作废后收据保留并标明作废，所缴费用恢复为未缴。");
            let label = ui.label("作废原因");
            ui.add(egui::TextEdit::singleline(reason).desired_width(300.0))
                .labelled_by(label.id);
            if let Some(e) = error.as_ref() {
                ui.label(egui::RichText::new(e).color(theme::ERROR));
            }
            ui.horizontal(|ui| {
                if ui.button("确认作废").clicked() {
                    match ctx.store.void_receipt(ctx.actor, number, reason) {
                        Ok(()) => {
                            ctx.toasts.info(format!("收据 {number} 已作废"));
                            done = true;
                        }
                        Err(e) => *error = Some(e.to_string()),
                    }
                }
                if ui.button("取消").clicked() {
                    close = true;
                }
            });
        });
        if done || close {
            self.void = None;
        }
        if done {
            self.today = None;
            self.reload_counter(ctx);
        }
    }
}

/// Writes a receipt's PDF into 收据/ beside the database and opens it.
fn print_receipt(ctx: &mut DeskCtx<'_>, number: &str, reprint: bool, on_a4: bool) {
    let layout = if on_a4 {
        ReceiptLayout::TwoPerA4
    } else {
        ReceiptLayout::A5
    };
    match documents::receipt_pdf(ctx.store, number, reprint, layout) {
        Ok(pdf) => {
            let suffix = if reprint { "-补打" } else { "" };
            let path = print_folder(ctx.store, "收据").join(format!("{number}{suffix}.pdf"));
            match save_and_open(ctx, &path, &pdf) {
                Ok(()) => ctx
                    .toasts
                    .info(format!("收据 {number} 已生成：{}", path.display())),
                Err(e) => ctx.toasts.error(e),
            }
        }
        Err(e) => ctx
            .toasts
            .error(format!("收据 {number} 已记账，但打印失败：{e}")),
    }
}

/// The counter: what the unit owes, what is ticked, how it is paid. Returns the receipt
/// number once a payment is recorded.
fn counter_ui(
    ui: &mut egui::Ui,
    ctx: &mut DeskCtx<'_>,
    c: &mut Counter,
    on_a4: bool,
) -> Option<String> {
    ui.horizontal(|ui| {
        ui.heading(&c.unit.code);
        ui.label(format!("业主 {}  {}", c.unit.owners, c.unit.owner_phone));
        ui.label(
            egui::RichText::new(format!("预存余额 {} 元", yuan(c.balance_fen)))
                .color(theme::ACCENT),
        );
    });
    let owed: Vec<&BillRow> = c.bills.iter().filter(|b| b.outstanding_fen() > 0).collect();
    if owed.is_empty() {
        muted(ui, "没有未缴的费用。可以收预存款。");
    }
    ui.horizontal(|ui| {
        if ui.button("全选").clicked() {
            c.ticked = owed.iter().map(|b| b.id).collect();
        }
        if ui.button("全不选").clicked() {
            c.ticked.clear();
        }
        if ui.button("只缴最早一期").clicked() {
            c.ticked = owed.first().map(|b| vec![b.id]).unwrap_or_default();
        }
    });
    ui.scope(|ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        TableBuilder::new(ui)
            .id_salt("counter_bills")
            .striped(true)
            .max_scroll_height(220.0)
            .column(Column::exact(40.0))
            .column(Column::initial(110.0))
            .column(Column::initial(90.0))
            .column(Column::initial(300.0).clip(true))
            .column(Column::initial(90.0))
            .column(Column::initial(90.0))
            .column(Column::initial(90.0))
            .column(Column::remainder())
            .header(24.0, |mut h| {
                for t in [
                    "缴",
                    "期间",
                    "项目",
                    "计费明细",
                    "应收",
                    "已缴",
                    "欠缴",
                    "缴费期限",
                ] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(24.0, owed.len(), |mut row| {
                    let Some(b) = owed.get(row.index()) else {
                        return;
                    };
                    row.col(|ui| {
                        let mut on = c.ticked.contains(&b.id);
                        let label =
                            format!("缴 {} {}", b.item_name, documents::period_label(&b.period));
                        let r = ui.checkbox(&mut on, "");
                        r.widget_info(|| {
                            egui::WidgetInfo::selected(egui::Role::CheckBox, true, on, &label)
                        });
                        if r.on_hover_text(&label).changed() {
                            if on {
                                c.ticked.push(b.id);
                            } else {
                                c.ticked.retain(|id| *id != b.id);
                            }
                        }
                    });
                    row.col(|ui| {
                        ui.label(documents::period_label(&b.period));
                    });
                    row.col(|ui| {
                        ui.label(&b.item_name);
                    });
                    row.col(|ui| {
                        ui.label(&b.detail).on_hover_text(&b.detail);
                    });
                    row.col(|ui| {
                        ui.label(yuan(b.amount_fen));
                    });
                    row.col(|ui| {
                        ui.label(yuan(b.paid_fen));
                    });
                    row.col(|ui| {
                        ui.label(egui::RichText::new(yuan(b.outstanding_fen())).strong());
                    });
                    row.col(|ui| {
                        let late = if b.late_fee_fen > 0 {
                            format!("（滞纳金 {}）", yuan(b.late_fee_fen))
                        } else {
                            String::new()
                        };
                        ui.label(format!("{}{late}", b.due_date));
                    });
                });
            });
    });
    let late: Vec<(i64, i64)> = owed
        .iter()
        .filter(|b| c.ticked.contains(&b.id) && b.late_fee_fen > 0)
        .map(|b| (b.id, b.late_fee_fen))
        .collect();
    if !late.is_empty() {
        let total: i64 = late.iter().map(|(_, f)| f).sum();
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(format!("所选费用已逾期，滞纳金共 {} 元", yuan(total)))
                    .color(theme::WARN),
            );
            if ui.button("加收滞纳金").clicked() {
                c.late_fee_requested = late.iter().map(|(id, _)| *id).collect();
            }
        });
    }
    let due: i64 = owed
        .iter()
        .filter(|b| c.ticked.contains(&b.id))
        .map(|b| b.outstanding_fen())
        .sum();
    let balance_used = if c.use_balance {
        c.balance_fen.min(due).max(0)
    } else {
        0
    };
    let prepay = if c.prepay.trim().is_empty() {
        Ok(0)
    } else {
        parse_amount(&c.prepay)
    };
    let to_pay = due - balance_used + prepay.as_ref().copied().unwrap_or(0);
    let field_error = |c: &Counter, f: &str| {
        c.error
            .as_ref()
            .filter(|(x, _)| *x == f)
            .map(|(_, r)| r.clone())
    };
    let mut submit = false;
    egui::Grid::new("pay_grid")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            ui.label("本次应缴");
            ui.label(egui::RichText::new(format!("{} 元", yuan(due))).strong());
            ui.end_row();
            if c.balance_fen > 0 {
                ui.label("预存抵扣");
                ui.checkbox(
                    &mut c.use_balance,
                    format!("使用预存余额抵扣 {} 元", yuan(balance_used)),
                );
                ui.end_row();
            }
            let e = field_error(c, "预存");
            let label = ui.label("另存预存");
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut c.prepay)
                        .hint_text("0.00")
                        .desired_width(120.0),
                )
                .labelled_by(label.id);
                if let Err(reason) = &prepay {
                    ui.label(egui::RichText::new(reason).color(theme::ERROR));
                } else if let Some(r) = e {
                    ui.label(egui::RichText::new(r).color(theme::ERROR));
                }
            });
            ui.end_row();
            ui.label("合计收款");
            ui.label(
                egui::RichText::new(format!("{} 元", yuan(to_pay)))
                    .strong()
                    .size(18.0)
                    .color(theme::ACCENT),
            );
            ui.end_row();
            let label = ui.label("交款人");
            let e = field_error(c, "交款人");
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut c.payer).desired_width(160.0))
                    .labelled_by(label.id);
                if let Some(r) = e {
                    ui.label(egui::RichText::new(r).color(theme::ERROR));
                }
            });
            ui.end_row();
            let label = ui.label("收款方式");
            egui::ComboBox::from_id_salt("pay_method")
                .selected_text(c.method.as_str())
                .show_ui(ui, |ui| {
                    for m in PayMethod::ALL.iter().filter(|m| **m != PayMethod::Balance) {
                        ui.selectable_value(&mut c.method, *m, m.as_str());
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("实收");
            let tendered = if c.tendered.trim().is_empty() {
                Ok(to_pay)
            } else {
                parse_amount(&c.tendered)
            };
            let e = field_error(c, "实收");
            ui.horizontal(|ui| {
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut c.tendered)
                            .hint_text(yuan(to_pay))
                            .desired_width(120.0),
                    )
                    .labelled_by(label.id);
                let e = if r.changed() {
                    c.error = None;
                    None
                } else {
                    e
                };
                if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    submit = true;
                }
                match (&tendered, e) {
                    (Err(reason), _) => {
                        ui.label(egui::RichText::new(reason).color(theme::ERROR));
                    }
                    (_, Some(r)) => {
                        ui.label(egui::RichText::new(r).color(theme::ERROR));
                    }
                    (Ok(t), None) if *t > to_pay && c.method == PayMethod::Cash => {
                        ui.label(
                            egui::RichText::new(format!("找零 {} 元", yuan(t - to_pay)))
                                .strong()
                                .color(theme::OK),
                        );
                    }
                    (Ok(t), None) if *t < to_pay => {
                        ui.label(egui::RichText::new("实收少于应收").color(theme::ERROR));
                    }
                    _ => {}
                }
            });
            ui.end_row();
            let label = ui.label("备注");
            ui.add(egui::TextEdit::singleline(&mut c.note).desired_width(300.0))
                .labelled_by(label.id);
            ui.end_row();
        });
    if let Some(("", reason)) = &c.error {
        ui.label(egui::RichText::new(reason).color(theme::ERROR));
    }
    if ui.button("收款并打印收据").clicked() {
        submit = true;
    }
    let mut result = None;
    if submit {
        c.error = None;
        match (&prepay, parse_tendered(&c.tendered, to_pay)) {
            (Err(e), _) => c.error = Some(("预存", e.clone())),
            (_, Err(e)) => c.error = Some(("实收", e)),
            (Ok(prepay), Ok(tendered)) => {
                if tendered > to_pay && c.method != PayMethod::Cash {
                    c.asking_overpay = Some(tendered - to_pay);
                } else {
                    result = pay(ctx, c, *prepay, balance_used, tendered);
                }
            }
        }
    }
    if let Some(extra) = c.asking_overpay {
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("overpay")).show(ui.ctx(), |ui| {
            ui.heading("多付了钱");
            ui.label(format!(
                "实收比应收多 {} 元。{}不能找零，要把多出的钱存为预存吗？",
                yuan(extra),
                c.method.as_str()
            ));
            ui.horizontal(|ui| {
                if ui.button("存入预存").clicked() {
                    answer = Some(true);
                }
                if ui.button("改金额").clicked() {
                    answer = Some(false);
                }
            });
        });
        match answer {
            Some(true) => {
                c.asking_overpay = None;
                let prepay = prepay.as_ref().copied().unwrap_or(0) + extra;
                result = pay(ctx, c, prepay, balance_used, to_pay + extra);
            }
            Some(false) => c.asking_overpay = None,
            None => {}
        }
    }
    if !c.receipts.is_empty() {
        section(ui, "这户的收据");
        let mut reprint = None;
        for r in c.receipts.iter().take(8) {
            ui.horizontal(|ui| {
                ui.label(format!(
                    "{} {} {} {} 元",
                    r.number,
                    r.business_date,
                    r.method,
                    yuan(r.received_fen)
                ));
                if r.void.is_some() {
                    ui.label(egui::RichText::new("已作废").color(theme::ERROR));
                }
                if ui.small_button(format!("补打 {}", r.number)).clicked() {
                    reprint = Some(r.number.clone());
                }
            });
        }
        if let Some(n) = reprint {
            print_receipt(ctx, &n, true, on_a4);
        }
    }
    result
}

fn parse_tendered(text: &str, to_pay: i64) -> Result<i64, String> {
    if text.trim().is_empty() {
        Ok(to_pay)
    } else {
        parse_amount(text)
    }
}

fn pay(
    ctx: &mut DeskCtx<'_>,
    c: &mut Counter,
    prepay: i64,
    balance_used: i64,
    tendered: i64,
) -> Option<String> {
    let bills: Vec<(i64, i64)> = c
        .bills
        .iter()
        .filter(|b| c.ticked.contains(&b.id) && b.outstanding_fen() > 0)
        .map(|b| (b.id, b.outstanding_fen()))
        .collect();
    let payment = Payment {
        unit_id: c.unit.id,
        payer: c.payer.clone(),
        method: c.method,
        bills,
        prepay_fen: prepay,
        balance_used_fen: balance_used,
        tendered_fen: tendered,
        note: c.note.clone(),
    };
    match ctx.store.collect(ctx.actor, &payment) {
        Ok(number) => {
            c.tendered.clear();
            c.prepay.clear();
            c.note.clear();
            Some(number)
        }
        Err(StoreError::Invalid { field, reason }) => {
            c.error = Some((field, reason));
            None
        }
        Err(e) => {
            if e.is_busy() {
                ctx.busy = true;
            }
            c.error = Some(("", e.to_string()));
            None
        }
    }
}

//! 钥匙: entrusted key sets, lending with identity checks (《钥匙借用登记表》), returns, keys
//! out past their day in red, and the monthly stock-take (盘点) of keys, cards and handsets.

use super::app::DeskCtx;
use super::date_picker::DateField;
use super::fees::{print_folder, save_and_open};
use super::theme;
use super::widgets::{FieldError, error_for};
use super::widgets::{choice_row, field_row, muted, section};
use crate::documents::short_time;
use crate::documents::stocktake_print;
use crate::domain::idcard::mask_id_number;
use crate::domain::kinds::Role;
use crate::print::key_slip::{KeySlipPrint, key_slip_pdf};
use crate::print::stocktake::stocktake_pdf;
use crate::store::{
    IdentityCheck, KeyLoanForm, KeyLoanRow, KeySetForm, KeySetRow, LOAN_RELATIONS, STOCK_KINDS,
    Stocktake, StocktakeLine, Store, StoreError,
};
use chrono::{NaiveDate, NaiveDateTime};

/// How often the status line's count of overdue keys is taken again, in seconds.
const OVERDUE_REFRESH_SECS: f64 = 5.0;

/// Which part of the tab is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeysView {
    /// 钥匙借还.
    #[default]
    Loans,
    /// 盘点.
    Stocktake,
}

/// Splits a store error into one shown next to a field, or a toast.
fn place_error(ctx: &mut DeskCtx<'_>, error: &StoreError) -> FieldError {
    match error {
        StoreError::Invalid { field, reason } => Some((field, reason.clone())),
        other => {
            ctx.fail(other);
            None
        }
    }
}

struct LendForm {
    key_set_id: i64,
    borrower: String,
    phone: String,
    relation: &'static str,
    id_number: String,
    purpose: String,
    due: DateField,
    identity: IdentityCheck,
    confirmed_by: String,
    confirmed_means: String,
    print_slip: bool,
    error: FieldError,
}

struct ReturnForm {
    loan: KeyLoanRow,
    at: String,
    condition: String,
    error: FieldError,
}

struct AddForm {
    unit_code: String,
    label: String,
    count: String,
    position: String,
    entrusted_by: String,
    entrusted_on: DateField,
    authorisation: String,
    error: FieldError,
}

struct CountRow {
    line: StocktakeLine,
    ticked: bool,
    text: String,
    note: String,
}

#[derive(Default)]
struct StockView {
    loaded: bool,
    stock: Vec<(String, String)>,
    stock_error: FieldError,
    takes: Vec<(i64, String, bool)>,
    counting: Option<Vec<CountRow>>,
    count_error: Option<String>,
    shown: Option<Stocktake>,
    sign_note: String,
    sign_error: FieldError,
}

/// The key tab's state. Lists are loaded when the tab opens or after an action, never per
/// frame.
#[derive(Default)]
pub struct KeysTab {
    view: KeysView,
    filter: String,
    sets: Option<Vec<KeySetRow>>,
    /// Every loan not yet returned (whatever the filter).
    open: Vec<KeyLoanRow>,
    selected: Option<i64>,
    history: Vec<KeyLoanRow>,
    lend: Option<LendForm>,
    ret: Option<ReturnForm>,
    add: Option<AddForm>,
    stock: StockView,
    overdue_checked_at: Option<(f64, NaiveDate)>,
    overdue: i64,
    /// Bumped by every change, so a list taken out for drawing is not put back stale.
    version: u64,
}

impl KeysTab {
    /// Keys out past the end of their due day, for the status line: counted again at most
    /// every few seconds, at once after a key action or when the day changes.
    pub fn overdue_count(&mut self, store: &Store, now_secs: f64) -> i64 {
        let today = store.today();
        let stale = self
            .overdue_checked_at
            .is_none_or(|(at, day)| day != today || now_secs - at >= OVERDUE_REFRESH_SECS);
        if stale {
            match store.overdue_key_count() {
                Ok(n) => self.overdue = n,
                Err(e) => tracing::warn!("overdue key count: {e}"),
            }
            self.overdue_checked_at = Some((now_secs, today));
        }
        self.overdue
    }

    fn changed(&mut self) {
        self.version += 1;
        self.sets = None;
        self.overdue_checked_at = None;
        self.stock.loaded = false;
    }

    /// Loads what the tab shows (done on the first frame after a change).
    pub fn load(&mut self, store: &Store) -> Result<(), StoreError> {
        let sets = store.key_sets(&self.filter)?;
        self.open = store.open_key_loans()?;
        self.history = match self.selected {
            Some(id) => store.key_loans_of(id, 30)?,
            None => Vec::new(),
        };
        self.sets = Some(sets);
        Ok(())
    }

    /// Draws the tab.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.view, KeysView::Loans, "钥匙借还");
            if ui
                .selectable_value(&mut self.view, KeysView::Stocktake, "盘点")
                .clicked()
            {
                self.stock.loaded = false;
            }
        });
        ui.separator();
        match self.view {
            KeysView::Loans => self.loans_ui(ui, ctx),
            KeysView::Stocktake => self.stocktake_ui(ui, ctx),
        }
    }

    fn loans_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let version = self.version;
        if self.sets.is_none()
            && let Err(e) = self.load(ctx.store)
        {
            ctx.fail(&e);
            self.sets = Some(Vec::new());
        }
        ui.horizontal(|ui| {
            let label = ui.label("筛选");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter)
                        .hint_text("房号、钥匙、位置、借用人")
                        .desired_width(200.0),
                )
                .labelled_by(label.id);
            if r.changed() {
                self.version += 1;
                self.sets = None;
            }
            if ui.button("刷新").clicked() {
                self.changed();
            }
            if ui.button("登记托管钥匙…").clicked() {
                self.add = Some(AddForm {
                    unit_code: String::new(),
                    label: "入户门钥匙".into(),
                    count: "1".into(),
                    position: String::new(),
                    entrusted_by: String::new(),
                    entrusted_on: DateField::new(Some(ctx.today)),
                    authorisation: String::new(),
                    error: None,
                });
            }
        });
        let sets = self.sets.take().unwrap_or_default();
        self.overdue_ui(ui, ctx.today);
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width((ui.available_width() * 0.5).max(420.0));
                self.list_ui(ui, &sets, ctx);
            });
            ui.separator();
            ui.vertical(|ui| {
                egui::ScrollArea::vertical()
                    .id_salt("key_detail")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        if self.add.is_some() {
                            self.add_ui(ui, ctx);
                        } else {
                            let selected =
                                sets.iter().find(|s| Some(s.id) == self.selected).cloned();
                            match selected {
                                Some(set) => self.detail_ui(ui, ctx, &set),
                                None => {
                                    muted(ui, "在左边选一套钥匙，可借出、登记归还、查看借用记录。")
                                }
                            }
                        }
                    });
            });
        });
        if self.version == version {
            self.sets = Some(sets);
        }
    }

    fn overdue_ui(&self, ui: &mut egui::Ui, today: NaiveDate) {
        let overdue: Vec<&KeyLoanRow> = self.open.iter().filter(|l| l.is_overdue(today)).collect();
        if overdue.is_empty() {
            return;
        }
        ui.label(
            egui::RichText::new(format!("逾期未还 {} 把：", overdue.len()))
                .strong()
                .color(theme::ERROR),
        );
        for l in overdue.iter().take(8) {
            ui.label(
                egui::RichText::new(format!(
                    "逾期 {} {} — {}（{}）{} 借出，应于 {} 归还",
                    l.unit_code,
                    l.label,
                    l.borrower,
                    l.phone,
                    short_time(&l.out_at),
                    l.due_on
                ))
                .color(theme::ERROR),
            );
        }
        if overdue.len() > 8 {
            ui.label(
                egui::RichText::new(format!("…… 另有 {} 把", overdue.len() - 8))
                    .color(theme::ERROR),
            );
        }
        ui.separator();
    }

    fn list_ui(&mut self, ui: &mut egui::Ui, sets: &[KeySetRow], ctx: &mut DeskCtx<'_>) {
        let out = sets.iter().filter(|s| s.out.is_some()).count();
        muted(ui, format!("托管钥匙 {} 套，借出 {} 套", sets.len(), out));
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let mut picked = None;
        egui::ScrollArea::vertical()
            .id_salt("key_sets")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, sets.len(), |ui, range| {
                for set in sets.get(range).unwrap_or_default() {
                    ui.horizontal(|ui| {
                        let text = format!("{} {}", set.unit_code, set.label);
                        let on = self.selected == Some(set.id);
                        if cell(ui, 250.0, row_height, |ui| ui.selectable_label(on, text)).clicked()
                        {
                            picked = Some(set.id);
                        }
                        cell(ui, 44.0, row_height, |ui| {
                            ui.label(format!("{} 把", set.count))
                        });
                        cell(ui, 56.0, row_height, |ui| {
                            ui.label(egui::RichText::new(&set.position).color(theme::MUTED))
                        });
                        match &set.out {
                            Some(l) if l.is_overdue(ctx.today) => {
                                ui.label(
                                    egui::RichText::new(format!("逾期未还：{}", l.borrower))
                                        .color(theme::ERROR)
                                        .strong(),
                                );
                            }
                            Some(l) => {
                                ui.label(
                                    egui::RichText::new(format!("借出：{}", l.borrower))
                                        .color(theme::WARN),
                                );
                            }
                            None => {
                                ui.label(egui::RichText::new("在库").color(theme::OK));
                            }
                        }
                    });
                }
            });
        if let Some(id) = picked {
            self.selected = Some(id);
            self.lend = None;
            self.ret = None;
            self.add = None;
            match ctx.store.key_loans_of(id, 30) {
                Ok(h) => self.history = h,
                Err(e) => ctx.fail(&e),
            }
        }
    }

    fn detail_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, set: &KeySetRow) {
        section(ui, &format!("{} {}", set.unit_code, set.label));
        egui::Grid::new("key_set_detail")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                for (k, v) in [
                    ("数量", format!("{} 把", set.count)),
                    ("存放位置", set.position.clone()),
                    ("委托人", set.entrusted_by.clone()),
                    ("委托日期", set.entrusted_on.clone()),
                    ("可借用人", set.authorisation.clone()),
                ] {
                    muted(ui, k);
                    ui.label(v);
                    ui.end_row();
                }
            });
        match &set.out {
            Some(l) => {
                let overdue = l.is_overdue(ctx.today);
                let text = format!(
                    "{}：{}（{}，{}）{} 借出，应于 {} 归还",
                    if overdue { "逾期未还" } else { "借出中" },
                    l.borrower,
                    l.relation,
                    l.phone,
                    short_time(&l.out_at),
                    l.due_on
                );
                ui.label(egui::RichText::new(text).color(if overdue {
                    theme::ERROR
                } else {
                    theme::WARN
                }));
                ui.horizontal(|ui| {
                    if self.ret.is_none() && ui.button("登记归还…").clicked() {
                        self.ret = Some(ReturnForm {
                            loan: l.clone(),
                            at: ctx.store.clock().now().format("%Y-%m-%d %H:%M").to_string(),
                            condition: "完好".into(),
                            error: None,
                        });
                    }
                    if ui.button("打印借用单").clicked() {
                        print_slip(ctx, l);
                    }
                });
            }
            None => {
                ui.label(egui::RichText::new("状态：在库").color(theme::OK));
                if self.lend.is_none() && ui.button("借出…").clicked() {
                    self.lend = Some(LendForm {
                        key_set_id: set.id,
                        borrower: String::new(),
                        phone: String::new(),
                        relation: LOAN_RELATIONS[0],
                        id_number: String::new(),
                        purpose: String::new(),
                        due: DateField::new(Some(ctx.today)),
                        identity: IdentityCheck::OwnerInPerson,
                        confirmed_by: String::new(),
                        confirmed_means: String::new(),
                        print_slip: false,
                        error: None,
                    });
                }
            }
        }
        if self.lend.as_ref().is_some_and(|f| f.key_set_id == set.id) {
            self.lend_ui(ui, ctx);
        }
        if self
            .ret
            .as_ref()
            .is_some_and(|f| f.loan.key_set_id == set.id)
        {
            self.return_ui(ui, ctx);
        }
        section(ui, "借用记录");
        if self.history.is_empty() {
            muted(ui, "还没有借用记录。");
        }
        egui::ScrollArea::vertical()
            .id_salt("key_history")
            .max_height(260.0)
            .show(ui, |ui| {
                for l in &self.history {
                    let back = match &l.returned {
                        Some((at, by, cond)) => {
                            format!("{} 归还（{}，{}）", short_time(at), by, cond)
                        }
                        None => "未归还".into(),
                    };
                    let text = format!(
                        "{} 借出 · {}（{}）· {} · {} · 经办 {} · {}",
                        short_time(&l.out_at),
                        l.borrower,
                        l.relation,
                        l.purpose,
                        l.identity_check,
                        l.lent_by,
                        back
                    );
                    let color = if l.is_overdue(ctx.today) {
                        theme::ERROR
                    } else {
                        ui.visuals().text_color()
                    };
                    ui.label(egui::RichText::new(text).color(color));
                }
            });
    }

    fn lend_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let Some(f) = &mut self.lend else { return };
        section(ui, "借出登记");
        let mut submit = false;
        let mut cancel = false;
        egui::Grid::new("lend_form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                field_row(ui, "借用人", &mut f.borrower, error_for(&f.error, "借用人"));
                field_row(ui, "电话", &mut f.phone, error_for(&f.error, "电话"));
                choice_row(ui, "关系", &mut f.relation, &LOAN_RELATIONS);
                field_row(
                    ui,
                    "身份证号",
                    &mut f.id_number,
                    error_for(&f.error, "身份证号"),
                );
                field_row(ui, "用途", &mut f.purpose, error_for(&f.error, "用途"));
                f.due.ui(ui, "预计归还", ctx.today);
                ui.end_row();
                if let Some(e) = error_for(&f.error, "预计归还") {
                    ui.label("");
                    ui.label(egui::RichText::new(e).color(theme::ERROR));
                    ui.end_row();
                }
                choice_row(ui, "身份核验", &mut f.identity, &IdentityCheck::ALL);
                if let Some(e) = error_for(&f.error, "身份核验") {
                    ui.label("");
                    ui.label(egui::RichText::new(e).color(theme::ERROR));
                    ui.end_row();
                }
                if f.identity == IdentityCheck::OwnerConfirmed {
                    field_row(
                        ui,
                        "授权业主",
                        &mut f.confirmed_by,
                        error_for(&f.error, "授权业主"),
                    );
                    field_row(
                        ui,
                        "确认方式",
                        &mut f.confirmed_means,
                        error_for(&f.error, "确认方式"),
                    );
                }
            });
        muted(
            ui,
            "非业主本人借用：须核对身份证与档案一致，或由业主本人确认授权（记录确认人和方式）。",
        );
        ui.checkbox(&mut f.print_slip, "打印借用单");
        ui.horizontal(|ui| {
            submit = ui.button("确认借出").clicked();
            cancel = ui.button("取消借出").clicked();
        });
        if cancel {
            self.lend = None;
            return;
        }
        if !submit {
            return;
        }
        let due = match f.due.parsed() {
            Ok(Some(d)) => d,
            Ok(None) => {
                f.error = Some(("预计归还", "请填写预计归还日期".into()));
                return;
            }
            Err(e) => {
                f.error = Some(("预计归还", e));
                return;
            }
        };
        let form = KeyLoanForm {
            key_set_id: f.key_set_id,
            borrower: f.borrower.clone(),
            phone: f.phone.clone(),
            relation: f.relation.to_string(),
            id_number: f.id_number.clone(),
            purpose: f.purpose.clone(),
            due_on: due,
            identity: f.identity,
            confirmed_by: f.confirmed_by.clone(),
            confirmed_means: f.confirmed_means.clone(),
        };
        let print = f.print_slip;
        match ctx.store.lend_key(ctx.actor, &form) {
            Ok(id) => {
                ctx.toasts
                    .info(format!("已借出给 {}，请当日归还", form.borrower.trim()));
                self.lend = None;
                self.changed();
                if print {
                    match ctx.store.key_loan(id) {
                        Ok(l) => print_slip(ctx, &l),
                        Err(e) => ctx.fail(&e),
                    }
                }
            }
            Err(e) => f.error = place_error(ctx, &e),
        }
    }

    fn return_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let Some(f) = &mut self.ret else { return };
        section(ui, "归还登记");
        let mut submit = false;
        let mut cancel = false;
        egui::Grid::new("return_form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                field_row(ui, "归还时间", &mut f.at, error_for(&f.error, "归还时间"));
                field_row(
                    ui,
                    "钥匙状况",
                    &mut f.condition,
                    error_for(&f.error, "钥匙状况"),
                );
            });
        muted(ui, format!("接收人：{}", ctx.actor.name));
        ui.horizontal(|ui| {
            submit = ui.button("确认归还").clicked();
            cancel = ui.button("取消归还").clicked();
        });
        if cancel {
            self.ret = None;
            return;
        }
        if !submit {
            return;
        }
        let Some(at) = parse_time(&f.at) else {
            f.error = Some(("归还时间", "时间格式应为 2026-11-27 15:30".into()));
            return;
        };
        match ctx.store.return_key(ctx.actor, f.loan.id, at, &f.condition) {
            Ok(()) => {
                ctx.toasts
                    .info(format!("{} {} 已归还", f.loan.unit_code, f.loan.label));
                self.ret = None;
                self.changed();
            }
            Err(e) => f.error = place_error(ctx, &e),
        }
    }

    fn add_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let Some(f) = &mut self.add else { return };
        section(ui, "登记托管钥匙");
        let mut submit = false;
        let mut cancel = false;
        egui::Grid::new("key_set_form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                field_row(ui, "房号", &mut f.unit_code, error_for(&f.error, "房号"));
                field_row(ui, "标签", &mut f.label, error_for(&f.error, "标签"));
                field_row(ui, "数量", &mut f.count, error_for(&f.error, "数量"));
                field_row(
                    ui,
                    "存放位置",
                    &mut f.position,
                    error_for(&f.error, "存放位置"),
                );
                field_row(
                    ui,
                    "委托人",
                    &mut f.entrusted_by,
                    error_for(&f.error, "委托人"),
                );
                f.entrusted_on.ui(ui, "委托日期", ctx.today);
                ui.end_row();
                if let Some(e) = error_for(&f.error, "委托日期") {
                    ui.label("");
                    ui.label(egui::RichText::new(e).color(theme::ERROR));
                    ui.end_row();
                }
                let label = ui.label("授权说明");
                ui.add(
                    egui::TextEdit::multiline(&mut f.authorisation)
                        .hint_text("授权书内容：哪些人可以借用")
                        .desired_rows(3)
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
                ui.end_row();
            });
        ui.horizontal(|ui| {
            submit = ui.button("保存托管钥匙").clicked();
            cancel = ui.button("取消登记").clicked();
        });
        if cancel {
            self.add = None;
            return;
        }
        if !submit {
            return;
        }
        let unit_id = match ctx.store.unit_id_by_code(&f.unit_code) {
            Ok(Some(id)) => id,
            Ok(None) => {
                f.error = Some(("房号", "没有这个房号".into()));
                return;
            }
            Err(e) => {
                ctx.fail(&e);
                return;
            }
        };
        let entrusted_on = match f.entrusted_on.parsed() {
            Ok(Some(d)) => d,
            Ok(None) => {
                f.error = Some(("委托日期", "请填写委托日期".into()));
                return;
            }
            Err(e) => {
                f.error = Some(("委托日期", e));
                return;
            }
        };
        let form = KeySetForm {
            unit_id,
            label: f.label.clone(),
            count: f.count.clone(),
            position: f.position.clone(),
            entrusted_by: f.entrusted_by.clone(),
            entrusted_on,
            authorisation: f.authorisation.clone(),
        };
        match ctx.store.add_key_set(ctx.actor, &form) {
            Ok(id) => {
                ctx.toasts.info("托管钥匙已登记");
                self.add = None;
                self.selected = Some(id);
                self.changed();
            }
            Err(e) => f.error = place_error(ctx, &e),
        }
    }

    fn stocktake_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let v = &mut self.stock;
        if !v.loaded {
            let loaded = ctx
                .store
                .office_stock()
                .and_then(|s| Ok((s, ctx.store.stocktakes()?)));
            match loaded {
                Ok((stock, takes)) => {
                    v.stock = stock.into_iter().map(|(k, n)| (k, n.to_string())).collect();
                    v.takes = takes;
                }
                Err(e) => ctx.fail(&e),
            }
            v.loaded = true;
        }
        let supervisor = ctx.actor.role == Role::Supervisor;
        egui::ScrollArea::vertical()
            .id_salt("stocktake")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                section(ui, "办公室库存（未发放）");
                stock_ui(ui, ctx, v, supervisor);
                section(ui, "本月盘点");
                let month = ctx.today.format("%Y-%m").to_string();
                let done = v.takes.iter().any(|(_, m, _)| *m == month);
                if v.counting.is_some() {
                    if count_ui(ui, ctx, v) {
                        v.loaded = false;
                    }
                } else if done {
                    muted(ui, format!("{month} 已经盘点。"));
                } else if ui.button("开始本月盘点").clicked() {
                    match ctx.store.stocktake_sheet() {
                        Ok(lines) => {
                            v.counting = Some(
                                lines
                                    .into_iter()
                                    .map(|line| CountRow {
                                        line,
                                        ticked: false,
                                        text: String::new(),
                                        note: String::new(),
                                    })
                                    .collect(),
                            );
                            v.count_error = None;
                        }
                        Err(e) => ctx.fail(&e),
                    }
                }
                section(ui, "盘点记录");
                takes_ui(ui, ctx, v, supervisor);
            });
    }
}

fn stock_ui(ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, v: &mut StockView, supervisor: bool) {
    if !supervisor {
        for (kind, n) in &v.stock {
            ui.label(format!("{kind}：应有 {n}"));
        }
        muted(ui, "应有数量由主管维护。");
        return;
    }
    egui::Grid::new("office_stock")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for (kind, n) in &mut v.stock {
                let label = format!("应有{kind}");
                let err = v
                    .stock_error
                    .as_ref()
                    .filter(|(f, _)| *f == kind.as_str())
                    .map(|(_, r)| r.as_str());
                field_row(ui, &label, n, err);
            }
        });
    if ui.button("保存库存数量").clicked() {
        v.stock_error = None;
        for (kind, n) in &v.stock {
            if let Err(e) = ctx.store.set_office_stock(ctx.actor, kind, n) {
                let field = STOCK_KINDS.iter().find(|k| *k == kind).copied();
                match (&e, field) {
                    (StoreError::Invalid { reason, .. }, Some(f)) => {
                        v.stock_error = Some((f, reason.clone()));
                    }
                    _ => ctx.fail(&e),
                }
                return;
            }
        }
        ctx.toasts.info("库存数量已保存");
    }
}

/// The counting sheet; returns true once the count is recorded.
fn count_ui(ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, v: &mut StockView) -> bool {
    let Some(rows) = &mut v.counting else {
        return false;
    };
    muted(
        ui,
        "逐项清点：钥匙在库就勾选（按应有数量计），数量不符就填实点数量。",
    );
    if ui.button("全部勾选").clicked() {
        for r in rows.iter_mut() {
            r.ticked = true;
            if r.text.trim().is_empty() {
                r.text = r.line.expected.to_string();
            }
        }
    }
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 10.0;
    egui::ScrollArea::vertical()
        .id_salt("count_rows")
        .max_height(360.0)
        .show_rows(ui, row_height, rows.len(), |ui, range| {
            for r in rows.get_mut(range).unwrap_or_default() {
                ui.horizontal(|ui| {
                    let ticked = &mut r.ticked;
                    let label = r.line.label.as_str();
                    if cell(ui, 300.0, row_height, |ui| ui.checkbox(ticked, label)).changed() {
                        r.text = if r.ticked {
                            r.line.expected.to_string()
                        } else {
                            String::new()
                        };
                    }
                    cell(ui, 56.0, row_height, |ui| {
                        ui.label(
                            egui::RichText::new(format!("应有 {}", r.line.expected))
                                .color(theme::MUTED),
                        )
                    });
                    let label = ui.label("实点");
                    ui.add(egui::TextEdit::singleline(&mut r.text).desired_width(50.0))
                        .labelled_by(label.id);
                    if let Ok(n) = r.text.trim().parse::<i64>()
                        && n != r.line.expected
                    {
                        ui.label(
                            egui::RichText::new(format!("差异 {:+}", n - r.line.expected))
                                .color(theme::ERROR),
                        );
                    }
                    if !r.line.note.is_empty() {
                        muted(ui, r.line.note.clone());
                    }
                    let label = ui.label("备注");
                    ui.add(egui::TextEdit::singleline(&mut r.note).desired_width(140.0))
                        .labelled_by(label.id);
                });
            }
        });
    if let Some(e) = &v.count_error {
        ui.label(egui::RichText::new(e).color(theme::ERROR));
    }
    let mut submit = false;
    let mut cancel = false;
    ui.horizontal(|ui| {
        submit = ui.button("提交盘点").clicked();
        cancel = ui.button("放弃本次盘点").clicked();
    });
    if cancel {
        v.counting = None;
        return false;
    }
    if !submit {
        return false;
    }
    let mut counted = Vec::with_capacity(rows.len());
    for r in rows.iter() {
        match r.text.trim().parse::<i64>() {
            Ok(n) if n >= 0 => {
                counted.push((r.line.kind.clone(), r.line.key_set_id, n, r.note.clone()))
            }
            _ => {
                v.count_error = Some(format!("{}：请勾选或填写实点数量", r.line.label));
                return false;
            }
        }
    }
    match ctx.store.record_stocktake(ctx.actor, &counted) {
        Ok(id) => {
            ctx.toasts.info("盘点已提交，请主管签字确认");
            v.counting = None;
            v.count_error = None;
            match ctx.store.stocktake(id) {
                Ok(t) => v.shown = Some(t),
                Err(e) => ctx.fail(&e),
            }
            true
        }
        Err(e) => {
            v.count_error = Some(e.to_string());
            false
        }
    }
}

fn takes_ui(ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, v: &mut StockView, supervisor: bool) {
    if v.takes.is_empty() {
        muted(ui, "还没有盘点记录。");
    }
    let mut picked = None;
    ui.horizontal_wrapped(|ui| {
        for (id, month, signed) in &v.takes {
            let text = format!(
                "{month}（{}）",
                if *signed {
                    "已签字"
                } else {
                    "待主管签字"
                }
            );
            let on = v.shown.as_ref().is_some_and(|t| t.id == *id);
            if ui.selectable_label(on, text).clicked() {
                picked = Some(*id);
            }
        }
    });
    if let Some(id) = picked {
        match ctx.store.stocktake(id) {
            Ok(t) => v.shown = Some(t),
            Err(e) => ctx.fail(&e),
        }
    }
    let Some(t) = &v.shown else { return };
    ui.add_space(6.0);
    ui.label(format!(
        "盘点人：{}，{}",
        t.counted_by,
        short_time(&t.counted_at)
    ));
    let diffs = t.differences();
    if diffs.is_empty() {
        ui.label(egui::RichText::new("账实相符，没有差异。").color(theme::OK));
    } else {
        ui.label(
            egui::RichText::new(format!("差异 {} 项：", diffs.len()))
                .color(theme::ERROR)
                .strong(),
        );
        for l in &diffs {
            ui.label(
                egui::RichText::new(format!(
                    "{}：应有 {}，实点 {}（{:+}）{}",
                    l.label,
                    l.expected,
                    l.counted,
                    l.difference(),
                    l.note
                ))
                .color(theme::ERROR),
            );
        }
    }
    let mut signed_now = false;
    match &t.signed {
        Some((at, by, note)) => {
            ui.label(format!("主管签字：{by}，{}　{note}", short_time(at)));
        }
        None if supervisor => {
            egui::Grid::new("sign_form").num_columns(2).show(ui, |ui| {
                field_row(
                    ui,
                    "处理意见",
                    &mut v.sign_note,
                    error_for(&v.sign_error, "处理意见"),
                );
            });
            if ui.button("主管签字确认").clicked() {
                match ctx.store.sign_stocktake(ctx.actor, t.id, &v.sign_note) {
                    Ok(()) => {
                        ctx.toasts.info("盘点已签字确认");
                        v.sign_note.clear();
                        v.sign_error = None;
                        signed_now = true;
                    }
                    Err(e) => v.sign_error = place_error(ctx, &e),
                }
            }
        }
        None => muted(ui, "等待主管签字确认。"),
    }
    if ui.button("打印盘点表").clicked() {
        let pdf = stocktake_pdf(&stocktake_print(&ctx.office.name, t));
        let path = print_folder(ctx.store, "盘点").join(format!("盘点-{}.pdf", t.month));
        match pdf
            .map_err(|e| e.to_string())
            .and_then(|b| save_and_open(ctx, &path, &b))
        {
            Ok(()) => ctx.toasts.info(format!("已生成 {}", path.display())),
            Err(e) => ctx.toasts.error(format!("无法生成盘点表：{e}")),
        }
    }
    if signed_now {
        let id = t.id;
        v.loaded = false;
        match ctx.store.stocktake(id) {
            Ok(t) => v.shown = Some(t),
            Err(e) => ctx.fail(&e),
        }
    }
}

/// Draws `add` in a cell of fixed width, so the rows of a list line up in columns.
fn cell(
    ui: &mut egui::Ui,
    width: f32,
    height: f32,
    add: impl FnOnce(&mut egui::Ui) -> egui::Response,
) -> egui::Response {
    ui.allocate_ui_with_layout(
        egui::vec2(width, height),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_min_width(width);
            add(ui)
        },
    )
    .inner
}

fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S"))
        .ok()
}

/// The slip of a loan, ready to print.
#[must_use]
pub fn slip_print(office_name: &str, l: &KeyLoanRow) -> KeySlipPrint {
    let identity = if l.identity_check == IdentityCheck::OwnerConfirmed.as_str() {
        format!(
            "{}：{}（{}）",
            l.identity_check, l.confirmed_by, l.confirmed_means
        )
    } else {
        l.identity_check.clone()
    };
    KeySlipPrint {
        office_name: office_name.to_string(),
        number: format!("JY{:06}", l.id),
        unit_code: l.unit_code.clone(),
        key: format!("{} × {}", l.label, l.count),
        position: l.position.clone(),
        borrower: l.borrower.clone(),
        phone: l.phone.clone(),
        relation: l.relation.clone(),
        id_number: mask_id_number(&l.id_number),
        purpose: l.purpose.clone(),
        identity,
        out_at: short_time(&l.out_at).to_string(),
        due: format!("{} 当日", l.due_on),
        operator: l.lent_by.clone(),
        returned: l
            .returned
            .as_ref()
            .map(|(at, by, c)| (short_time(at).to_string(), by.clone(), c.clone())),
    }
}

fn print_slip(ctx: &mut DeskCtx<'_>, l: &KeyLoanRow) {
    let pdf = key_slip_pdf(&slip_print(&ctx.office.name, l));
    let path = print_folder(ctx.store, "钥匙借用单").join(format!("JY{:06}.pdf", l.id));
    match pdf
        .map_err(|e| e.to_string())
        .and_then(|b| save_and_open(ctx, &path, &b))
    {
        Ok(()) => ctx.toasts.info(format!("借用单已生成：{}", path.display())),
        Err(e) => ctx.toasts.error(format!("无法生成借用单：{e}")),
    }
}

//! The desk's small registers inside 前台接待: goods release passes (《物品放行条》, written
//! after the owner confirms, printed for the gate, listed for the day) and mail and parcels
//! (收发信件: logged on arrival, marked when the resident is told and when collected), and the
//! shift handover (交班: the open items with notes for the next person), and notices for the
//! board (通知公告, printed as an A4 PDF).

use super::app::DeskCtx;
use super::date_picker::DateField;
use super::fees::{print_folder, save_and_open};
use super::theme;
use super::widgets::{FieldError, error_for};
use super::widgets::{choice_row, field_row, muted, section};
use crate::documents::short_time;
use crate::print::board_notice::{BoardNoticePrint, board_notice_pdf};
use crate::print::goods_pass::{GoodsPassPrint, goods_pass_pdf};
use crate::store::{
    BoardNoticeRow, GoodsPassForm, GoodsPassRow, MAIL_KINDS, MailRow, PASS_CONFIRM_MEANS,
    StoreError,
};

/// 物品放行: the pass form and the day's passes.
#[derive(Default)]
pub struct PassesView {
    unit_code: String,
    bearer: String,
    items: String,
    confirmed_by: String,
    means: &'static str,
    valid_on: Option<DateField>,
    print: bool,
    error: FieldError,
    rows: Option<Vec<GoodsPassRow>>,
}

impl PassesView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if self.means.is_empty() {
            self.means = PASS_CONFIRM_MEANS[0];
            self.print = true;
        }
        if self.rows.is_none() {
            match ctx.store.goods_passes_of_day(ctx.today) {
                Ok(r) => self.rows = Some(r),
                Err(e) => {
                    ctx.fail(&e);
                    self.rows = Some(Vec::new());
                }
            }
        }
        section(ui, "开具物品放行条");
        let valid = self
            .valid_on
            .get_or_insert_with(|| DateField::new(Some(ctx.today)));
        egui::Grid::new("pass_form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                field_row(
                    ui,
                    "房号 *",
                    &mut self.unit_code,
                    error_for(&self.error, "房号"),
                );
                field_row(
                    ui,
                    "携物人 *",
                    &mut self.bearer,
                    error_for(&self.error, "携物人"),
                );
                field_row(
                    ui,
                    "放行物品 *",
                    &mut self.items,
                    error_for(&self.error, "放行物品"),
                );
                field_row(
                    ui,
                    "确认业主 *",
                    &mut self.confirmed_by,
                    error_for(&self.error, "确认业主"),
                );
                choice_row(ui, "确认方式 *", &mut self.means, &PASS_CONFIRM_MEANS);
                valid.ui(ui, "有效日期", ctx.today);
                ui.end_row();
                if let Some(e) = error_for(&self.error, "有效日期") {
                    ui.label("");
                    ui.label(egui::RichText::new(e).color(theme::ERROR));
                    ui.end_row();
                }
            });
        muted(ui, "须先与业主电话或当面确认，再开具放行条。");
        ui.checkbox(&mut self.print, "开具后打印放行条");
        if ui.button("开具放行条").clicked() {
            self.submit(ctx);
        }
        let rows = self.rows.as_deref().unwrap_or_default();
        section(ui, &format!("今日放行条 {} 张", rows.len()));
        let mut reprint = None;
        for p in rows {
            ui.horizontal(|ui| {
                ui.label(format!(
                    "{} {} {} — {}（{}确认：{}）",
                    p.number, p.unit_code, p.bearer, p.items, p.confirm_means, p.confirmed_by
                ));
                if ui.button(format!("打印 {}", p.number)).clicked() {
                    reprint = Some(p.clone());
                }
            });
        }
        if let Some(p) = reprint {
            print_pass(ctx, &p);
        }
    }

    fn submit(&mut self, ctx: &mut DeskCtx<'_>) {
        let valid_on = match self.valid_on.as_ref().map(DateField::parsed) {
            Some(Ok(Some(d))) => d,
            Some(Err(e)) => {
                self.error = Some(("有效日期", e));
                return;
            }
            _ => {
                self.error = Some(("有效日期", "请填写有效日期".into()));
                return;
            }
        };
        let form = GoodsPassForm {
            unit_code: self.unit_code.clone(),
            bearer: self.bearer.clone(),
            items: self.items.clone(),
            confirmed_by: self.confirmed_by.clone(),
            confirm_means: self.means.to_string(),
            valid_on,
        };
        let result = ctx
            .store
            .add_goods_pass(ctx.actor, &form)
            .and_then(|id| ctx.store.goods_pass(id));
        match result {
            Ok(p) => {
                ctx.toasts.info(format!("已开具放行条 {}", p.number));
                if self.print {
                    print_pass(ctx, &p);
                }
                *self = Self::default();
            }
            Err(StoreError::Invalid { field, reason }) => self.error = Some((field, reason)),
            Err(e) => ctx.fail(&e),
        }
    }
}

/// A pass, ready to print.
#[must_use]
pub fn pass_print(office_name: &str, p: &GoodsPassRow) -> GoodsPassPrint {
    GoodsPassPrint {
        office_name: office_name.to_string(),
        number: p.number.clone(),
        unit_code: p.unit_code.clone(),
        bearer: p.bearer.clone(),
        items: p.items.clone(),
        confirmed: format!("{}（{}）", p.confirmed_by, p.confirm_means),
        valid: format!("{} 当日有效", p.valid_on),
        written_at: short_time(&p.created_at).to_string(),
        operator: p.operator.clone(),
    }
}

fn print_pass(ctx: &mut DeskCtx<'_>, p: &GoodsPassRow) {
    let pdf = goods_pass_pdf(&pass_print(&ctx.office.name, p));
    let path = print_folder(ctx.store, "放行条").join(format!("{}.pdf", p.number));
    match pdf
        .map_err(|e| e.to_string())
        .and_then(|b| save_and_open(ctx, &path, &b))
    {
        Ok(()) => ctx.toasts.info(format!("放行条已生成：{}", path.display())),
        Err(e) => ctx.toasts.error(format!("无法生成放行条：{e}")),
    }
}

/// 收发信件: the arrival form and the mail waiting at the desk.
#[derive(Default)]
pub struct MailView {
    unit_code: String,
    recipient: String,
    kind: &'static str,
    sender: String,
    how: String,
    collected_by: String,
    error: FieldError,
    rows: Option<Vec<MailRow>>,
}

impl MailView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if self.kind.is_empty() {
            self.kind = MAIL_KINDS[0];
            self.how = "电话".into();
        }
        if self.rows.is_none() {
            match ctx.store.mail_for_desk(ctx.today) {
                Ok(r) => self.rows = Some(r),
                Err(e) => {
                    ctx.fail(&e);
                    self.rows = Some(Vec::new());
                }
            }
        }
        section(ui, "登记到件");
        egui::Grid::new("mail_form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                field_row(
                    ui,
                    "房号 *",
                    &mut self.unit_code,
                    error_for(&self.error, "房号"),
                );
                field_row(
                    ui,
                    "收件人 *",
                    &mut self.recipient,
                    error_for(&self.error, "收件人"),
                );
                choice_row(ui, "类型 *", &mut self.kind, &MAIL_KINDS);
                field_row(ui, "寄件方/快递", &mut self.sender, None);
            });
        if ui.button("登记到件").clicked() {
            match ctx.store.add_mail(
                ctx.actor,
                &self.unit_code,
                &self.recipient,
                self.kind,
                &self.sender,
            ) {
                Ok(_) => {
                    ctx.toasts.info("已登记到件，请通知业户");
                    *self = Self::default();
                    return;
                }
                Err(StoreError::Invalid { field, reason }) => self.error = Some((field, reason)),
                Err(e) => ctx.fail(&e),
            }
        }
        section(ui, "待领取与今日信件");
        egui::Grid::new("mail_steps")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                field_row(
                    ui,
                    "通知方式",
                    &mut self.how,
                    error_for(&self.error, "通知方式"),
                );
                field_row(
                    ui,
                    "领取人",
                    &mut self.collected_by,
                    error_for(&self.error, "领取人"),
                );
            });
        let rows = self.rows.as_deref().unwrap_or_default();
        let mut action: Option<(i64, bool)> = None;
        for m in rows {
            ui.horizontal(|ui| {
                ui.label(format!(
                    "{} {} {} {} {}",
                    short_time(&m.arrived_at),
                    m.unit_code,
                    m.recipient,
                    m.kind,
                    m.sender
                ));
                match (&m.notified, &m.collected) {
                    (_, Some((at, by))) => {
                        ui.label(
                            egui::RichText::new(format!("已领取 {} {by}", short_time(at)))
                                .color(theme::OK),
                        );
                    }
                    (Some((at, how)), None) => {
                        ui.label(
                            egui::RichText::new(format!("已通知 {} {how}", short_time(at)))
                                .color(theme::WARN),
                        );
                        if ui.button(format!("领取 #{}", m.id)).clicked() {
                            action = Some((m.id, false));
                        }
                    }
                    (None, None) => {
                        ui.label(egui::RichText::new("未通知").color(theme::ERROR));
                        if ui.button(format!("已通知 #{}", m.id)).clicked() {
                            action = Some((m.id, true));
                        }
                        if ui.button(format!("领取 #{}", m.id)).clicked() {
                            action = Some((m.id, false));
                        }
                    }
                }
            });
        }
        if let Some((id, notify)) = action {
            let result = if notify {
                ctx.store.mail_notified(ctx.actor, id, &self.how)
            } else {
                ctx.store.mail_collected(ctx.actor, id, &self.collected_by)
            };
            match result {
                Ok(()) => {
                    self.error = None;
                    self.rows = None;
                }
                Err(StoreError::Invalid { field, reason }) => self.error = Some((field, reason)),
                Err(e) => ctx.fail(&e),
            }
        }
    }
}

/// 交班: the open items now and the notes for the next person.
#[derive(Default)]
pub struct HandoverView {
    items: Option<String>,
    notes: String,
    error: FieldError,
}

impl HandoverView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if self.items.is_none() {
            match ctx.store.handover_open_items() {
                Ok(i) => self.items = Some(i),
                Err(e) => {
                    ctx.fail(&e);
                    self.items = Some(String::new());
                }
            }
        }
        section(ui, "客服部工作交接表");
        let items = self.items.as_deref().unwrap_or_default();
        if items.is_empty() {
            muted(ui, "没有未完成的事项。");
        } else {
            muted(ui, "未完成的事项（随交接一并保存）：");
            egui::ScrollArea::vertical()
                .id_salt("handover_items")
                .max_height(300.0)
                .show(ui, |ui| {
                    for line in items.lines() {
                        ui.label(line);
                    }
                });
        }
        egui::Grid::new("handover_form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                field_row(
                    ui,
                    "交接说明 *",
                    &mut self.notes,
                    error_for(&self.error, "交接说明"),
                );
            });
        muted(
            ui,
            "下一位登录的同事会在今日待办看到这份交接，直到确认已阅。",
        );
        if ui.button("交班").clicked() {
            match ctx.store.add_handover(ctx.actor, &self.notes) {
                Ok(_) => {
                    ctx.toasts.info("已交班");
                    *self = Self::default();
                }
                Err(StoreError::Invalid { field, reason }) => self.error = Some((field, reason)),
                Err(e) => ctx.fail(&e),
            }
        }
    }
}

/// 通知公告: a notice written, printed for the board, and the recent ones to print again.
#[derive(Default)]
pub struct NoticesView {
    title: String,
    audience: String,
    body: String,
    date: Option<DateField>,
    error: FieldError,
    rows: Option<Vec<BoardNoticeRow>>,
}

impl NoticesView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if self.rows.is_none() {
            if self.audience.is_empty() {
                self.audience = "尊敬的各位业户".into();
            }
            match ctx.store.board_notices(30) {
                Ok(r) => self.rows = Some(r),
                Err(e) => {
                    ctx.fail(&e);
                    self.rows = Some(Vec::new());
                }
            }
        }
        section(ui, "发布通知/公告");
        let date = self
            .date
            .get_or_insert_with(|| DateField::new(Some(ctx.today)));
        egui::Grid::new("notice_form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                field_row(
                    ui,
                    "标题 *",
                    &mut self.title,
                    error_for(&self.error, "标题"),
                );
                field_row(
                    ui,
                    "对象 *",
                    &mut self.audience,
                    error_for(&self.error, "对象"),
                );
                date.ui(ui, "通知日期", ctx.today);
                ui.end_row();
                let label = ui.label("正文 *");
                ui.vertical(|ui| {
                    ui.add(
                        egui::TextEdit::multiline(&mut self.body)
                            .desired_rows(8)
                            .desired_width(520.0),
                    )
                    .labelled_by(label.id);
                    if let Some(e) = error_for(&self.error, "正文") {
                        ui.label(egui::RichText::new(e).color(theme::ERROR));
                    }
                });
                ui.end_row();
            });
        if ui.button("发布并打印通知").clicked() {
            self.submit(ctx);
        }
        section(ui, "近期通知");
        let rows = self.rows.as_deref().unwrap_or_default();
        let mut again = None;
        for n in rows {
            ui.horizontal(|ui| {
                ui.label(format!("{} {}（{}）", n.notice_date, n.title, n.audience));
                if ui.button(format!("打印通知 #{}", n.id)).clicked() {
                    again = Some(n.clone());
                }
            });
        }
        if let Some(n) = again {
            print_notice(ctx, &n);
        }
    }

    fn submit(&mut self, ctx: &mut DeskCtx<'_>) {
        let date = match self.date.as_ref().map(DateField::parsed) {
            Some(Ok(Some(d))) => d,
            _ => {
                self.error = Some(("标题", "请填写正确的通知日期".into()));
                return;
            }
        };
        let result =
            ctx.store
                .add_board_notice(ctx.actor, &self.title, &self.body, date, &self.audience);
        match result {
            Ok(id) => {
                let row = BoardNoticeRow {
                    id,
                    title: self.title.trim().to_string(),
                    body: self.body.trim().to_string(),
                    notice_date: date.format("%Y-%m-%d").to_string(),
                    audience: self.audience.trim().to_string(),
                };
                print_notice(ctx, &row);
                *self = Self::default();
            }
            Err(StoreError::Invalid { field, reason }) => self.error = Some((field, reason)),
            Err(e) => ctx.fail(&e),
        }
    }
}

/// A notice, ready to print.
#[must_use]
pub fn notice_print(office_name: &str, n: &BoardNoticeRow) -> BoardNoticePrint {
    let date = chrono::NaiveDate::parse_from_str(&n.notice_date, "%Y-%m-%d").map_or_else(
        |_| n.notice_date.clone(),
        |d| d.format("%Y年%-m月%-d日").to_string(),
    );
    BoardNoticePrint {
        office_name: office_name.to_string(),
        title: n.title.clone(),
        audience: n.audience.clone(),
        body: n.body.clone(),
        date,
    }
}

fn print_notice(ctx: &mut DeskCtx<'_>, n: &BoardNoticeRow) {
    let pdf = board_notice_pdf(&notice_print(&ctx.office.name, n));
    let path = print_folder(ctx.store, "通知公告").join(format!("通知-{:05}.pdf", n.id));
    match pdf
        .map_err(|e| e.to_string())
        .and_then(|b| save_and_open(ctx, &path, &b))
    {
        Ok(()) => ctx.toasts.info(format!("通知已生成：{}", path.display())),
        Err(e) => ctx.toasts.error(format!("无法生成通知：{e}")),
    }
}

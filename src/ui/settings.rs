//! 设置: the office's details, operator accounts, one's own password, and the audit log.
//! Front-desk operators see it read-only; the store refuses their changes anyway.

use super::app::DeskCtx;
use super::theme;
use super::widgets::{choice_row, field_row, muted, password_row, section};
use crate::domain::fees::late_fee_example;
use crate::domain::idcard::mask_ids_in_text;
use crate::domain::kinds::Role;
use crate::domain::kinds::{FeeKind, MeterKind, UnitKind};
use crate::domain::money::price_text;
use crate::store::{
    AuditEntry, FeeItem, FeeItemForm, NewOperator, Office, OperatorRow, StoreError,
};
use crate::store::{BackupInfo, backups_dir, list_backups};

/// The pages of the settings tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum SettingsPage {
    /// Office details, operators, one's password.
    #[default]
    Office,
    /// Fee items.
    FeeItems,
    /// The audit log.
    Audit,
    /// Backups and restore.
    Backup,
    /// The month-end export.
    MonthEnd,
}

/// The settings tab's state.
#[derive(Debug, Default)]
pub struct SettingsTab {
    page: SettingsPage,
    loaded: bool,
    office: Office,
    operators: Vec<OperatorRow>,
    audit: Vec<AuditEntry>,
    new_op: NewOperator,
    new_role: Option<Role>,
    new_op_error: Option<(&'static str, String)>,
    fee_items: Vec<FeeItem>,
    fee_form: FeeItemForm,
    editing_fee: Option<i64>,
    fee_error: Option<(&'static str, String)>,
    month_end: super::month_end::MonthEndView,
    backups: Option<Vec<BackupInfo>>,
    restoring: Option<BackupInfo>,
    restore_error: Option<String>,
    own_password: String,
    own_password_again: String,
    password_error: Option<String>,
}

impl SettingsTab {
    fn load(&mut self, ctx: &mut DeskCtx<'_>) {
        self.office = ctx.office.clone();
        match (
            ctx.store.operators(),
            ctx.store.audit_entries(None, 200),
            ctx.store.fee_items(),
        ) {
            (Ok(ops), Ok(audit), Ok(items)) => {
                self.operators = ops;
                self.audit = audit;
                self.fee_items = items;
            }
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => ctx.fail(&e),
        }
        self.loaded = true;
    }

    /// Draws the tab.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if !self.loaded {
            self.load(ctx);
        }
        let supervisor = ctx.actor.role == Role::Supervisor;
        ui.horizontal(|ui| {
            for (page, label) in [
                (SettingsPage::Office, "物业与操作员"),
                (SettingsPage::FeeItems, "收费项目"),
                (SettingsPage::Audit, "操作日志"),
                (SettingsPage::Backup, "备份与恢复"),
                (SettingsPage::MonthEnd, "月末归档"),
            ] {
                ui.selectable_value(&mut self.page, page, label);
            }
        });
        ui.separator();
        egui::ScrollArea::vertical().show(ui, |ui| match self.page {
            SettingsPage::Office => self.office_ui(ui, ctx, supervisor),
            SettingsPage::FeeItems => self.fee_items_ui(ui, ctx, supervisor),
            SettingsPage::Audit => self.audit_ui(ui),
            SettingsPage::Backup => self.backup_ui(ui, ctx, supervisor),
            SettingsPage::MonthEnd => self.month_end.ui(ui, ctx, supervisor),
        });
    }

    fn office_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, supervisor: bool) {
        {
            section(ui, "物业信息");
            ui.add_enabled_ui(supervisor, |ui| {
                egui::Grid::new("office_grid")
                    .num_columns(2)
                    .show(ui, |ui| {
                        field_row(ui, "物业名称", &mut self.office.name, None);
                        field_row(ui, "地址", &mut self.office.address, None);
                        field_row(ui, "联系电话", &mut self.office.phone, None);
                    });
                if ui.button("保存物业信息").clicked() {
                    match ctx.store.update_office(ctx.actor, &self.office) {
                        Ok(()) => {
                            *ctx.office = self.office.clone();
                            ctx.toasts.info("物业信息已保存");
                            self.loaded = false;
                        }
                        Err(e) => ctx.fail(&e),
                    }
                }
            });
            if !supervisor {
                muted(ui, "只有主管可以修改设置。");
            }

            section(ui, "操作员");
            egui::Grid::new("operators")
                .striped(true)
                .num_columns(4)
                .show(ui, |ui| {
                    for h in ["登录名", "姓名", "角色", "状态"] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for op in &self.operators {
                        ui.label(&op.login);
                        ui.label(&op.name);
                        ui.label(op.role.as_str());
                        ui.label(if op.active { "可用" } else { "已停用" });
                        ui.end_row();
                    }
                });
            if supervisor {
                ui.add_space(6.0);
                ui.label("新增操作员");
                let err = |f: &str| {
                    self.new_op_error
                        .as_ref()
                        .filter(|(x, _)| *x == f)
                        .map(|(_, r)| r.clone())
                };
                let (e_login, e_name, e_pw) = (err("登录名"), err("姓名"), err("密码"));
                let mut role = self.new_role.unwrap_or(Role::FrontDesk);
                egui::Grid::new("new_operator")
                    .num_columns(2)
                    .show(ui, |ui| {
                        field_row(
                            ui,
                            "新操作员登录名",
                            &mut self.new_op.login,
                            e_login.as_deref(),
                        );
                        field_row(ui, "新操作员姓名", &mut self.new_op.name, e_name.as_deref());
                        choice_row(ui, "角色", &mut role, Role::ALL);
                        password_row(ui, "初始密码", &mut self.new_op.password, e_pw.as_deref());
                    });
                self.new_role = Some(role);
                if ui.button("新增操作员").clicked() {
                    self.new_op.role = Some(role);
                    match ctx.store.create_operator(ctx.actor, &self.new_op) {
                        Ok(_) => {
                            ctx.toasts
                                .info(format!("已新增操作员 {}", self.new_op.login.trim()));
                            self.new_op = NewOperator::default();
                            self.new_op_error = None;
                            self.loaded = false;
                        }
                        Err(StoreError::Invalid { field, reason }) => {
                            self.new_op_error = Some((field, reason))
                        }
                        Err(e) => ctx.fail(&e),
                    }
                }
            }

            section(ui, "修改我的密码");
            egui::Grid::new("own_password")
                .num_columns(2)
                .show(ui, |ui| {
                    password_row(ui, "新密码", &mut self.own_password, None);
                    password_row(
                        ui,
                        "再输一次新密码",
                        &mut self.own_password_again,
                        self.password_error.as_deref(),
                    );
                });
            if ui.button("修改密码").clicked() {
                if self.own_password == self.own_password_again {
                    match ctx
                        .store
                        .change_password(ctx.actor, ctx.actor.id, &self.own_password)
                    {
                        Ok(()) => {
                            ctx.toasts.info("密码已修改");
                            self.password_error = None;
                            self.own_password.clear();
                            self.own_password_again.clear();
                        }
                        Err(e) => self.password_error = Some(e.to_string()),
                    }
                } else {
                    self.password_error = Some("两次输入的密码不一样".into());
                }
            }
        }
    }

    fn audit_ui(&mut self, ui: &mut egui::Ui) {
        {
            section(ui, "操作日志（最近200条）");
            egui::Grid::new("audit")
                .striped(true)
                .num_columns(5)
                .show(ui, |ui| {
                    for h in ["时间", "操作员", "类别", "操作", "内容"] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for entry in &self.audit {
                        ui.label(&entry.at);
                        ui.label(&entry.operator);
                        ui.label(&entry.area);
                        ui.label(&entry.action);
                        let text = entry
                            .after
                            .as_deref()
                            .or(entry.before.as_deref())
                            .unwrap_or("");
                        let short: String = mask_ids_in_text(text).chars().take(60).collect();
                        ui.label(egui::RichText::new(short).color(theme::MUTED).small());
                        ui.end_row();
                    }
                });
        }
    }

    fn fee_items_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, supervisor: bool) {
        section(ui, "收费项目");
        let mut edit = None;
        egui::Grid::new("fee_items")
            .striped(true)
            .num_columns(7)
            .show(ui, |ui| {
                for h in ["项目", "方式", "单价", "适用", "空置优惠", "滞纳金", ""] {
                    ui.strong(h);
                }
                ui.end_row();
                for item in &self.fee_items {
                    ui.label(&item.name);
                    ui.label(match item.meter_kind {
                        Some(m) => format!("{}（{}）", item.kind, m.meter_name()),
                        None => item.kind.as_str().to_string(),
                    });
                    ui.label(format!(
                        "{} {}",
                        price_text(item.price_4dp),
                        item.price_unit()
                    ));
                    ui.label(
                        item.unit_kinds
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join("、"),
                    );
                    ui.label(if item.vacant_discount_bp > 0 {
                        format!("{}%", item.vacant_discount_bp / 100)
                    } else {
                        "无".into()
                    });
                    ui.label(if item.late_rate_per_10000 > 0 {
                        format!("每天万分之{}", item.late_rate_per_10000)
                    } else {
                        "不收".into()
                    });
                    if supervisor && ui.small_button(format!("修改 {}", item.name)).clicked() {
                        edit = Some(item.clone());
                    }
                    ui.end_row();
                }
            });
        if let Some(item) = edit {
            self.fee_form = item.form();
            self.editing_fee = Some(item.id);
            self.fee_error = None;
        }
        if !supervisor {
            return;
        }
        ui.add_space(6.0);
        ui.label(if self.editing_fee.is_some() {
            "修改收费项目（新单价只用于还没缴的应收）"
        } else {
            "新增收费项目"
        });
        let err = |f: &str| {
            self.fee_error
                .as_ref()
                .filter(|(x, _)| *x == f)
                .map(|(_, r)| r.clone())
        };
        let (e_name, e_price, e_vacant, e_late, e_cap, e_due) = (
            err("项目名称"),
            err("单价"),
            err("空置优惠"),
            err("滞纳金"),
            err("滞纳金上限"),
            err("缴费期限"),
        );
        let form = &mut self.fee_form;
        egui::Grid::new("fee_form").num_columns(2).show(ui, |ui| {
            field_row(ui, "项目名称", &mut form.name, e_name.as_deref());
            choice_row(ui, "计费方式", &mut form.kind, FeeKind::ALL);
            if matches!(form.kind, FeeKind::Metered | FeeKind::Shared) {
                choice_row(ui, "按哪种表", &mut form.meter_kind, MeterKind::ALL);
                ui.label("");
                muted(
                    ui,
                    if form.kind == FeeKind::Metered {
                        "按每户这种表本期的用量 × 单价计费（抄表完成后核算）"
                    } else {
                        "这种公共表本期用量 × 单价，按各表的公摊方式分到户（抄表完成后核算）"
                    },
                );
                ui.end_row();
            }
            field_row(ui, "单价（元）", &mut form.price, e_price.as_deref());
            ui.label("适用房屋");
            ui.horizontal(|ui| {
                for k in UnitKind::ALL {
                    let mut on = form.unit_kinds.contains(k);
                    if ui.checkbox(&mut on, k.as_str()).changed() {
                        if on {
                            form.unit_kinds.push(*k);
                        } else {
                            form.unit_kinds.retain(|x| x != k);
                        }
                    }
                }
            });
            ui.end_row();
            field_row(
                ui,
                "空置优惠（%）",
                &mut form.vacant_discount_percent,
                e_vacant.as_deref(),
            );
            field_row(
                ui,
                "滞纳金（每天万分之）",
                &mut form.late_rate_per_10000,
                e_late.as_deref(),
            );
            field_row(
                ui,
                "滞纳金上限（欠费的%）",
                &mut form.late_cap_percent,
                e_cap.as_deref(),
            );
            let rate = form.late_rate_per_10000.trim().parse::<i64>().unwrap_or(0);
            let cap = form
                .late_cap_percent
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|c| *c > 0);
            ui.label("");
            muted(ui, late_fee_example(rate, cap));
            ui.end_row();
            field_row(
                ui,
                "缴费期限（期初后天数）",
                &mut form.due_days,
                e_due.as_deref(),
            );
            ui.label("状态");
            ui.checkbox(&mut form.active, "启用此项目");
            ui.end_row();
        });
        ui.horizontal(|ui| {
            let label = if self.editing_fee.is_some() {
                "保存收费项目"
            } else {
                "新增收费项目"
            };
            if ui.button(label).clicked() {
                let result = match self.editing_fee {
                    Some(id) => ctx
                        .store
                        .update_fee_item(ctx.actor, id, &self.fee_form)
                        .map(|n| {
                            if n > 0 {
                                format!("已保存；{n} 条未缴应收按新单价重算")
                            } else {
                                "已保存".to_string()
                            }
                        }),
                    None => ctx
                        .store
                        .add_fee_item(ctx.actor, &self.fee_form)
                        .map(|_| format!("已新增收费项目 {}", self.fee_form.name.trim())),
                };
                match result {
                    Ok(msg) => {
                        ctx.toasts.info(msg);
                        self.fee_form = FeeItemForm::default();
                        self.editing_fee = None;
                        self.fee_error = None;
                        self.loaded = false;
                    }
                    Err(StoreError::Invalid { field, reason }) => {
                        self.fee_error = Some((field, reason))
                    }
                    Err(e) => ctx.fail(&e),
                }
            }
            if self.editing_fee.is_some() && ui.button("取消修改").clicked() {
                self.fee_form = FeeItemForm::default();
                self.editing_fee = None;
            }
        });
    }

    fn backup_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, supervisor: bool) {
        let Some(db) = ctx.store.path().map(std::path::Path::to_path_buf) else {
            muted(ui, "内存数据库没有备份。");
            return;
        };
        section(ui, "备份与恢复");
        ui.label(format!(
            "每天第一次打开和关闭程序时自动备份到 {}，保留最近30天和12个月。",
            backups_dir(&db).display()
        ));
        ui.horizontal(|ui| {
            if ui.button("立即备份").clicked() {
                match ctx.store.manual_backup() {
                    Ok(path) => ctx.toasts.info(format!("已备份到 {}", path.display())),
                    Err(e) => ctx.fail(&e),
                }
                self.backups = None;
            }
            if ui.button("刷新列表").clicked() {
                self.backups = None;
            }
        });
        let backups = self.backups.get_or_insert_with(|| list_backups(&db));
        if backups.is_empty() {
            muted(ui, "还没有备份。");
        }
        let mut restore = None;
        egui::Grid::new("backups")
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                for h in ["时间", "类别", "大小", "文件"] {
                    ui.strong(h);
                }
                ui.end_row();
                for b in backups.iter() {
                    ui.label(&b.modified);
                    ui.label(b.kind.label());
                    ui.label(format!(
                        "{:.1} MB",
                        f64::from(u32::try_from(b.size_bytes / 1024).unwrap_or(u32::MAX)) / 1024.0
                    ));
                    let name = b
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    ui.horizontal(|ui| {
                        ui.label(&name);
                        if supervisor && ui.small_button(format!("恢复 {name}")).clicked() {
                            restore = Some(b.clone());
                        }
                    });
                    ui.end_row();
                }
            });
        if !supervisor {
            muted(ui, "只有主管可以恢复备份。");
        }
        if let Some(b) = restore {
            self.restoring = Some(b);
            self.restore_error = None;
        }
        self.restore_dialog(ui, ctx);
    }

    fn restore_dialog(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let Some(backup) = self.restoring.clone() else {
            return;
        };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("restore_dialog")).show(ui.ctx(), |ui| {
            ui.heading("恢复备份");
            ui.label(format!("用 {} 的备份替换现在的数据。", backup.modified));
            ui.label("恢复前会先检查备份是否完整、收据链是否完好；现在的数据会先另存到 备份/手动/，不会丢。");
            ui.label("恢复后需要重新登录。");
            if let Some(e) = &self.restore_error {
                ui.label(egui::RichText::new(e).color(theme::ERROR));
            }
            ui.horizontal(|ui| {
                if ui.button("确认恢复").clicked() {
                    match ctx.store.restore_from(ctx.actor, &backup.path) {
                        Ok(aside) => {
                            ctx.toasts.info(format!("恢复前的数据已另存为 {}", aside.display()));
                            ctx.reopen = true;
                            close = true;
                        }
                        Err(e) => self.restore_error = Some(e.to_string()),
                    }
                }
                if ui.button("取消").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.restoring = None;
            self.backups = None;
        }
    }
}

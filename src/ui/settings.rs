//! 设置: the office's details, operator accounts, one's own password, and the audit log.
//! Front-desk operators see it read-only; the store refuses their changes anyway.

use super::app::DeskCtx;
use super::theme;
use super::widgets::{choice_row, field_row, muted, password_row, section};
use crate::domain::idcard::mask_ids_in_text;
use crate::domain::kinds::Role;
use crate::store::{AuditEntry, NewOperator, Office, OperatorRow, StoreError};

/// The settings tab's state.
#[derive(Debug, Default)]
pub struct SettingsTab {
    loaded: bool,
    office: Office,
    operators: Vec<OperatorRow>,
    audit: Vec<AuditEntry>,
    new_op: NewOperator,
    new_role: Option<Role>,
    new_op_error: Option<(&'static str, String)>,
    own_password: String,
    own_password_again: String,
    password_error: Option<String>,
}

impl SettingsTab {
    fn load(&mut self, ctx: &mut DeskCtx<'_>) {
        self.office = ctx.office.clone();
        match (ctx.store.operators(), ctx.store.audit_entries(None, 200)) {
            (Ok(ops), Ok(audit)) => {
                self.operators = ops;
                self.audit = audit;
            }
            (Err(e), _) | (_, Err(e)) => ctx.fail(&e),
        }
        self.loaded = true;
    }

    /// Draws the tab.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if !self.loaded {
            self.load(ctx);
        }
        let supervisor = ctx.actor.role == Role::Supervisor;
        egui::ScrollArea::vertical().show(ui, |ui| {
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
        });
    }
}

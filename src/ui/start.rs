//! The first-start screen (office details and the first supervisor, or the demo office)
//! and the login screen.

use super::theme;
use super::toast::Toasts;
use super::widgets::{centered, field_row, password_row};
use crate::demo::DEMO_LOGINS;
use crate::store::{Actor, NewOperator, Office, Store, StoreError};

/// What a start screen asks the app to do next.
#[derive(Debug)]
pub enum StartOutcome {
    /// Someone logged in (or the first supervisor was created).
    LoggedIn(Actor),
    /// Open (or create) the demo office instead.
    OpenDemo,
    /// The demo office is made (on a worker thread), or why not.
    DemoMade(Box<Result<Store, String>>),
    /// Open another database file.
    OpenFile(std::path::PathBuf),
    /// Back to the login screen.
    Logout,
    /// Open the database file again (after a restore) and log in again.
    Reopen,
}

/// The first-start form.
#[derive(Debug, Default)]
pub struct SetupForm {
    office: Office,
    login: String,
    name: String,
    password: String,
    password_again: String,
    error: Option<(&'static str, String)>,
}

impl SetupForm {
    /// Draws the form; creates the office and the first supervisor on 创建.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        store: &mut Store,
        toasts: &mut Toasts,
    ) -> Option<StartOutcome> {
        let mut outcome = None;
        egui::CentralPanel::default_margins().show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(40.0);
                ui.heading("欢迎使用物业前台");
                ui.label("第一次使用：请填写物业服务中心的信息，并设置主管账号。");
                ui.add_space(12.0);
            });
            let err = |field: &str| -> Option<String> {
                self.error
                    .as_ref()
                    .filter(|(f, _)| *f == field)
                    .map(|(_, r)| r.clone())
            };
            let errors: Vec<Option<String>> =
                ["物业名称", "联系电话", "登录名", "姓名", "密码", "确认密码"]
                    .iter()
                    .map(|f| err(f))
                    .collect();
            centered(ui, 560.0, |ui| {
                egui::Grid::new("setup_grid")
                    .num_columns(2)
                    .spacing([12.0, 8.0])
                    .show(ui, |ui| {
                        field_row(ui, "物业名称", &mut self.office.name, errors[0].as_deref());
                        field_row(ui, "地址", &mut self.office.address, None);
                        field_row(ui, "联系电话", &mut self.office.phone, errors[1].as_deref());
                        field_row(ui, "登录名", &mut self.login, errors[2].as_deref());
                        field_row(ui, "姓名", &mut self.name, errors[3].as_deref());
                        password_row(ui, "密码", &mut self.password, errors[4].as_deref());
                        password_row(
                            ui,
                            "确认密码",
                            &mut self.password_again,
                            errors[5].as_deref(),
                        );
                    });
                ui.add_space(12.0);
                if ui.button("创建并进入").clicked() {
                    outcome = self.submit(store, toasts);
                }
                ui.add_space(24.0);
                ui.label(
                    egui::RichText::new("想先看看？打开一个演示物业，里面有楼栋、房屋和业主。")
                        .color(theme::MUTED),
                );
                if ui.button("打开演示物业").clicked() {
                    outcome = Some(StartOutcome::OpenDemo);
                }
            });
        });
        outcome
    }

    fn submit(&mut self, store: &mut Store, toasts: &mut Toasts) -> Option<StartOutcome> {
        if self.password != self.password_again {
            self.error = Some(("确认密码", "两次输入的密码不一样".into()));
            return None;
        }
        let op = NewOperator {
            login: self.login.clone(),
            name: self.name.clone(),
            role: None,
            password: self.password.clone(),
        };
        match store.setup_office(&self.office, &op) {
            Ok(actor) => Some(StartOutcome::LoggedIn(actor)),
            Err(StoreError::Invalid { field, reason }) => {
                self.error = Some((field, reason));
                None
            }
            Err(e) => {
                toasts.error(e.to_string());
                None
            }
        }
    }
}

/// The login form.
#[derive(Debug, Default)]
pub struct LoginForm {
    login: String,
    password: String,
    error: Option<String>,
}

impl LoginForm {
    /// Draws the form; checks the password on 登录 or Enter.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        store: &mut Store,
        office: &Office,
    ) -> Option<StartOutcome> {
        let mut outcome = None;
        egui::CentralPanel::default_margins().show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(80.0);
                ui.heading(&office.name);
                ui.label("物业前台 · 请登录");
                ui.add_space(16.0);
                let mut enter = false;
                centered(ui, 300.0, |ui| {
                    egui::Grid::new("login_grid")
                        .num_columns(2)
                        .spacing([12.0, 8.0])
                        .show(ui, |ui| {
                            field_row(ui, "登录名", &mut self.login, None);
                            let r = password_row(ui, "密码", &mut self.password, None);
                            enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                        });
                });
                ui.add_space(8.0);
                if ui.button("登录").clicked() || enter {
                    match store.login(&self.login, &self.password) {
                        Ok(actor) => outcome = Some(StartOutcome::LoggedIn(actor)),
                        Err(e) => self.error = Some(e.to_string()),
                    }
                    self.password.clear();
                }
                if let Some(error) = &self.error {
                    ui.label(egui::RichText::new(error).color(theme::ERROR));
                }
                if office.is_demo {
                    ui.add_space(24.0);
                    ui.label(
                        egui::RichText::new("这是演示物业，可用以下账号登录：").color(theme::MUTED),
                    );
                    for (role, login, password) in DEMO_LOGINS {
                        ui.label(format!("{role}：登录名 {login}，密码 {password}"));
                    }
                }
            });
        });
        outcome
    }
}

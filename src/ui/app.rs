//! The application: which screen is up (first start, login, the desk), the tab bar, the
//! search box, the status line and the toasts.

use super::archive::ArchiveTab;
use super::complaints::ComplaintsTab;
use super::fees::FeesTab;
use super::keys::KeysTab;
use super::meters::MetersTab;
use super::reception::{ReceptionJump, ReceptionTab};
use super::repairs::RepairsTab;
use super::search_box::SearchBox;
use super::settings::SettingsTab;
use super::start::{LoginForm, SetupForm, StartOutcome};
use super::toast::Toasts;
use super::todo::{TodoJump, TodoTab};
use super::{fonts, theme};
use crate::clock::SharedClock;
use crate::store::{Actor, Office, Store, StoreError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The tabs of the desk, in the desk's order. Tabs of parts not built yet are absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Tab {
    /// 今日待办: shown first after login.
    Todo,
    /// 前台接待.
    Reception,
    /// 投诉.
    Complaints,
    /// 维修单.
    Repairs,
    /// 收费.
    Fees,
    /// 抄表.
    Meters,
    /// 钥匙.
    Keys,
    /// 业户档案.
    #[default]
    Archive,
    /// 设置.
    Settings,
}

impl Tab {
    /// Every tab, in order.
    pub const ALL: &'static [Self] = &[
        Self::Todo,
        Self::Reception,
        Self::Complaints,
        Self::Repairs,
        Self::Fees,
        Self::Meters,
        Self::Keys,
        Self::Archive,
        Self::Settings,
    ];

    /// The tab's label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Todo => "今日待办",
            Self::Reception => "前台接待",
            Self::Complaints => "投诉",
            Self::Repairs => "维修单",
            Self::Fees => "收费",
            Self::Meters => "抄表",
            Self::Keys => "钥匙",
            Self::Archive => "业户档案",
            Self::Settings => "设置",
        }
    }
}

/// Everything a tab needs to do its work for the person logged in.
pub struct DeskCtx<'a> {
    /// The database.
    pub store: &'a mut Store,
    /// The person logged in.
    pub actor: &'a Actor,
    /// The office.
    pub office: &'a mut Office,
    /// Where results and errors are shown.
    pub toasts: &'a mut Toasts,
    /// Today at the office.
    pub today: NaiveDate,
    /// Set when the archive changed (the search index is rebuilt).
    pub archive_changed: bool,
    /// Set when the file was busy (the status line says so).
    pub busy: bool,
    /// Whether printed PDFs are opened in the system's viewer (off in tests).
    pub open_files: bool,
    /// Set after a restore: the database is opened again and the person logs in again.
    pub reopen: bool,
}

impl DeskCtx<'_> {
    /// Shows a failed action's reason as a toast; remembers a busy file.
    pub fn fail(&mut self, error: &StoreError) {
        if error.is_busy() {
            self.busy = true;
        }
        self.toasts.error(error.to_string());
    }
}

/// The logged-in desk.
struct Desk {
    store: Store,
    office: Office,
    actor: Actor,
    search: SearchBox,
    archive: ArchiveTab,
    fees: FeesTab,
    meters: MetersTab,
    keys: KeysTab,
    repairs: RepairsTab,
    complaints: ComplaintsTab,
    reception: ReceptionTab,
    todo: TodoTab,
    settings: SettingsTab,
    /// Until when (context time) the status line says the file is busy.
    busy_until: f64,
}

enum Screen {
    /// The database could not be opened: the reason, and a way out.
    Failed { message: String },
    /// First start: the office's details and the first supervisor.
    Setup { store: Store, form: SetupForm },
    /// Login.
    Login {
        store: Store,
        office: Office,
        form: LoginForm,
    },
    /// Working.
    Desk(Box<Desk>),
    /// The demo office being made on a worker thread (a few seconds on an old PC): the
    /// window keeps drawing and says so.
    MakingDemo {
        done: std::sync::mpsc::Receiver<Result<Store, String>>,
    },
}

/// The whole program's window.
pub struct DeskApp {
    clock: SharedClock,
    demo_path: PathBuf,
    screen: Screen,
    toasts: Toasts,
    tab: Tab,
    open_files: bool,
}

const LAST_TAB_KEY: &str = "wuye-desk.last_tab";

impl DeskApp {
    /// Opens the database at `db_path` (creating it on first start). `demo_path` is where
    /// the first-start screen's demo button puts the demo office.
    #[must_use]
    pub fn new(db_path: &Path, demo_path: PathBuf, clock: SharedClock) -> Self {
        let mut toasts = Toasts::default();
        let screen = match Store::open(db_path, clock.clone()) {
            Ok(store) => {
                // The first start of each day keeps a copy of the database.
                if store.office().ok().flatten().is_some()
                    && !store.has_backup_today()
                    && let Err(e) = store.auto_backup()
                {
                    toasts.error(format!("今天的自动备份没有做成：{e}"));
                }
                screen_for(store)
            }
            Err(e) => Screen::Failed {
                message: e.to_string(),
            },
        };
        Self {
            clock,
            demo_path,
            screen,
            toasts,
            tab: Tab::default(),
            open_files: true,
        }
    }

    /// Writes printed PDFs without opening the system's viewer (for tests, where there is
    /// no desktop to show them on).
    #[must_use]
    pub fn without_viewer(mut self) -> Self {
        self.open_files = false;
        self
    }

    /// For eframe: installs the font and theme and restores the last tab.
    #[must_use]
    pub fn with_creation_context(mut self, cc: &eframe::CreationContext<'_>) -> Self {
        setup_context(&cc.egui_ctx);
        if let Some(tab) = cc
            .storage
            .and_then(|s| eframe::get_value::<Tab>(s, LAST_TAB_KEY))
        {
            self.tab = tab;
        }
        self
    }

    /// The tab shown.
    #[must_use]
    pub fn tab(&self) -> Tab {
        self.tab
    }

    /// The toasts on screen (for tests).
    #[must_use]
    pub fn toasts(&self) -> &Toasts {
        &self.toasts
    }

    /// The store of the screen, when a database is open.
    #[must_use]
    pub fn store(&self) -> Option<&Store> {
        match &self.screen {
            Screen::Failed { .. } | Screen::MakingDemo { .. } => None,
            Screen::Setup { store, .. } | Screen::Login { store, .. } => Some(store),
            Screen::Desk(desk) => Some(&desk.store),
        }
    }

    /// The operator logged in, if any.
    #[must_use]
    pub fn actor(&self) -> Option<&Actor> {
        match &self.screen {
            Screen::Desk(desk) => Some(&desk.actor),
            _ => None,
        }
    }

    /// Draws one frame.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let today = self.clock.today();
        let next = match &mut self.screen {
            Screen::Failed { message } => failed_ui(ui, message),
            Screen::MakingDemo { done } => making_demo_ui(ui, done),
            Screen::Setup { store, form } => form.ui(ui, store, &mut self.toasts),
            Screen::Login {
                store,
                office,
                form,
            } => form.ui(ui, store, office),
            Screen::Desk(desk) => desk_ui(
                ui,
                desk,
                &mut self.tab,
                &mut self.toasts,
                today,
                self.open_files,
            ),
        };
        if let Some(outcome) = next {
            self.apply(outcome);
        }
        self.toasts.show(&ctx);
    }

    fn apply(&mut self, outcome: StartOutcome) {
        let screen = std::mem::replace(
            &mut self.screen,
            Screen::Failed {
                message: String::new(),
            },
        );
        self.screen = match (outcome, screen) {
            (
                StartOutcome::LoggedIn(actor),
                Screen::Setup { store, .. } | Screen::Login { store, .. },
            ) => match store.office() {
                Ok(Some(office)) => {
                    self.toasts
                        .info(format!("{}，欢迎使用物业前台", actor.name));
                    // The day's to-do is the first view after login.
                    self.tab = Tab::Todo;
                    Screen::Desk(Box::new(Desk::new(store, office, actor, &mut self.toasts)))
                }
                Ok(None) => screen_for(store),
                Err(e) => Screen::Failed {
                    message: e.to_string(),
                },
            },
            (StartOutcome::OpenDemo, _) => {
                let (tx, done) = std::sync::mpsc::channel();
                let path = self.demo_path.clone();
                let clock = self.clock.clone();
                std::thread::spawn(move || {
                    let made = crate::demo::open_or_create(&path, clock).map_err(|e| e.to_string());
                    if tx.send(made).is_err() {
                        // The window was closed meanwhile; the demo file is whole or absent.
                        tracing::info!("the demo office was made after the window closed");
                    }
                });
                Screen::MakingDemo { done }
            }
            (StartOutcome::DemoMade(made), _) => match *made {
                Ok(store) => {
                    self.toasts
                        .info(format!("已打开演示物业：{}", self.demo_path.display()));
                    screen_for(store)
                }
                Err(e) => Screen::Failed {
                    message: format!("无法打开演示物业：{e}"),
                },
            },
            (StartOutcome::OpenFile(path), _) => match Store::open(&path, self.clock.clone()) {
                Ok(store) => screen_for(store),
                Err(e) => Screen::Failed {
                    message: e.to_string(),
                },
            },
            (StartOutcome::Logout, Screen::Desk(desk)) => screen_for(desk.store),
            (StartOutcome::Reopen, Screen::Desk(desk)) => {
                let path = desk.store.path().map(Path::to_path_buf);
                drop(desk);
                match path.map(|p| Store::open(&p, self.clock.clone())) {
                    Some(Ok(store)) => {
                        self.toasts.info("已恢复备份，请重新登录");
                        screen_for(store)
                    }
                    Some(Err(e)) => Screen::Failed {
                        message: e.to_string(),
                    },
                    None => Screen::Failed {
                        message: "内存数据库不能重新打开".into(),
                    },
                }
            }
            (_, screen) => screen,
        };
    }
}

fn screen_for(store: Store) -> Screen {
    match store.office() {
        Ok(Some(office)) => Screen::Login {
            store,
            office,
            form: LoginForm::default(),
        },
        Ok(None) => Screen::Setup {
            store,
            form: SetupForm::default(),
        },
        Err(e) => Screen::Failed {
            message: e.to_string(),
        },
    }
}

/// Installs the shipped font and the light theme on a context.
pub fn setup_context(ctx: &egui::Context) {
    fonts::install(ctx);
    theme::apply(ctx);
}

impl eframe::App for DeskApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        DeskApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, LAST_TAB_KEY, &self.tab);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Closing the program keeps a copy of the day's work.
        if let Some(store) = self.store()
            && store.office().ok().flatten().is_some()
            && let Err(e) = store.auto_backup()
        {
            tracing::error!("backup at exit failed: {e}");
        }
    }
}

/// The demo office being made: a spinner until the worker is done.
fn making_demo_ui(
    ui: &mut egui::Ui,
    done: &std::sync::mpsc::Receiver<Result<Store, String>>,
) -> Option<StartOutcome> {
    use std::sync::mpsc::TryRecvError;
    match done.try_recv() {
        Ok(made) => return Some(StartOutcome::DemoMade(Box::new(made))),
        Err(TryRecvError::Disconnected) => {
            return Some(StartOutcome::DemoMade(Box::new(Err(
                "生成演示物业时出错，没有完成".into(),
            ))));
        }
        Err(TryRecvError::Empty) => {}
    }
    egui::CentralPanel::default_margins().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(120.0);
            ui.spinner();
            ui.add_space(8.0);
            ui.label("正在生成演示物业：300 户业主、表具读数和一年的收费记录，请稍候…");
        });
    });
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_millis(100));
    None
}

fn failed_ui(ui: &mut egui::Ui, message: &str) -> Option<StartOutcome> {
    let mut outcome = None;
    egui::CentralPanel::default_margins().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(80.0);
            ui.heading("无法打开数据库");
            ui.add_space(12.0);
            ui.label(egui::RichText::new(message).color(theme::ERROR));
            ui.add_space(16.0);
            if ui.button("选择其他数据库文件…").clicked()
                && let Some(path) = rfd::FileDialog::new()
                    .add_filter("物业前台数据库", &["sqlite", "db"])
                    .pick_file()
            {
                outcome = Some(StartOutcome::OpenFile(path));
            }
            if ui.button("退出").clicked() {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        });
    });
    outcome
}

impl Desk {
    fn new(store: Store, office: Office, actor: Actor, toasts: &mut Toasts) -> Self {
        let mut desk = Self {
            store,
            office,
            actor,
            search: SearchBox::default(),
            archive: ArchiveTab::default(),
            fees: FeesTab::default(),
            meters: MetersTab::default(),
            keys: KeysTab::default(),
            repairs: RepairsTab::default(),
            complaints: ComplaintsTab::default(),
            reception: ReceptionTab::default(),
            todo: TodoTab::default(),
            settings: SettingsTab::default(),
            busy_until: 0.0,
        };
        desk.search.rebuild(&desk.store, toasts);
        desk
    }
}

fn desk_ui(
    ui: &mut egui::Ui,
    desk: &mut Desk,
    tab: &mut Tab,
    toasts: &mut Toasts,
    today: NaiveDate,
    open_files: bool,
) -> Option<StartOutcome> {
    let mut outcome = None;
    let mut jump = None;
    egui::Panel::top("tab_bar").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(&desk.office.name)
                    .strong()
                    .color(theme::ACCENT),
            );
            ui.separator();
            for t in Tab::ALL {
                if ui.selectable_label(*tab == *t, t.label()).clicked() {
                    *tab = *t;
                    match t {
                        Tab::Todo => desk.todo.invalidate(),
                        Tab::Reception => desk.reception.invalidate(),
                        Tab::Complaints => desk.complaints.invalidate(),
                        Tab::Repairs => desk.repairs.invalidate(),
                        Tab::Meters => desk.meters.invalidate(),
                        _ => {}
                    }
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("退出登录").clicked() {
                    outcome = Some(StartOutcome::Logout);
                }
                jump = desk.search.ui(ui);
            });
        });
        ui.add_space(2.0);
    });
    egui::Panel::bottom("status_line")
        .frame(egui::Frame::side_top_panel(ui.style()).fill(theme::STATUS_BG))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(format!(
                    "操作员：{}（{}）",
                    desk.actor.name, desk.actor.role
                ));
                ui.separator();
                let path = desk
                    .store
                    .path()
                    .map_or_else(|| "内存数据库".to_string(), |p| p.display().to_string());
                ui.label(format!("数据库：{path}"));
                let overdue_keys = desk.keys.overdue_count(&desk.store, ui.input(|i| i.time));
                if overdue_keys > 0 {
                    ui.separator();
                    ui.label(
                        egui::RichText::new(format!("钥匙未还 {overdue_keys} 把"))
                            .strong()
                            .color(theme::ERROR),
                    );
                }
                if ui.input(|i| i.time) < desk.busy_until {
                    ui.separator();
                    ui.label(
                        egui::RichText::new("数据库文件正被另一个程序使用，刚才的操作没有保存")
                            .color(theme::ERROR),
                    );
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(today.format("%Y-%m-%d").to_string());
                });
            });
        });
    let mut ctx = DeskCtx {
        store: &mut desk.store,
        actor: &desk.actor,
        office: &mut desk.office,
        toasts,
        today,
        archive_changed: false,
        busy: false,
        open_files,
        reopen: false,
    };
    if let Some(unit_id) = jump {
        if *tab == Tab::Fees {
            desk.fees.select_unit(&mut ctx, unit_id);
        } else {
            *tab = Tab::Archive;
            desk.archive.select_unit(ctx.store, unit_id, ctx.toasts);
        }
    }
    let mut todo_jump = None;
    let mut reception_jump = None;
    egui::CentralPanel::default_margins().show(ui, |ui| match tab {
        Tab::Todo => todo_jump = desk.todo.ui(ui, &mut ctx),
        Tab::Reception => reception_jump = desk.reception.ui(ui, &mut ctx),
        Tab::Complaints => desk.complaints.ui(ui, &mut ctx),
        Tab::Repairs => desk.repairs.ui(ui, &mut ctx),
        Tab::Fees => desk.fees.ui(ui, &mut ctx),
        Tab::Meters => desk.meters.ui(ui, &mut ctx),
        Tab::Keys => desk.keys.ui(ui, &mut ctx),
        Tab::Archive => desk.archive.ui(ui, &mut ctx),
        Tab::Settings => desk.settings.ui(ui, &mut ctx),
    });
    if ctx.reopen {
        outcome = Some(StartOutcome::Reopen);
    }
    match todo_jump {
        Some(TodoJump::Repair(id)) => {
            *tab = Tab::Repairs;
            desk.repairs.select_order(&mut ctx, id);
        }
        Some(TodoJump::Complaint(id)) => {
            *tab = Tab::Complaints;
            desk.complaints.select_complaint(&mut ctx, id);
        }
        Some(TodoJump::Reception(day)) => {
            *tab = Tab::Reception;
            desk.reception.show_day(day);
        }
        Some(TodoJump::Keys) => *tab = Tab::Keys,
        Some(TodoJump::Fees) => *tab = Tab::Fees,
        Some(TodoJump::Recheck) => {
            *tab = Tab::Meters;
            desk.meters.show_recheck();
        }
        Some(TodoJump::Readings(month)) => {
            *tab = Tab::Meters;
            desk.meters.show_month(&month);
        }
        None => {}
    }
    match reception_jump {
        Some(ReceptionJump::Complaint(r)) => {
            *tab = Tab::Complaints;
            desk.complaints.start_from_reception(&r);
        }
        Some(ReceptionJump::Repair(r)) => {
            *tab = Tab::Repairs;
            desk.repairs.start_from_reception(&r);
        }
        None => {}
    }
    let (changed, busy) = (ctx.archive_changed, ctx.busy);
    if changed {
        desk.search.rebuild(&desk.store, toasts);
    }
    if busy {
        desk.busy_until = ui.input(|i| i.time) + 30.0;
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs(31));
    }
    outcome
}

//! 抄表: the monthly reading sheet, keyboard first — type a reading, Enter (or Tab, ↓) saves
//! it and goes to the next unit; checks show in the row as they happen (lower than last time
//! asks 翻表 or 读错, far above the usual, nothing used in an occupied unit); imports with a
//! preview, the month's export, and the pages for meters (表具) and readings to read again
//! (待复核).

use super::app::DeskCtx;
use super::date_picker::DateField;
use super::meters_admin::{MeterAdmin, RecheckView};
use super::theme;
use super::widgets::muted;
use crate::domain::fees::Period;
use crate::domain::kinds::{MeterKind, ReadingState};
use crate::domain::meters::{UsageError, flags_text, format_milli, parse_reading};
use crate::store::{ImportCheck, ReadingInput, ReadingSource, SavedReading, SheetRow, StoreError};
use chrono::{Datelike, NaiveDate};
use std::path::{Path, PathBuf};

/// Which page of the tab is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MetersView {
    /// 抄表录入: the reading sheet.
    #[default]
    Sheet,
    /// 表具: meters, replacements, common meters and their sharing.
    Meters,
    /// 待复核: readings engineering must read again.
    Recheck,
}

/// One reading cell as typed.
#[derive(Debug, Clone, Default)]
struct Cell {
    text: String,
    /// Why what was typed was not saved.
    error: Option<String>,
    /// A reading below the last one, waiting for 翻表 or 读错.
    lower: Option<i64>,
}

/// Where the keyboard goes after a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Next,
    Previous,
    Stay,
}

/// What a row asked for while the sheet was drawn; done after drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RowAction {
    /// Save what was typed, then move.
    Commit(usize, Step),
    /// The lower reading is a rollover (翻表).
    Rollover(usize),
    /// The lower reading was misread: keep it, to be read again (待复核).
    Misread(usize),
    /// Back to the cell to type it again.
    Retype(usize),
    /// Send a saved reading back to engineering.
    Recheck(usize),
    /// Correct a billed reading.
    Correct(usize),
}

/// A correction (读数更正) of a billed reading, as typed.
struct CorrectForm {
    reading_id: i64,
    label: String,
    value: String,
    rollover: bool,
    reason: String,
    error: Option<String>,
}

/// An import's preview.
struct ImportView {
    file: PathBuf,
    checks: Vec<ImportCheck>,
}

/// The meter tab's state. The sheet is loaded when its month, place or kind changes, or
/// after an action — never per frame.
#[derive(Default)]
pub struct MetersTab {
    view: MetersView,
    month_text: String,
    places: Vec<String>,
    place: String,
    kind: MeterKind,
    read_on: Option<DateField>,
    rows: Option<Vec<SheetRow>>,
    cells: Vec<Cell>,
    closed: bool,
    /// A row whose cell should take the keyboard when next drawn.
    focus: Option<usize>,
    /// The meter whose row takes the keyboard once the sheet is loaded.
    pending_meter: Option<i64>,
    /// Scroll the sheet to this row.
    scroll_to: Option<usize>,
    /// Give the 翻表 button the keyboard when next drawn.
    ask_focus: bool,
    message: Option<String>,
    correcting: Option<CorrectForm>,
    import: Option<ImportView>,
    admin: MeterAdmin,
    recheck: RecheckView,
}

/// The month the desk is most likely reading on `today`: last month in the first days of a
/// month, else this month.
fn default_month(today: NaiveDate) -> Period {
    let this = Period::month_of(today);
    if today.day() <= 10 {
        this.previous()
    } else {
        this
    }
}

/// The reading date offered for `month`: today, or the month's last day when today is
/// long after it.
fn default_read_on(month: &Period, today: NaiveDate) -> NaiveDate {
    let late = month
        .last_day()
        .checked_add_days(chrono::Days::new(20))
        .unwrap_or(month.last_day());
    if today > late || today < month.first_day() {
        month.last_day().min(today)
    } else {
        today
    }
}

fn saved_text(row: &SheetRow) -> String {
    row.reading
        .as_ref()
        .map(|r| format_milli(r.value_milli))
        .unwrap_or_default()
}

impl MetersTab {
    /// Opens the sheet of `month`, `place` and `kind` with the row of `meter_id` ready to type
    /// into (from 待复核 or 今日待办).
    pub fn open_sheet(&mut self, month: &str, place: &str, kind: MeterKind, meter_id: Option<i64>) {
        self.view = MetersView::Sheet;
        self.month_text = month.to_string();
        self.place = place.to_string();
        self.kind = kind;
        self.read_on = None;
        self.invalidate();
        self.pending_meter = meter_id;
    }

    /// Shows the sheet of `month`, ready at its first meter not read.
    pub fn show_month(&mut self, month: &Period) {
        self.view = MetersView::Sheet;
        self.month_text = month.to_string();
        self.read_on = None;
        self.focus = None;
        self.invalidate();
    }

    /// Shows the 待复核 page.
    pub fn show_recheck(&mut self) {
        self.view = MetersView::Recheck;
        self.recheck.invalidate();
    }

    /// Forgets the loaded sheet (it is loaded again when next drawn).
    pub fn invalidate(&mut self) {
        self.rows = None;
        self.correcting = None;
        self.admin.invalidate();
        self.recheck.invalidate();
    }

    fn month(&self) -> Result<Period, String> {
        Period::parse_month(&self.month_text)
    }

    fn load(&mut self, ctx: &mut DeskCtx<'_>) {
        if self.places.is_empty() {
            match ctx.store.meter_places() {
                Ok(p) => self.places = p,
                Err(e) => ctx.fail(&e),
            }
        }
        if self.place.is_empty() || !self.places.contains(&self.place) {
            self.place = self.places.first().cloned().unwrap_or_default();
        }
        let rows = match self.month() {
            Ok(month) => {
                if self.read_on.is_none() {
                    self.read_on = Some(DateField::new(Some(default_read_on(&month, ctx.today))));
                }
                self.closed = ctx
                    .store
                    .is_month_closed(&month.to_string())
                    .unwrap_or(false);
                match ctx.store.reading_sheet(&month, &self.place, self.kind) {
                    Ok(rows) => rows,
                    Err(e) => {
                        ctx.fail(&e);
                        Vec::new()
                    }
                }
            }
            Err(_) => Vec::new(),
        };
        self.cells = rows
            .iter()
            .map(|r| Cell {
                text: saved_text(r),
                ..Cell::default()
            })
            .collect();
        if let Some(meter) = self.pending_meter.take() {
            self.focus = rows.iter().position(|r| r.meter.id == meter);
        } else if self.focus.is_none() {
            // Ready to type: the first meter not read yet.
            self.focus = rows.iter().position(|r| r.reading.is_none());
        }
        self.scroll_to = self.focus;
        self.rows = Some(rows);
    }

    /// Draws the tab.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if self.month_text.is_empty() {
            self.month_text = default_month(ctx.today).to_string();
        }
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.view, MetersView::Sheet, "抄表录入");
            if ui
                .selectable_value(&mut self.view, MetersView::Meters, "表具")
                .clicked()
            {
                self.admin.invalidate();
            }
            if ui
                .selectable_value(&mut self.view, MetersView::Recheck, "待复核")
                .clicked()
            {
                self.recheck.invalidate();
            }
        });
        ui.separator();
        match self.view {
            MetersView::Sheet => self.sheet_page(ui, ctx),
            MetersView::Meters => {
                if self.admin.ui(ui, ctx) {
                    self.places.clear();
                    self.rows = None;
                }
            }
            MetersView::Recheck => {
                if let Some((month, place, kind, meter)) = self.recheck.ui(ui, ctx) {
                    self.open_sheet(&month, &place, kind, Some(meter));
                }
            }
        }
    }

    fn choose_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let mut changed = false;
        ui.horizontal(|ui| {
            let label = ui.label("月份");
            let r = ui
                .add(egui::TextEdit::singleline(&mut self.month_text).desired_width(80.0))
                .labelled_by(label.id);
            if r.lost_focus() || (r.changed() && self.month().is_ok()) {
                changed = true;
            }
            if let Ok(m) = self.month() {
                if ui.button("上月").clicked() {
                    self.month_text = m.previous().to_string();
                    changed = true;
                }
                if ui.button("下月").clicked() {
                    self.month_text = m.next().to_string();
                    changed = true;
                }
            }
            ui.separator();
            let label = ui.label("楼栋");
            egui::ComboBox::from_id_salt("meter_place")
                .selected_text(self.place.clone())
                .show_ui(ui, |ui| {
                    for p in &self.places {
                        if ui.selectable_value(&mut self.place, p.clone(), p).clicked() {
                            changed = true;
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            let label = ui.label("表类");
            egui::ComboBox::from_id_salt("meter_kind")
                .selected_text(self.kind.meter_name())
                .show_ui(ui, |ui| {
                    for k in MeterKind::ALL {
                        if ui
                            .selectable_value(&mut self.kind, *k, k.meter_name())
                            .clicked()
                        {
                            changed = true;
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            ui.separator();
            if let Some(field) = &mut self.read_on {
                field.ui(ui, "抄表日期", ctx.today);
            }
        });
        if changed {
            self.read_on = None;
            self.focus = None;
            self.invalidate();
        }
    }

    fn sheet_page(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        if self.rows.is_none() {
            self.load(ctx);
        }
        self.choose_ui(ui, ctx);
        let month = match self.month() {
            Ok(m) => m,
            Err(e) => {
                ui.label(egui::RichText::new(e).color(theme::ERROR));
                return;
            }
        };
        // A readings file dragged onto the window is previewed like one chosen with the button.
        if ui.input(|i| !i.raw.hovered_files.is_empty()) {
            ui.label(
                egui::RichText::new(format!(
                    "松开鼠标，预览导入 {month} 的{}读数",
                    self.kind.meter_name()
                ))
                .color(theme::OK),
            );
        }
        let dropped = ui.input(|i| i.raw.dropped_files.first().map(|f| f.path().to_path_buf()));
        if let Some(path) = dropped {
            if self.closed {
                ctx.toasts
                    .error(format!("{month} 已月末结账，不能再导入读数"));
            } else {
                self.preview_import(ctx, &month, &path);
            }
        }
        if self.import.is_some() {
            self.import_ui(ui, ctx, &month);
            return;
        }
        let Some(rows) = self.rows.take() else { return };
        self.progress_ui(ui, ctx, &month, &rows);
        if let Some(message) = &self.message {
            ui.label(egui::RichText::new(message).color(theme::ERROR));
        }
        if self.correcting.is_some() {
            self.correct_ui(ui, ctx);
        }
        if rows.is_empty() {
            muted(
                ui,
                format!(
                    "{} 没有在用的{}。请在「表具」里登记表具，或「为本楼缺表的房屋建表」。",
                    self.place,
                    self.kind.meter_name()
                ),
            );
            self.rows = Some(rows);
            return;
        }
        let action = self.grid_ui(ui, &rows, month.last_day() < ctx.today);
        self.rows = Some(rows);
        if let Some(action) = action {
            self.apply(ctx, &month, action);
        }
    }

    fn progress_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &mut DeskCtx<'_>,
        month: &Period,
        rows: &[SheetRow],
    ) {
        let total = rows.len();
        let read = rows.iter().filter(|r| r.is_read()).count();
        let recheck = rows
            .iter()
            .filter(|r| {
                r.reading
                    .as_ref()
                    .is_some_and(|x| x.state == ReadingState::Recheck)
            })
            .count();
        let flagged = rows.iter().filter(|r| !r.flags().is_empty()).count();
        ui.horizontal(|ui| {
            let share = if total == 0 {
                0.0
            } else {
                read as f32 / total as f32
            };
            ui.add(
                egui::ProgressBar::new(share)
                    .desired_width(180.0)
                    .text(format!("已抄 {read} / {total}")),
            );
            if recheck > 0 {
                ui.label(egui::RichText::new(format!("待复核 {recheck}")).color(theme::ERROR));
            }
            if flagged > 0 {
                ui.label(egui::RichText::new(format!("异常 {flagged}")).color(theme::WARN));
            }
            let unread = total - read - recheck;
            if month.last_day() < ctx.today && unread > 0 {
                ui.label(egui::RichText::new(format!("月末缺抄 {unread}")).color(theme::ERROR));
            }
            if self.closed {
                ui.label(egui::RichText::new("本月已结账，读数只能更正").color(theme::MUTED));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("打印待复核清单").clicked() {
                    super::meters_admin::print_recheck_list(ctx);
                }
                if ui.button("导出本月读数").clicked() {
                    self.export(ctx, month);
                }
                if !self.closed
                    && ui
                        .button("导入读数…")
                        .on_hover_text("也可以把 .xlsx / .csv 文件直接拖进窗口")
                        .clicked()
                    && let Some(path) = rfd::FileDialog::new()
                        .add_filter("抄表读数", &["xlsx", "xls", "csv"])
                        .pick_file()
                {
                    self.preview_import(ctx, month, &path);
                }
            });
        });
    }

    /// Draws the sheet; returns what a row asked for.
    fn grid_ui(
        &mut self,
        ui: &mut egui::Ui,
        rows: &[SheetRow],
        month_over: bool,
    ) -> Option<RowAction> {
        let state = SheetState {
            closed: self.closed,
            month_over,
        };
        use egui_extras::{Column, TableBuilder};
        let mut action = None;
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 12.0;
        let mut table = TableBuilder::new(ui)
            .id_salt("reading_sheet")
            .striped(false)
            .resizable(false)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::exact(150.0))
            .column(Column::exact(100.0))
            .column(Column::exact(90.0))
            .column(Column::exact(80.0))
            .column(Column::exact(100.0))
            .column(Column::exact(80.0))
            .column(Column::remainder().at_least(240.0));
        if let Some(row) = self.scroll_to.take() {
            table = table.scroll_to_row(row, Some(egui::Align::Center));
        }
        let unit = self.kind.usage_unit();
        table
            .header(row_height, |mut header| {
                for title in [
                    "房号",
                    "表号",
                    "位置",
                    "上次读数",
                    "本期读数",
                    "用量",
                    "说明",
                ] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, rows.len(), |mut table_row| {
                    let i = table_row.index();
                    let (Some(row), Some(cell)) = (rows.get(i), self.cells.get_mut(i)) else {
                        return;
                    };
                    let mut label_id = None;
                    table_row.col(|ui| {
                        label_id = Some(ui.label(row.meter.label()).id);
                    });
                    table_row.col(|ui| {
                        ui.label(&row.meter.number);
                    });
                    table_row.col(|ui| {
                        muted(ui, &row.meter.location);
                    });
                    table_row.col(|ui| {
                        let last = format_milli(row.last_milli);
                        if row.last_month.is_none() {
                            ui.label(format!("{last}（起）"))
                                .on_hover_text("新表的起始读数");
                        } else {
                            ui.label(last);
                        }
                    });
                    let locked = self.closed
                        || row.meter.closed.is_some()
                        || row
                            .reading
                            .as_ref()
                            .is_some_and(|r| r.billed_period.is_some());
                    table_row.col(|ui| {
                        let edit = egui::TextEdit::singleline(&mut cell.text)
                            .id_salt(("meter_reading", row.meter.id))
                            .desired_width(90.0)
                            .return_key(None)
                            .event_filter(egui::EventFilter {
                                tab: true,
                                horizontal_arrows: true,
                                vertical_arrows: true,
                                escape: false,
                            });
                        let mut r = ui.add_enabled(!locked, edit);
                        if let Some(l) = label_id {
                            r = r.labelled_by(l);
                        }
                        if self.focus == Some(i) {
                            // Arriving by keyboard selects what is there, so typing replaces it.
                            r.request_focus();
                            let mut state =
                                egui::TextEdit::load_state(ui.ctx(), r.id).unwrap_or_default();
                            state.cursor.set_char_range(Some(
                                egui::text::CCursorRange::select_all_str(&cell.text),
                            ));
                            state.store(ui.ctx(), r.id);
                            self.focus = None;
                        }
                        if r.has_focus() {
                            let keys = ui.input(|inp| {
                                (
                                    inp.key_pressed(egui::Key::Enter),
                                    inp.key_pressed(egui::Key::Tab) && !inp.modifiers.shift,
                                    inp.key_pressed(egui::Key::Tab) && inp.modifiers.shift,
                                    inp.key_pressed(egui::Key::ArrowDown),
                                    inp.key_pressed(egui::Key::ArrowUp),
                                )
                            });
                            match keys {
                                (true, ..) | (_, true, ..) | (.., true, _) => {
                                    action = Some(RowAction::Commit(i, Step::Next));
                                }
                                (_, _, true, ..) | (.., true) => {
                                    action = Some(RowAction::Commit(i, Step::Previous));
                                }
                                _ => {}
                            }
                        } else if r.lost_focus() && cell.text.trim() != saved_text(row) {
                            action = Some(RowAction::Commit(i, Step::Stay));
                        }
                    });
                    table_row.col(|ui| {
                        let live = parse_reading(&cell.text, row.meter.spec.digits)
                            .ok()
                            .map(|v| row.usage_of(v, false));
                        match live {
                            Some(Ok(u)) => {
                                ui.label(format!("{} {unit}", format_milli(u)));
                            }
                            Some(Err(_)) => {
                                ui.label(egui::RichText::new("—").color(theme::ERROR));
                            }
                            None => {}
                        }
                    });
                    table_row.col(|ui| {
                        if let Some(a) = row_note_ui(ui, row, cell, &mut self.ask_focus, i, state) {
                            action = Some(a);
                        }
                    });
                });
            });
        action
    }

    fn apply(&mut self, ctx: &mut DeskCtx<'_>, month: &Period, action: RowAction) {
        match action {
            RowAction::Commit(i, step) => self.commit(ctx, month, i, step),
            RowAction::Rollover(i) => {
                if let Some(value) = self.cells.get(i).and_then(|c| c.lower)
                    && self.save(ctx, month, i, value, true, ReadingState::Normal, "")
                {
                    self.go(i, Step::Next);
                }
            }
            RowAction::Misread(i) => {
                if let Some(value) = self.cells.get(i).and_then(|c| c.lower)
                    && self.save(
                        ctx,
                        month,
                        i,
                        value,
                        false,
                        ReadingState::Recheck,
                        "低于上次读数，疑似读错",
                    )
                {
                    self.go(i, Step::Next);
                }
            }
            RowAction::Retype(i) => {
                if let Some(c) = self.cells.get_mut(i) {
                    c.lower = None;
                }
                self.focus = Some(i);
            }
            RowAction::Recheck(i) => {
                let Some(row) = self.rows.as_ref().and_then(|r| r.get(i)) else {
                    return;
                };
                let Some(reading) = &row.reading else { return };
                let note = flags_text(&row.flags());
                match ctx.store.mark_recheck(ctx.actor, reading.id, &note) {
                    Ok(()) => {
                        ctx.toasts
                            .info(format!("{} 已标记待复核", row.meter.label()));
                        self.rows = None;
                        self.focus = Some(i);
                    }
                    Err(e) => ctx.fail(&e),
                }
            }
            RowAction::Correct(i) => {
                let Some(row) = self.rows.as_ref().and_then(|r| r.get(i)) else {
                    return;
                };
                if let Some(reading) = &row.reading {
                    self.correcting = Some(CorrectForm {
                        reading_id: reading.id,
                        label: format!(
                            "{} {}（表号 {}）{} 读数 {}",
                            row.meter.label(),
                            row.meter.kind.meter_name(),
                            row.meter.number,
                            reading.month,
                            format_milli(reading.value_milli)
                        ),
                        value: String::new(),
                        rollover: false,
                        reason: String::new(),
                        error: None,
                    });
                }
            }
        }
    }

    fn commit(&mut self, ctx: &mut DeskCtx<'_>, month: &Period, i: usize, step: Step) {
        let Some(row) = self.rows.as_ref().and_then(|r| r.get(i)).cloned() else {
            return;
        };
        let Some(cell) = self.cells.get_mut(i) else {
            return;
        };
        let text = cell.text.trim().to_string();
        if text.is_empty() || text == saved_text(&row) {
            cell.error = None;
            self.go(i, step);
            return;
        }
        let value = match parse_reading(&text, row.meter.spec.digits) {
            Ok(v) => v,
            Err(e) => {
                cell.error = Some(e);
                self.focus = Some(i);
                return;
            }
        };
        match row.usage_of(value, false) {
            Err(UsageError::Lower { .. }) => {
                cell.error = None;
                cell.lower = Some(value);
                self.ask_focus = true;
            }
            _ => {
                if self.save(ctx, month, i, value, false, ReadingState::Normal, "") {
                    self.go(i, step);
                }
            }
        }
    }

    /// Moves the keyboard to the next (or previous) row that can be typed in, passing over
    /// meters taken out this month; at either end it stays on the last row it can take.
    fn go(&mut self, i: usize, step: Step) {
        let typable = |j: usize| {
            self.rows
                .as_ref()
                .and_then(|rows| rows.get(j))
                .is_some_and(|r| r.meter.closed.is_none())
        };
        let n = self.cells.len();
        let target = match step {
            Step::Next => (i + 1..n).find(|&j| typable(j)),
            Step::Previous => (0..i).rev().find(|&j| typable(j)),
            Step::Stay => return,
        }
        .unwrap_or(i);
        self.focus = Some(target);
        self.scroll_to = Some(target);
    }

    /// Saves one reading; on success the row shows it at once. Returns whether it was saved.
    #[allow(clippy::too_many_arguments)]
    fn save(
        &mut self,
        ctx: &mut DeskCtx<'_>,
        month: &Period,
        i: usize,
        value: i64,
        rollover: bool,
        state: ReadingState,
        note: &str,
    ) -> bool {
        let read_on = match self.read_on.as_ref().map(DateField::parsed) {
            Some(Ok(Some(d))) => d,
            Some(Err(e)) => {
                self.message = Some(format!("抄表日期：{e}"));
                return false;
            }
            _ => {
                self.message = Some("请填写抄表日期".into());
                return false;
            }
        };
        let Some(row) = self.rows.as_mut().and_then(|r| r.get_mut(i)) else {
            return false;
        };
        let input = ReadingInput {
            meter_id: row.meter.id,
            value_milli: value,
            rollover,
            read_on,
            state,
            note: note.to_string(),
        };
        let saved = ctx
            .store
            .save_readings(ctx.actor, month, &[input], ReadingSource::Typed);
        let Some(cell) = self.cells.get_mut(i) else {
            return false;
        };
        match saved {
            Ok(ids) => {
                self.message = None;
                cell.error = None;
                cell.lower = None;
                cell.text = format_milli(value);
                row.reading = Some(SavedReading {
                    id: ids.first().copied().unwrap_or_default(),
                    month: month.to_string(),
                    value_milli: value,
                    rollover: rollover && value < row.last_milli,
                    corrected_from: None,
                    read_on: read_on.format("%Y-%m-%d").to_string(),
                    state,
                    note: if state == ReadingState::Recheck {
                        note.to_string()
                    } else {
                        String::new()
                    },
                    billed_period: None,
                });
                true
            }
            Err(StoreError::Invalid { reason, .. } | StoreError::Conflict(reason)) => {
                cell.error = Some(reason);
                self.focus = Some(i);
                false
            }
            Err(e) => {
                ctx.fail(&e);
                false
            }
        }
    }

    fn correct_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>) {
        let Some(form) = &mut self.correcting else {
            return;
        };
        super::widgets::section(ui, "读数更正");
        ui.label(&form.label);
        muted(
            ui,
            "已计费或已结账的读数不再改动；更正的读数从现在起作数，多收少收的用量计入这块表的下期账单。",
        );
        let mut done = false;
        egui::Grid::new("correct_form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                super::widgets::field_row(ui, "更正读数", &mut form.value, None);
                ui.label("");
                ui.checkbox(&mut form.rollover, "翻表");
                ui.end_row();
                super::widgets::field_row(ui, "更正原因", &mut form.reason, None);
            });
        if let Some(e) = &form.error {
            ui.label(egui::RichText::new(e).color(theme::ERROR));
        }
        ui.horizontal(|ui| {
            if ui.button("确认更正").clicked() {
                match ctx.store.correct_reading(
                    ctx.actor,
                    form.reading_id,
                    &form.value,
                    form.rollover,
                    &form.reason,
                ) {
                    Ok(()) => {
                        ctx.toasts.info("读数已更正，差额计入下期账单");
                        done = true;
                    }
                    Err(StoreError::Invalid { field, reason }) => {
                        form.error = Some(format!("{field}：{reason}"));
                    }
                    Err(StoreError::Conflict(reason)) => form.error = Some(reason),
                    Err(e) => ctx.fail(&e),
                }
            }
            if ui.button("取消更正").clicked() {
                done = true;
            }
        });
        ui.separator();
        if done {
            self.correcting = None;
            self.rows = None;
        }
    }

    fn export(&mut self, ctx: &mut DeskCtx<'_>, month: &Period) {
        let rows = match ctx.store.month_readings(month) {
            Ok(r) => r,
            Err(e) => {
                ctx.fail(&e);
                return;
            }
        };
        let path = super::fees::print_folder(ctx.store, "导出").join(format!("抄表-{month}.xlsx"));
        match crate::export::write_readings_workbook(&path, month, &rows) {
            Ok(()) => {
                ctx.toasts
                    .info(format!("已导出 {} 条：{}", rows.len(), path.display()));
                if ctx.open_files {
                    super::fees::open_in_viewer(&path);
                }
            }
            Err(e) => ctx.toasts.error(e.to_string()),
        }
    }

    /// Reads a readings file and shows its preview (nothing is saved until confirmed).
    pub fn preview_import(&mut self, ctx: &mut DeskCtx<'_>, month: &Period, path: &Path) {
        let table = match crate::import::read_table(path) {
            Ok(t) => t,
            Err(e) => {
                ctx.toasts.error(e.to_string());
                return;
            }
        };
        let read_on = match self.read_on.as_ref().map(DateField::parsed) {
            Some(Ok(Some(d))) => d,
            _ => default_read_on(month, ctx.today),
        };
        match ctx
            .store
            .check_reading_import(month, self.kind, &table, read_on)
        {
            Ok(Ok(checks)) => {
                self.import = Some(ImportView {
                    file: path.to_path_buf(),
                    checks,
                });
            }
            Ok(Err(reason)) => ctx.toasts.error(reason),
            Err(e) => ctx.fail(&e),
        }
    }

    fn import_ui(&mut self, ui: &mut egui::Ui, ctx: &mut DeskCtx<'_>, month: &Period) {
        let Some(view) = &self.import else { return };
        let good: Vec<ReadingInput> = view.checks.iter().filter_map(|c| c.input.clone()).collect();
        let bad = view.checks.iter().filter(|c| c.error.is_some()).count();
        super::widgets::section(
            ui,
            &format!(
                "导入读数预览：{}（{} {}）",
                view.file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                month,
                self.kind.meter_name()
            ),
        );
        ui.label(format!(
            "可导入 {} 行；有问题 {bad} 行，不导入（原因见每行）。",
            good.len()
        ));
        let mut confirm = false;
        let mut cancel = false;
        ui.horizontal(|ui| {
            if !good.is_empty() {
                confirm = ui.button(format!("导入 {} 行", good.len())).clicked();
            }
            cancel = ui.button("取消导入").clicked();
        });
        let unit = self.kind.usage_unit();
        egui::ScrollArea::vertical()
            .id_salt("import_preview")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::Grid::new("import_rows")
                    .striped(true)
                    .num_columns(6)
                    .spacing([14.0, 4.0])
                    .show(ui, |ui| {
                        for h in ["行", "房号/表号", "上次读数", "本期读数", "用量", "结果"]
                        {
                            ui.strong(h);
                        }
                        ui.end_row();
                        for c in &view.checks {
                            ui.label(c.row_no.to_string());
                            ui.label(c.meter.as_ref().map_or(c.key.as_str(), |m| m.label()));
                            ui.label(if c.meter.is_some() {
                                format_milli(c.last_milli)
                            } else {
                                String::new()
                            });
                            ui.label(
                                c.input
                                    .as_ref()
                                    .map(|i| format_milli(i.value_milli))
                                    .unwrap_or_default(),
                            );
                            ui.label(
                                c.usage_milli
                                    .map(|u| format!("{} {unit}", format_milli(u)))
                                    .unwrap_or_default(),
                            );
                            match (&c.error, c.flags.is_empty(), c.replaces) {
                                (Some(e), ..) => {
                                    ui.label(egui::RichText::new(e).color(theme::ERROR));
                                }
                                (None, false, _) => {
                                    ui.label(
                                        egui::RichText::new(flags_text(&c.flags))
                                            .color(theme::WARN),
                                    );
                                }
                                (None, true, Some(old)) => {
                                    ui.label(format!("可导入（替换已录的 {}）", format_milli(old)));
                                }
                                (None, true, None) => {
                                    ui.label(egui::RichText::new("可导入").color(theme::OK));
                                }
                            }
                            ui.end_row();
                        }
                    });
            });
        if cancel {
            self.import = None;
        } else if confirm {
            match ctx
                .store
                .save_readings(ctx.actor, month, &good, ReadingSource::Imported)
            {
                Ok(ids) => {
                    ctx.toasts.info(format!("已导入 {} 条读数", ids.len()));
                    self.import = None;
                    self.invalidate();
                }
                Err(e) => ctx.toasts.error(e.to_string()),
            }
        }
    }
}

/// What the whole sheet is: its month closed (月末结账), or over.
#[derive(Debug, Clone, Copy)]
struct SheetState {
    closed: bool,
    month_over: bool,
}

/// The row's 说明 column: why the typed value was not saved, the 翻表/读错 question, the
/// flags with 待复核, a meter not read by the month's end, and what a billed or corrected
/// reading is.
fn row_note_ui(
    ui: &mut egui::Ui,
    row: &SheetRow,
    cell: &Cell,
    ask_focus: &mut bool,
    i: usize,
    sheet: SheetState,
) -> Option<RowAction> {
    let closed = sheet.closed;
    let mut action = None;
    if let Some(value) = cell.lower {
        ui.label(
            egui::RichText::new(format!(
                "{} 低于上次 {}：",
                format_milli(value),
                format_milli(row.last_milli)
            ))
            .color(theme::ERROR),
        );
        let r = ui.button("翻表");
        if *ask_focus {
            r.request_focus();
            *ask_focus = false;
        }
        if r.clicked() {
            action = Some(RowAction::Rollover(i));
        }
        if ui.button("读错·待复核").clicked() {
            action = Some(RowAction::Misread(i));
        }
        if ui.button("重录").clicked() || ui.input(|inp| inp.key_pressed(egui::Key::Escape)) {
            action = Some(RowAction::Retype(i));
        }
        return action;
    }
    if let Some(e) = &cell.error {
        ui.label(egui::RichText::new(e).color(theme::ERROR));
        return None;
    }
    if let Some(tail) = &row.tail {
        muted(
            ui,
            format!(
                "含旧表 {} {}→{}",
                tail.number,
                format_milli(tail.last_milli),
                format_milli(tail.final_milli)
            ),
        );
    }
    if let (Some(how), Some(why)) = (row.meter.taken_out(), &row.meter.removed) {
        // Taken out for good this month: its final reading is the month's, fixed here.
        muted(ui, format!("{how}（{why}），止码记作本月读数"));
        if row
            .reading
            .as_ref()
            .is_some_and(|r| r.billed_period.is_some())
            && ui.button("读数更正…").clicked()
        {
            action = Some(RowAction::Correct(i));
        }
        return action;
    }
    let Some(reading) = &row.reading else {
        if sheet.month_over {
            ui.label(egui::RichText::new("月末缺抄").color(theme::ERROR));
        }
        return None;
    };
    if let Some(from) = reading.corrected_from {
        muted(ui, format!("已更正（原 {}）", format_milli(from)));
    }
    if reading.billed_period.is_some() || closed {
        if let Some(period) = &reading.billed_period {
            muted(ui, format!("已计费 {period}"));
        }
        if ui.button("读数更正…").clicked() {
            action = Some(RowAction::Correct(i));
        }
        return action;
    }
    if reading.state == ReadingState::Recheck {
        ui.label(egui::RichText::new(format!("待复核：{}", reading.note)).color(theme::ERROR));
        return None;
    }
    if reading.rollover {
        muted(ui, "翻表");
    }
    let flags = row.flags();
    if !flags.is_empty() {
        ui.label(egui::RichText::new(flags_text(&flags)).color(theme::WARN));
        if ui.button("待复核").clicked() {
            action = Some(RowAction::Recheck(i));
        }
    }
    action
}

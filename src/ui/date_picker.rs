//! A date field in Chinese: type a date (`2026-11-27`) or pick it from a calendar.
//!
//! The caller keeps one [`DateField`] per field and calls [`DateField::ui`] every frame.
//! The widget never reads the system clock: "today" is passed in by the caller.

use chrono::{Datelike as _, Months, NaiveDate, Weekday};
use egui::{
    Align, Button, Color32, ComboBox, Id, Key, Label, Layout, Popup, PopupAnchor,
    PopupCloseBehavior, Response, RichText, Stroke, StrokeKind, TextEdit, TextStyle, Ui, Vec2,
};

/// The message shown when the text is not a date in any accepted form.
const FORMAT_ERROR: &str = "日期格式应为 2026-11-27";

/// Column headers of the day grid; weeks start on Monday.
const WEEKDAY_NAMES: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

/// Rows in the day grid: always six, so the popup keeps its height from month to month.
const GRID_ROWS: u32 = 6;

/// How many years before today the year selector offers.
const YEARS_BACK: i32 = 100;

/// How many years after today the year selector offers.
const YEARS_AHEAD: i32 = 10;

/// A date input: a text field plus a "日历" button opening a Chinese calendar popup.
///
/// Keep one per field in your own state and call [`DateField::ui`] each frame.
/// Read the value with [`DateField::parsed`].
#[derive(Debug, Clone, Default)]
pub struct DateField {
    /// The text as typed (or written by the calendar as `YYYY-MM-DD`).
    text: String,
    /// `Some` while the calendar popup is open.
    calendar: Option<CalendarState>,
}

/// What the open calendar shows and what the user has tentatively chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CalendarState {
    /// The first day of the month on display.
    month: NaiveDate,
    /// The day clicked so far; written to the text only on 确定.
    chosen: Option<NaiveDate>,
}

impl CalendarState {
    /// Opens on the month of `selected`, or of `today` when nothing is selected.
    fn new(selected: Option<NaiveDate>, today: NaiveDate) -> Self {
        Self {
            month: first_of_month(selected.unwrap_or(today)),
            chosen: selected,
        }
    }
}

/// What the user did in the calendar this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CalendarAction {
    /// Nothing that closes the popup.
    None,
    /// 确定 (or a double click on a day): write this date and close.
    Confirm(NaiveDate),
    /// 取消: close without changing anything.
    Cancel,
}

impl DateField {
    /// A field showing `date` as `YYYY-MM-DD`, or empty for `None`.
    pub fn new(date: Option<NaiveDate>) -> Self {
        let mut field = Self::default();
        field.set_date(date);
        field
    }

    /// The text currently in the field, exactly as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replaces the text with `d` as `YYYY-MM-DD` (empty for `None`) and closes the calendar.
    pub fn set_date(&mut self, d: Option<NaiveDate>) {
        self.text = d.map(format_date).unwrap_or_default();
        self.calendar = None;
    }

    /// Whether the calendar popup is open.
    ///
    /// Useful for a surrounding dialog that closes on Escape: while this is `true`,
    /// Escape belongs to the calendar.
    pub fn is_calendar_open(&self) -> bool {
        self.calendar.is_some()
    }

    /// Parses the typed text.
    ///
    /// Returns `Ok(None)` for an empty (or blank) field and `Ok(Some(date))` for
    /// `2026-11-27`, `2026/11/27`, `2026.11.27`, `20261127`, `2026-1-5` or `2026年11月27日`
    /// (full-width digits and punctuation from a Chinese input method are accepted too).
    /// Otherwise returns a reason in Chinese, e.g. `日期格式应为 2026-11-27` or
    /// `2025年2月没有29日`.
    pub fn parsed(&self) -> Result<Option<NaiveDate>, String> {
        parse_date(&self.text)
    }

    /// Draws the field: the visible label `label`, then a single-line text edit
    /// (hint "年-月-日") and a "日历" button side by side; the button opens a calendar
    /// popup below them.
    ///
    /// The label is drawn with `ui.label` and the text edit + button in a
    /// `ui.horizontal`, so in a two-column [`egui::Grid`] the label lands in the first
    /// column and the input in the second. The text edit is named by the label for
    /// accessibility (and `egui_kittest`'s `get_by_label`). `label` also salts the ids
    /// of the popup, so keep it unique within the parent `Ui`.
    ///
    /// `today` comes from the app's clock; it is outlined in the calendar and used by
    /// the "今天" button. Returns the text edit's response, marked changed when a date
    /// is picked from the calendar.
    pub fn ui(&mut self, ui: &mut Ui, label: &str, today: NaiveDate) -> Response {
        let base_id = ui.make_persistent_id(("wuye_date_field", label));
        let popup_id = base_id.with("calendar");
        let ctx = ui.ctx().clone();

        let was_open = self.calendar.is_some();
        // Another popup (e.g. the year or month list inside the calendar) gets the clicks
        // and the Escape key first.
        let other_popup_open = Popup::is_any_open(&ctx) && !Popup::is_id_open(&ctx, popup_id);
        let problem = self.parsed().err();

        let label_response = ui.label(label);
        let (mut text_response, button_response) = ui
            .horizontal(|ui| {
                let text_response = ui
                    .add(
                        TextEdit::singleline(&mut self.text)
                            .hint_text("年-月-日")
                            .desired_width(text_edit_width(ui)),
                    )
                    .labelled_by(label_response.id);
                let button_response = ui
                    .add(Button::new("日历").selected(was_open))
                    .on_hover_text("从日历中选择日期");
                (text_response, button_response)
            })
            .inner;

        if let Some(reason) = problem
            && !text_response.has_focus()
        {
            ui.painter().rect_stroke(
                text_response.rect,
                ui.visuals().widgets.inactive.corner_radius,
                Stroke::new(1.0, ui.visuals().error_fg_color),
                StrokeKind::Outside,
            );
            text_response = text_response.on_hover_text(reason);
        }

        // Tidy a typed date into the canonical form once the user leaves the field.
        if text_response.lost_focus()
            && let Ok(Some(date)) = self.parsed()
        {
            let canonical = format_date(date);
            if canonical != self.text {
                self.text = canonical;
                text_response.mark_changed();
            }
        }

        if button_response.clicked() {
            self.calendar = if was_open {
                None
            } else {
                Some(CalendarState::new(self.parsed().ok().flatten(), today))
            };
        }

        let Some(mut state) = self.calendar else {
            Popup::close_id(&ctx, popup_id);
            return text_response;
        };

        // Register the calendar as egui's open popup (when no inner list holds that slot),
        // so that e.g. a surrounding `Modal` leaves Escape to us.
        if !other_popup_open {
            Popup::open_id(&ctx, popup_id);
        }

        let mut anchor = text_response
            .interact_rect
            .union(button_response.interact_rect);
        if let Some(to_global) = ctx.layer_transform_to_global(ui.layer_id()) {
            anchor = to_global * anchor;
        }

        let shown = Popup::new(
            popup_id,
            ctx.clone(),
            PopupAnchor::ParentRect(anchor),
            ui.layer_id(),
        )
        .anchor_widget(button_response.id)
        .accessible_name(format!("{label}：选择日期"))
        .close_behavior(PopupCloseBehavior::IgnoreClicks)
        .show(|ui| calendar_ui(ui, base_id, &mut state, today));

        let mut close = false;
        if let Some(shown) = shown {
            match shown.inner {
                CalendarAction::Confirm(date) => {
                    self.text = format_date(date);
                    text_response.mark_changed();
                    close = true;
                }
                CalendarAction::Cancel => close = true,
                CalendarAction::None => {}
            }
            if was_open && !button_response.clicked() && !other_popup_open {
                let escape = ui.input(|i| i.key_pressed(Key::Escape));
                if escape || shown.response.clicked_elsewhere() {
                    close = true;
                }
            }
        }

        if close {
            self.calendar = None;
            Popup::close_id(&ctx, popup_id);
            ctx.request_repaint();
        } else {
            self.calendar = Some(state);
        }
        text_response
    }
}

/// Draws the calendar's contents and reports what the user did.
fn calendar_ui(ui: &mut Ui, id: Id, state: &mut CalendarState, today: NaiveDate) -> CalendarAction {
    let mut action = CalendarAction::None;
    let cell = day_cell_size(ui);
    let gap = 2.0;
    let width = 7.0 * cell.x + 6.0 * gap;
    ui.set_width(width);

    month_header(ui, id, state, today);
    ui.add_space(4.0);

    egui::Grid::new(id.with("days"))
        .num_columns(7)
        .min_col_width(cell.x)
        .spacing(Vec2::splat(gap))
        .show(ui, |ui| {
            for name in WEEKDAY_NAMES {
                ui.add_sized(cell, Label::new(RichText::new(name).weak()));
            }
            ui.end_row();

            let offset = state.month.weekday().num_days_from_monday();
            let days = u32::from(state.month.num_days_in_month());
            for row in 0..GRID_ROWS {
                for column in 0..7 {
                    let index = row * 7 + column;
                    let date = index
                        .checked_sub(offset)
                        .filter(|d| *d < days)
                        .and_then(|d| state.month.with_day(d + 1));
                    match date {
                        Some(date) => {
                            let response = day_button(ui, cell, date, state.chosen, today);
                            if response.clicked() {
                                state.chosen = Some(date);
                            }
                            if response.double_clicked() {
                                action = CalendarAction::Confirm(date);
                            }
                        }
                        None => {
                            ui.allocate_space(cell);
                        }
                    }
                }
                ui.end_row();
            }
        });

    ui.separator();
    ui.horizontal(|ui| {
        if ui.button("今天").clicked() {
            state.chosen = Some(today);
            state.month = first_of_month(today);
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if ui.button("取消").clicked() {
                action = CalendarAction::Cancel;
            }
            let confirm = ui.add_enabled(state.chosen.is_some(), Button::new("确定"));
            if confirm.clicked()
                && let Some(date) = state.chosen
            {
                action = CalendarAction::Confirm(date);
            }
        });
    });
    action
}

/// The "‹ 2026年 11月 ›" row.
fn month_header(ui: &mut Ui, id: Id, state: &mut CalendarState, today: NaiveDate) {
    ui.horizontal(|ui| {
        let previous = ui
            .button("‹")
            .accessible_name("上个月")
            .on_hover_text("上个月");
        if previous.clicked()
            && let Some(month) = state.month.checked_sub_months(Months::new(1))
        {
            state.month = month;
        }

        let year = state.month.year();
        let month = state.month.month();
        let mut new_year = year;
        let mut new_month = month;

        // Scroll the year list to the shown year when it opens (the flag remembers
        // whether the list was drawn last frame).
        let year_list_flag = id.with("year_list_shown");
        let year_list_was_shown = ui
            .data_mut(|d| d.remove_temp::<bool>(year_list_flag))
            .unwrap_or(false);
        let first_year = year.min(today.year() - YEARS_BACK);
        let last_year = year.max(today.year() + YEARS_AHEAD);
        ComboBox::from_id_salt(id.with("year"))
            .selected_text(format!("{year}年"))
            .width(84.0)
            .height(240.0)
            .show_ui(ui, |ui| {
                ui.data_mut(|d| d.insert_temp(year_list_flag, true));
                for y in first_year..=last_year {
                    let item = ui.selectable_label(y == year, format!("{y}年"));
                    if y == year && !year_list_was_shown {
                        item.scroll_to_me(Some(Align::Center));
                    }
                    if item.clicked() {
                        new_year = y;
                    }
                }
            })
            .response
            .accessible_name("年份");

        ComboBox::from_id_salt(id.with("month"))
            .selected_text(format!("{month}月"))
            .width(64.0)
            .height(320.0)
            .show_ui(ui, |ui| {
                for m in 1..=12 {
                    if ui.selectable_label(m == month, format!("{m}月")).clicked() {
                        new_month = m;
                    }
                }
            })
            .response
            .accessible_name("月份");

        if (new_year, new_month) != (year, month)
            && let Some(first) = NaiveDate::from_ymd_opt(new_year, new_month, 1)
        {
            state.month = first;
        }

        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            let next = ui
                .button("›")
                .accessible_name("下个月")
                .on_hover_text("下个月");
            if next.clicked()
                && let Some(month) = state.month.checked_add_months(Months::new(1))
            {
                state.month = month;
            }
        });
    });
}

/// One day of the grid: today outlined, the chosen day highlighted.
fn day_button(
    ui: &mut Ui,
    cell: Vec2,
    date: NaiveDate,
    chosen: Option<NaiveDate>,
    today: NaiveDate,
) -> Response {
    let is_chosen = chosen == Some(date);
    let is_today = date == today;
    let mut text = RichText::new(date.day().to_string());
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_chosen {
        text = text.color(ui.visuals().weak_text_color());
    }
    let mut button = Button::new(text)
        .min_size(cell)
        .selected(is_chosen)
        .frame_when_inactive(is_chosen || is_today);
    if is_today {
        button = button.stroke(Stroke::new(1.5, ui.visuals().selection.stroke.color));
        if !is_chosen {
            button = button.fill(Color32::TRANSPARENT);
        }
    }
    ui.add(button)
}

/// Width of the text edit: room for `2026-11-27` and a cursor.
fn text_edit_width(ui: &Ui) -> f32 {
    let font = TextStyle::Body.resolve(ui.style());
    let text = ui
        .painter()
        .layout_no_wrap("0000-00-00".to_owned(), font, Color32::PLACEHOLDER);
    text.size().x + 2.0 * ui.spacing().button_padding.x + 8.0
}

/// Size of one cell of the day grid: wide enough for "周一", tall as a button.
fn day_cell_size(ui: &Ui) -> Vec2 {
    let font = TextStyle::Button.resolve(ui.style());
    let text = ui
        .painter()
        .layout_no_wrap(WEEKDAY_NAMES[0].to_owned(), font, Color32::PLACEHOLDER);
    let padding = ui.spacing().button_padding;
    Vec2::new(
        (text.size().x + 2.0 * padding.x).ceil(),
        ui.spacing()
            .interact_size
            .y
            .max(text.size().y + 2.0 * padding.y),
    )
}

/// `YYYY-MM-DD`.
fn format_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The first day of `date`'s month.
fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// Maps full-width digits and the date punctuation a Chinese input method types to ASCII.
fn to_half_width(c: char) -> char {
    match c {
        '０'..='９' => {
            char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
        }
        '－' => '-',
        '／' => '/',
        '．' | '。' => '.',
        _ => c,
    }
}

/// See [`DateField::parsed`].
fn parse_date(text: &str) -> Result<Option<NaiveDate>, String> {
    let text: String = text.trim().chars().map(to_half_width).collect();
    if text.is_empty() {
        return Ok(None);
    }
    let (year, month, day) = split_date(&text).ok_or_else(|| FORMAT_ERROR.to_owned())?;
    let (Ok(year), Ok(month), Ok(day)) = (
        year.parse::<i32>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return Err(FORMAT_ERROR.to_owned());
    };
    if year < 1000 {
        return Err("年份应在 1000 到 9999 之间".to_owned());
    }
    if !(1..=12).contains(&month) {
        return Err("月份应在 1 到 12 之间".to_owned());
    }
    NaiveDate::from_ymd_opt(year, month, day)
        .map(Some)
        .ok_or_else(|| format!("{year}年{month}月没有{day}日"))
}

/// Splits a date into year, month and day digits; `None` when the shape is wrong.
fn split_date(text: &str) -> Option<(&str, &str, &str)> {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (year, month, day) = if text.len() == 8 && all_digits(text) {
        (text.get(0..4)?, text.get(4..6)?, text.get(6..8)?)
    } else if let Some((year, rest)) = text.split_once('年') {
        let rest = rest.strip_suffix('日').unwrap_or(rest);
        let (month, day) = rest.split_once('月')?;
        (year, month, day)
    } else {
        let separator = text.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
        let mut parts = text.split(separator);
        let parts = (parts.next()?, parts.next()?, parts.next()?, parts.next());
        match parts {
            (year, month, day, None) => (year, month, day),
            _ => return None,
        }
    };
    let fits = all_digits(year)
        && year.len() == 4
        && all_digits(month)
        && month.len() <= 2
        && all_digits(day)
        && day.len() <= 2;
    fits.then_some((year, month, day))
}

#[cfg(test)]
#[allow(clippy::expect_used, reason = "a failed expectation fails the test")]
mod tests {
    use super::*;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn parse(text: &str) -> Result<Option<NaiveDate>, String> {
        DateField {
            text: text.to_owned(),
            calendar: None,
        }
        .parsed()
    }

    #[test]
    fn parses_accepted_forms() {
        let expected = Ok(Some(date(2026, 11, 27)));
        for text in [
            "2026-11-27",
            "2026/11/27",
            "2026.11.27",
            "20261127",
            " 2026-11-27 ",
            "2026年11月27日",
            "2026年11月27",
            "２０２６－１１－２７",
            "2026。11。27",
        ] {
            assert_eq!(parse(text), expected, "{text}");
        }
        assert_eq!(parse("2026-1-5"), Ok(Some(date(2026, 1, 5))));
        assert_eq!(parse("2026/1/05"), Ok(Some(date(2026, 1, 5))));
        assert_eq!(parse("2026.01.5"), Ok(Some(date(2026, 1, 5))));
    }

    #[test]
    fn empty_is_none() {
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("   "), Ok(None));
        assert_eq!(DateField::default().parsed(), Ok(None));
    }

    #[test]
    fn rejects_bad_formats() {
        for text in [
            "abc",
            "2026",
            "2026-11",
            "2026-11-27-1",
            "26-11-27",
            "2026-11/27",
            "2026--27",
            "2026-111-27",
            "2026-11-270",
            "202611270",
            "2026 11 27",
            "11/27/2026",
            "2026-+1-27",
            "二〇二六年十一月",
        ] {
            assert_eq!(parse(text), Err(FORMAT_ERROR.to_owned()), "{text}");
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        assert_eq!(parse("2026-13-01"), Err("月份应在 1 到 12 之间".to_owned()));
        assert_eq!(parse("2026-00-10"), Err("月份应在 1 到 12 之间".to_owned()));
        assert_eq!(parse("2026-04-31"), Err("2026年4月没有31日".to_owned()));
        assert_eq!(parse("2026-04-00"), Err("2026年4月没有0日".to_owned()));
        assert_eq!(
            parse("0999-01-01"),
            Err("年份应在 1000 到 9999 之间".to_owned())
        );
    }

    #[test]
    fn february_29() {
        assert_eq!(parse("2024-02-29"), Ok(Some(date(2024, 2, 29))));
        assert_eq!(parse("2000-02-29"), Ok(Some(date(2000, 2, 29))));
        assert_eq!(parse("2025-02-29"), Err("2025年2月没有29日".to_owned()));
        assert_eq!(parse("1900-02-29"), Err("1900年2月没有29日".to_owned()));
        assert_eq!(parse("20250229"), Err("2025年2月没有29日".to_owned()));
    }

    #[test]
    fn new_and_set_date_write_canonical_text() {
        let mut field = DateField::new(Some(date(2026, 1, 5)));
        assert_eq!(field.text(), "2026-01-05");
        assert_eq!(field.parsed(), Ok(Some(date(2026, 1, 5))));
        field.set_date(None);
        assert_eq!(field.text(), "");
        assert_eq!(DateField::new(None).text(), "");
    }

    const LABEL: &str = "入住日期";

    fn today() -> NaiveDate {
        date(2026, 11, 27)
    }

    /// The caller's side: the field plus how often its response said "changed".
    #[derive(Default)]
    struct Form {
        field: DateField,
        changes: usize,
    }

    /// Kittest panics on glyphs the fonts lack: add the app's CJK font as a fallback.
    fn install_cjk_font(ctx: &egui::Context) {
        let mut fonts = egui::FontDefinitions::default();
        fonts.font_data.insert(
            "wqy".into(),
            std::sync::Arc::new(egui::FontData::from_static(include_bytes!(
                "../../assets/wqy-microhei.ttc"
            ))),
        );
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            fonts
                .families
                .get_mut(&family)
                .expect("default family")
                .push("wqy".into());
        }
        ctx.set_fonts(fonts);
    }

    fn harness(field: DateField) -> Harness<'static, Form> {
        Harness::builder()
            .with_size(Vec2::new(600.0, 500.0))
            .with_context_setup(install_cjk_font)
            .build_ui_state(
                |ui, form: &mut Form| {
                    if form.field.ui(ui, LABEL, today()).changed() {
                        form.changes += 1;
                    }
                },
                Form { field, changes: 0 },
            )
    }

    fn open_calendar(harness: &mut Harness<'static, Form>) {
        harness.get_by_label("日历").click();
        harness.run();
        assert!(harness.state().field.is_calendar_open());
        assert!(harness.query_by_label("确定").is_some(), "calendar shown");
    }

    #[test]
    fn shows_label_and_empty_field() {
        let harness = harness(DateField::default());
        let text = harness.get_by_label(LABEL);
        assert_eq!(text.value().as_deref(), Some(""));
        assert!(harness.query_by_label("确定").is_none());
    }

    #[test]
    fn typing_a_date() {
        let mut harness = harness(DateField::default());
        harness.get_by_label(LABEL).focus();
        harness.run();
        harness.get_by_label(LABEL).type_text("2026/3/8");
        harness.run();
        assert_eq!(harness.state().field.text(), "2026/3/8");
        assert_eq!(harness.state().field.parsed(), Ok(Some(date(2026, 3, 8))));
        assert!(harness.state().changes > 0);

        // Leaving the field tidies the text.
        harness.key_press(Key::Tab);
        harness.run();
        assert_eq!(harness.state().field.text(), "2026-03-08");
    }

    #[test]
    fn picking_a_day_and_confirming() {
        let mut harness = harness(DateField::default());
        open_calendar(&mut harness);
        // Empty field: the calendar opens on today's month, nothing chosen yet.
        assert_eq!(
            harness.state().field.calendar,
            Some(CalendarState {
                month: date(2026, 11, 1),
                chosen: None
            })
        );
        harness.get_by_label("15").click();
        harness.run();
        assert_eq!(harness.state().field.text(), "", "only 确定 writes");
        harness.get_by_label("确定").click();
        harness.run();
        assert_eq!(harness.state().field.text(), "2026-11-15");
        assert!(!harness.state().field.is_calendar_open());
        assert!(harness.query_by_label("确定").is_none());
        assert_eq!(harness.state().changes, 1);
    }

    #[test]
    fn calendar_opens_on_the_typed_month() {
        let mut harness = harness(DateField::new(Some(date(2024, 2, 10))));
        open_calendar(&mut harness);
        // February 2024 has a 29th; November 2026 would show a 30th.
        assert!(harness.query_by_label("29").is_some());
        assert!(harness.query_by_label("30").is_none());
        harness.get_by_label("29").click();
        harness.run();
        harness.get_by_label("确定").click();
        harness.run();
        assert_eq!(harness.state().field.text(), "2024-02-29");
    }

    #[test]
    fn month_arrows_and_today() {
        let mut harness = harness(DateField::default());
        open_calendar(&mut harness);
        harness.get_by_label("下个月").click();
        harness.run();
        assert_eq!(
            harness.state().field.calendar.map(|c| c.month),
            Some(date(2026, 12, 1))
        );
        harness.get_by_label("下个月").click();
        harness.run();
        assert_eq!(
            harness.state().field.calendar.map(|c| c.month),
            Some(date(2027, 1, 1))
        );
        harness.get_by_label("上个月").click();
        harness.run();
        harness.get_by_label("1").click();
        harness.run();
        harness.get_by_label("今天").click();
        harness.run();
        harness.get_by_label("确定").click();
        harness.run();
        assert_eq!(harness.state().field.text(), "2026-11-27");
    }

    #[test]
    fn choosing_year_and_month_from_lists() {
        let mut harness = harness(DateField::default());
        open_calendar(&mut harness);
        let year_box = harness.get_by_label("年份").rect();
        harness.get_by_label("年份").click();
        harness.run();
        // The long year list opens scrolled to the shown year.
        let shown = harness.get_by_label("2026年").rect();
        assert!(shown.top() > year_box.bottom() && shown.bottom() < year_box.bottom() + 240.0);
        harness.get_by_label("2024年").click();
        harness.run();
        assert!(
            harness.state().field.is_calendar_open(),
            "list click keeps calendar"
        );
        harness.get_by_label("月份").click();
        harness.run();
        harness.get_by_label("2月").click();
        harness.run();
        assert_eq!(
            harness.state().field.calendar.map(|c| c.month),
            Some(date(2024, 2, 1))
        );
        harness.get_by_label("29").click();
        harness.run();
        harness.get_by_label("确定").click();
        harness.run();
        assert_eq!(harness.state().field.text(), "2024-02-29");
    }

    #[test]
    fn cancel_leaves_text_unchanged() {
        let mut harness = harness(DateField::new(Some(date(2026, 11, 3))));
        open_calendar(&mut harness);
        harness.get_by_label("20").click();
        harness.run();
        harness.get_by_label("取消").click();
        harness.run();
        assert_eq!(harness.state().field.text(), "2026-11-03");
        assert!(!harness.state().field.is_calendar_open());
        assert!(harness.query_by_label("取消").is_none());
        assert_eq!(harness.state().changes, 0);
    }

    #[test]
    fn escape_cancels() {
        let mut harness = harness(DateField::new(Some(date(2026, 11, 3))));
        open_calendar(&mut harness);
        harness.get_by_label("20").click();
        harness.run();
        harness.key_press(Key::Escape);
        harness.run();
        assert_eq!(harness.state().field.text(), "2026-11-03");
        assert!(!harness.state().field.is_calendar_open());
        assert_eq!(harness.state().changes, 0);
    }

    #[test]
    fn escape_in_a_modal_closes_only_the_calendar() {
        #[derive(Default)]
        struct Dialog {
            field: DateField,
            closed: bool,
        }
        let mut harness = Harness::builder()
            .with_size(Vec2::new(600.0, 500.0))
            .with_context_setup(install_cjk_font)
            .build_ui_state(
                |ui, dialog: &mut Dialog| {
                    if dialog.closed {
                        return;
                    }
                    let modal = egui::Modal::new(Id::unique("date_dialog")).show(ui.ctx(), |ui| {
                        dialog.field.ui(ui, LABEL, today());
                    });
                    if modal.should_close() {
                        dialog.closed = true;
                    }
                },
                Dialog::default(),
            );
        harness.get_by_label("日历").click();
        harness.run();
        assert!(harness.state().field.is_calendar_open());
        harness.get_by_label("15").click();
        harness.run();
        harness.key_press(Key::Escape);
        harness.run();
        assert!(!harness.state().field.is_calendar_open());
        assert!(!harness.state().closed, "the dialog stays open");
        assert_eq!(harness.state().field.text(), "");
        harness.key_press(Key::Escape);
        harness.run();
        assert!(harness.state().closed);
    }

    #[test]
    fn clicking_elsewhere_cancels() {
        let mut harness = harness(DateField::new(Some(date(2026, 11, 3))));
        open_calendar(&mut harness);
        harness.get_by_label("20").click();
        harness.run();
        harness.get_by_label(LABEL).click();
        harness.run();
        assert_eq!(harness.state().field.text(), "2026-11-03");
        assert!(!harness.state().field.is_calendar_open());
    }
}

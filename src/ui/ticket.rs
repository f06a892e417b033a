//! What the 投诉 and 维修单 tabs share. Both keep tickets (a complaint, a repair order): a
//! list with filters, the ticket's details, the form of its next step, and a dated history
//! with a note box under it.

use super::app::DeskCtx;
use super::widgets::{FieldError, error_for, field_row, muted, section};
use crate::documents::short_time;
use crate::store::TicketEntry;
use chrono::NaiveDateTime;

/// Now, as the time fields are typed ("2026-11-27 09:30").
pub fn now_text(ctx: &DeskCtx<'_>) -> String {
    ctx.store.clock().now().format("%Y-%m-%d %H:%M").to_string()
}

/// A time typed as "2026-11-27 09:30" (seconds allowed).
pub fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S"))
        .ok()
}

/// A labelled drop-down of the list's filter; true when the choice changed.
pub fn filter_choice(
    ui: &mut egui::Ui,
    id: &str,
    label: &str,
    value: &mut &'static str,
    choices: &[&'static str],
) -> bool {
    let before = *value;
    let label = ui.label(label);
    egui::ComboBox::from_id_salt(id)
        .selected_text(*value)
        .show_ui(ui, |ui| {
            for &c in choices {
                ui.selectable_value(value, c, c);
            }
        })
        .response
        .labelled_by(label.id);
    before != *value
}

/// The 月份 and 查找 boxes and 刷新; true when the list must be read again.
pub fn month_and_text_filters(
    ui: &mut egui::Ui,
    month: &mut String,
    text: &mut String,
    hint: &str,
) -> bool {
    let mut changed = false;
    let label = ui.label("月份");
    changed |= ui
        .add(
            egui::TextEdit::singleline(month)
                .hint_text("2026-11，空为全部")
                .desired_width(80.0),
        )
        .labelled_by(label.id)
        .changed();
    let label = ui.label("查找");
    changed |= ui
        .add(
            egui::TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(180.0),
        )
        .labelled_by(label.id)
        .changed();
    changed |= ui.button("刷新").clicked();
    changed
}

/// The label and value rows of a ticket's details.
pub fn detail_grid(ui: &mut egui::Ui, id: &str, rows: &[(&str, String)]) {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for (k, v) in rows {
                muted(ui, *k);
                ui.label(v);
                ui.end_row();
            }
        });
}

/// The 处理记录 section: the ticket's entries, oldest first.
pub fn history_ui(ui: &mut egui::Ui, entries: &[TicketEntry]) {
    section(ui, "处理记录");
    for e in entries {
        let mut text = format!("{} {}：{}", short_time(&e.at), e.kind, e.text);
        if !e.operator.is_empty() {
            text.push_str(&format!("（经办 {}）", e.operator));
        }
        ui.label(text);
    }
}

/// The 备注 box under the history; true when 添加备注 was clicked.
pub fn note_box(ui: &mut egui::Ui, id: &str, note: &mut String, error: &FieldError) -> bool {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            field_row(ui, "备注", note, error_for(error, "备注"));
        });
    ui.button("添加备注").clicked()
}

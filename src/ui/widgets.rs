//! Small shared widgets: labelled fields with their reason beside them, and combos.

use super::theme;
use crate::domain::forms::FieldErrors;

/// A labelled single-line text field in a two-column grid row, with the reason shown next
/// to it when the value is not acceptable. The label is also the field's accessible name.
pub fn field_row(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    error: Option<&str>,
) -> egui::Response {
    text_row(ui, label, value, error, false)
}

/// A labelled password field in a grid row.
pub fn password_row(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    error: Option<&str>,
) -> egui::Response {
    text_row(ui, label, value, error, true)
}

fn text_row(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    error: Option<&str>,
    password: bool,
) -> egui::Response {
    let label_response = ui.label(label);
    let response = ui
        .horizontal(|ui| {
            let r = ui
                .add(
                    egui::TextEdit::singleline(value)
                        .password(password)
                        .desired_width(220.0),
                )
                .labelled_by(label_response.id);
            if let Some(reason) = error {
                ui.label(egui::RichText::new(reason).color(theme::ERROR));
            }
            r
        })
        .inner;
    ui.end_row();
    response
}

/// A labelled choice among words (住宅/店面/车位 …) in a grid row.
pub fn choice_row<T: Copy + PartialEq + std::fmt::Display>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut T,
    choices: &[T],
) {
    let label_response = ui.label(label);
    egui::ComboBox::from_id_salt(label)
        .selected_text(value.to_string())
        .show_ui(ui, |ui| {
            for choice in choices {
                ui.selectable_value(value, *choice, choice.to_string());
            }
        })
        .response
        .labelled_by(label_response.id);
    ui.end_row();
}

/// The reason to show for a field: always after a save attempt, else only once something
/// has been typed (an empty required field is not an error until the person tries to save).
#[must_use]
pub fn shown_error<'a>(
    errors: &'a FieldErrors,
    field: &str,
    value: &str,
    tried: bool,
) -> Option<&'a str> {
    if tried || !value.trim().is_empty() {
        errors.get(field)
    } else {
        None
    }
}

/// A section heading inside a tab.
pub fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(6.0);
    ui.label(
        egui::RichText::new(title)
            .strong()
            .size(16.0)
            .color(theme::ACCENT),
    );
    ui.separator();
}

/// Secondary text.
pub fn muted(ui: &mut egui::Ui, text: impl Into<String>) {
    ui.label(egui::RichText::new(text.into()).color(theme::MUTED));
}

/// Lays out a form of about `width` points in the middle of the available width.
pub fn centered<R>(ui: &mut egui::Ui, width: f32, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    let margin = ((ui.available_width() - width) / 2.0).max(0.0);
    ui.horizontal(|ui| {
        ui.add_space(margin);
        ui.vertical(|ui| {
            ui.set_max_width(width);
            add(ui)
        })
        .inner
    })
    .inner
}

/// An error to show next to a field: (field, reason).
pub type FieldError = Option<(&'static str, String)>;

/// The reason to show next to `field`, if the error is about it.
#[must_use]
pub fn error_for<'a>(error: &'a FieldError, field: &str) -> Option<&'a str> {
    error
        .as_ref()
        .filter(|(f, _)| *f == field)
        .map(|(_, r)| r.as_str())
}

/// Splits a store error into one shown next to a field (a bad value or a refused step), or a
/// toast for anything else.
pub fn place_error(
    ctx: &mut super::app::DeskCtx<'_>,
    error: &crate::store::StoreError,
) -> FieldError {
    use crate::store::StoreError;
    match error {
        StoreError::Invalid { field, reason } => Some((field, reason.clone())),
        StoreError::Conflict(reason) => Some(("操作", reason.clone())),
        other => {
            ctx.fail(other);
            None
        }
    }
}

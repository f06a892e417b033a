//! The look of the desk: a light theme with readable type. Colours live here only.

use egui::{Color32, FontFamily, FontId, TextStyle};

/// Text of an error next to a field or in a toast.
pub const ERROR: Color32 = Color32::from_rgb(0xC0, 0x1C, 0x28);
/// Confirmations and good rows.
pub const OK: Color32 = Color32::from_rgb(0x1B, 0x7F, 0x3B);
/// Warnings (something to look at, not an error).
pub const WARN: Color32 = Color32::from_rgb(0xB3, 0x6B, 0x00);
/// Secondary text (history, hints).
pub const MUTED: Color32 = Color32::from_rgb(0x6A, 0x6A, 0x6A);
/// Accent of the selected tab and primary buttons.
pub const ACCENT: Color32 = Color32::from_rgb(0x1F, 0x5F, 0xA8);
/// Background of the status line.
pub const STATUS_BG: Color32 = Color32::from_rgb(0xEE, 0xF1, 0xF5);

/// Applies the light office theme and the text sizes.
pub fn apply(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Light);
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(21.0, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(15.0, FontFamily::Proportional)),
            (
                TextStyle::Monospace,
                FontId::new(14.0, FontFamily::Monospace),
            ),
            (
                TextStyle::Button,
                FontId::new(15.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(12.5, FontFamily::Proportional),
            ),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 4.0);
        style.spacing.interact_size.y = 26.0;
        style.visuals.selection.bg_fill = Color32::from_rgb(0xC9, 0xDD, 0xF5);
        style.visuals.selection.stroke.color = ACCENT;
    });
}

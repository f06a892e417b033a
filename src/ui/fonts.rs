//! The shipped Chinese font, used for every character on screen (and in every PDF), so the
//! window looks the same on every office PC and never shows empty boxes.

use std::sync::Arc;

/// WenQuanYi Micro Hei, face 0 of the collection (licence in `assets/`).
pub const CJK_FONT: &[u8] = include_bytes!("../../assets/wqy-microhei.ttc");

/// Installs the shipped font as the first choice for text and the fallback for monospace.
pub fn install(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "wqy-microhei".to_owned(),
        Arc::new(egui::FontData::from_static(CJK_FONT)),
    );
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        family.insert(0, "wqy-microhei".to_owned());
    }
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Monospace) {
        family.push("wqy-microhei".to_owned());
    }
    ctx.set_fonts(fonts);
}

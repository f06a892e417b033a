//! Toasts: short messages in the corner for results and errors of actions.

use super::theme;

/// How a toast looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    /// A result ("已保存").
    Info,
    /// A failed action; stays longer.
    Error,
}

/// One message.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    /// What it says.
    pub text: String,
    /// Its kind.
    pub kind: ToastKind,
    /// Seconds left on screen (counted down while drawn).
    pub seconds_left: f32,
}

/// The toasts on screen.
#[derive(Debug, Default)]
pub struct Toasts {
    items: Vec<Toast>,
}

impl Toasts {
    /// Shows a result.
    pub fn info(&mut self, text: impl Into<String>) {
        self.items.push(Toast {
            text: text.into(),
            kind: ToastKind::Info,
            seconds_left: 4.0,
        });
    }

    /// Shows a failure.
    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        tracing::warn!("{text}");
        self.items.push(Toast {
            text,
            kind: ToastKind::Error,
            seconds_left: 10.0,
        });
    }

    /// The toasts now on screen (oldest first).
    #[must_use]
    pub fn items(&self) -> &[Toast] {
        &self.items
    }

    /// Draws the toasts in the bottom-right corner and counts their time down.
    pub fn show(&mut self, ctx: &egui::Context) {
        if self.items.is_empty() {
            return;
        }
        let dt = ctx.input(|i| i.stable_dt).min(0.1);
        let mut closed = None;
        egui::Area::new(egui::Id::unique("toasts"))
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -36.0))
            .order(egui::Order::Foreground)
            .show(ctx, |ui| {
                for (i, toast) in self.items.iter().enumerate() {
                    let (fill, stroke) = match toast.kind {
                        ToastKind::Info => (egui::Color32::from_rgb(0xE8, 0xF5, 0xEC), theme::OK),
                        ToastKind::Error => {
                            (egui::Color32::from_rgb(0xFB, 0xE9, 0xEA), theme::ERROR)
                        }
                    };
                    egui::Frame::popup(ui.style())
                        .fill(fill)
                        .stroke(egui::Stroke::new(1.0, stroke))
                        .show(ui, |ui| {
                            ui.set_max_width(420.0);
                            ui.horizontal(|ui| {
                                ui.label(egui::RichText::new(&toast.text).color(stroke));
                                if ui.small_button("关闭").clicked() {
                                    closed = Some(i);
                                }
                            });
                        });
                }
            });
        if let Some(i) = closed {
            self.items.remove(i);
        }
        for toast in &mut self.items {
            toast.seconds_left -= dt;
        }
        self.items.retain(|t| t.seconds_left > 0.0);
        ctx.request_repaint_after(std::time::Duration::from_millis(250));
    }
}
